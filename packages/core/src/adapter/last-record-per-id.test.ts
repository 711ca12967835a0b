import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HardnegError } from "../errors.js";
import type { StoredRecord } from "../types.js";
import { lastRecordPerId } from "./input-checks.js";

describe("lastRecordPerId (what a driver's upsert receives)", () => {
  it("keeps one record per id, the last given, in order of first appearance", () => {
    const records = fc.array(fc.record({ id: fc.constantFrom("a", "b", "c", "d"), properties: fc.record({ version: fc.nat() }) }), {
      maxLength: 20,
    });
    fc.assert(
      fc.property(records, (given) => {
        const kept = lastRecordPerId(given, {});
        const firstAppearance = [...new Set(given.map((record) => record.id))];
        expect(
          kept.map((record) => record.id),
          "ids in order of first appearance",
        ).toEqual(firstAppearance);
        for (const record of kept)
          expect(record, `record "${record.id}" is the last given`).toBe(given.findLast((candidate) => candidate.id === record.id));
      }),
    );
  });

  it("returns a copy, not the array given", () => {
    const records: StoredRecord[] = [{ id: "a", properties: {} }];
    expect(lastRecordPerId(records, {}), "a new array").not.toBe(records);
  });

  it("refuses an empty id or properties that are not an object, naming the record", () => {
    for (const [records, message] of [
      [[{ id: "", properties: {} }], "record at position 0 needs a non-empty string id"],
      [
        [
          { id: "a", properties: {} },
          { id: 7, properties: {} },
        ],
        "record at position 1 needs a non-empty string id",
      ],
      [[{ id: "a", properties: [] }], 'record "a": properties must be a JSON object'],
      [[{ id: "a", properties: null }], 'record "a": properties must be a JSON object'],
    ] as const) {
      let caught: unknown;
      try {
        lastRecordPerId(records as unknown as StoredRecord[], { collection: "c" });
      } catch (error) {
        caught = error;
      }
      expect(HardnegError.isInstance(caught) && caught.code, message).toBe("BAD_INPUT");
      expect((caught as Error).message, message).toContain(message);
    }
  });
});
