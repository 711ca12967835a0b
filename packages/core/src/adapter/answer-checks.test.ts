import { describe, expect, it } from "vitest";
import type { DocumentTarget } from "../backend.js";
import type { HardnegError } from "../errors.js";
import type { Doc, Hit, StoredRecord } from "../types.js";
import { fakeDriver } from "../testkit/__fixtures__/fake-driver.js";
import { AdapterContractError } from "./answer-checks.js";
import { createEngine } from "./create-engine.js";
import type { EngineDriver } from "./driver.js";

const target: DocumentTarget = { collection: "docs", idKey: "doc_id", contentKey: "text" };

/** Expects `promise` to reject with an AdapterContractError (code INTERNAL) whose message matches `rule`. */
async function expectContractError(promise: Promise<unknown>, rule: RegExp, label: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `${label}: rejected with AdapterContractError`).toBeInstanceOf(AdapterContractError);
  expect((error as HardnegError).code, `${label}: code`).toBe("INTERNAL");
  expect((error as Error).message, `${label}: message names the adapter and the rule`).toMatch(
    new RegExp(`adapter "fake" broke the adapter contract: .*${rule.source}`),
  );
}

async function drain(batches: AsyncIterable<StoredRecord[]>): Promise<number> {
  let count = 0;
  for await (const batch of batches) count += batch.length;
  return count;
}

const hit = (id: string, score: number, rank: number): Hit => ({ id, score, rank });

describe("createEngine checks search answers", () => {
  const broken: Array<[string, unknown, RegExp]> = [
    ["not an array", { lists: [] }, /one hit list per request \(2\), got object/],
    ["one list for two requests", [[]], /one hit list per request \(2\), got 1/],
    ["a list that is not an array", [[], "hits"], /non-array hit list for request 1/],
    ["more than k hits", [[hit("a", 3, 1), hit("b", 2, 2), hit("c", 1, 3), hit("d", 0, 4)], []], /4 hits for request 0, more than k = 3/],
    ["a hit without an id", [[{ score: 1, rank: 1 }], []], /hit without a document id/],
    ["a hit with an empty id", [[hit("", 1, 1)], []], /hit without a document id/],
    ["the same id twice", [[], [hit("a", 2, 1), hit("a", 1, 2)]], /document "a" twice in one hit list \(request 1, hit 1\)/],
    ["a NaN score", [[hit("a", Number.NaN, 1)], []], /non-finite score for "a"/],
    ["an infinite score", [[hit("a", Number.POSITIVE_INFINITY, 1)], []], /non-finite score for "a"/],
    ["a string score", [[{ id: "a", score: "1", rank: 1 }], []], /non-finite score for "a"/],
    ["scores rising", [[hit("a", 1, 1), hit("b", 2, 2)], []], /scores out of order: "b"/],
    ["ranks from 0", [[hit("a", 1, 0)], []], /rank 0 for "a" at position 1/],
    ["a skipped rank", [[hit("a", 2, 1), hit("b", 1, 3)], []], /rank 3 for "b" at position 2/],
  ];
  for (const [what, answer, rule] of broken) {
    it(`refuses ${what} with AdapterContractError`, async () => {
      const engine = createEngine(fakeDriver({ search: async () => answer as Hit[][] }));
      await expectContractError(engine.search(target, [{ text: "a" }, { text: "b" }], { mode: "bm25", k: 3 }), rule, what);
    });
  }

  it("accepts empty lists, equal scores and negative scores", async () => {
    const lists = [[], [hit("a", -1, 1), hit("b", -1, 2), hit("c", -2, 3)]];
    const engine = createEngine(fakeDriver({ search: async () => lists }));
    expect(await engine.search(target, [{ text: "a" }, { text: "b" }], { mode: "bm25", k: 3 }), "the answer, unchanged").toEqual(lists);
  });

  it("checks each split batch against its own length", async () => {
    // Three lists for a batch of two: the driver answered the first batch with one list too many.
    const engine = createEngine(fakeDriver({ maxBatchSize: 2, search: async () => [[], [], []] }));
    await expectContractError(
      engine.search(target, [{ text: "a" }, { text: "b" }, { text: "c" }], { mode: "bm25", k: 3 }),
      /one hit list per request \(2\), got 3/,
      "a batch of 3 split in 2 + 1",
    );
  });
});

describe("createEngine checks getDocuments, scoreDocuments and getRecords answers", () => {
  const documentsOf = (entries: Array<[string, unknown]>) => async () => new Map(entries) as Map<string, Doc>;
  const brokenDocuments: Array<[string, EngineDriver["getDocuments"], RegExp]> = [
    ["not a Map", async () => ({}) as Map<string, Doc>, /getDocuments must return a Map/],
    [
      "an id nobody asked for",
      documentsOf([
        ["a", { id: "a", text: "" }],
        ["z", { id: "z", text: "" }],
      ]),
      /getDocuments returned "z", which was not asked for/,
    ],
    [
      "a document whose id differs from its key",
      documentsOf([["a", { id: "record-a", text: "" }]]),
      /map "a" to a document with that id and a text/,
    ],
    ["a document without text", documentsOf([["a", { id: "a" }]]), /map "a" to a document with that id and a text/],
    ["no document", documentsOf([["a", undefined]]), /map "a" to a document with that id and a text/],
  ];
  for (const [what, getDocuments, rule] of brokenDocuments) {
    it(`getDocuments: refuses ${what} with AdapterContractError`, async () => {
      const engine = createEngine(fakeDriver({ getDocuments }));
      await expectContractError(engine.getDocuments(target, ["a", "b"]), rule, what);
    });
  }

  const brokenScores: Array<[string, unknown, RegExp]> = [
    ["not a Map", [["a", 1]], /scoreDocuments must return a Map/],
    [
      "an id nobody asked for",
      new Map([
        ["a", 1],
        ["z", 2],
      ]),
      /scoreDocuments returned "z", which was not asked for/,
    ],
    ["a NaN score", new Map([["a", Number.NaN]]), /non-finite score for "a"/],
    ["a string score", new Map([["a", "1"]]), /non-finite score for "a"/],
  ];
  for (const [what, answer, rule] of brokenScores) {
    it(`scoreDocuments: refuses ${what} with AdapterContractError`, async () => {
      const engine = createEngine(fakeDriver({ scoreDocuments: async () => answer as Map<string, number> }));
      await expectContractError(engine.scoreDocuments(target, { text: "a" }, ["a", "b"], { mode: "bm25", k: 3 }), rule, what);
    });
  }

  const recordsOf = (entries: Array<[string, unknown]>) => async () => new Map(entries) as Map<string, StoredRecord>;
  const brokenRecords: Array<[string, EngineDriver["getRecords"], RegExp]> = [
    ["not a Map", async () => [] as unknown as Map<string, StoredRecord>, /getRecords must return a Map/],
    ["an id nobody asked for", recordsOf([["z", { id: "z", properties: {} }]]), /getRecords returned "z", which was not asked for/],
    ["a record whose id differs from its key", recordsOf([["a", { id: "b", properties: {} }]]), /map "a" to the record with that id/],
  ];
  for (const [what, getRecords, rule] of brokenRecords) {
    it(`getRecords: refuses ${what} with AdapterContractError`, async () => {
      const engine = createEngine(fakeDriver({ getRecords }));
      await expectContractError(engine.getRecords("c", ["a", "b"]), rule, what);
    });
  }
});

describe("createEngine checks iterate batches", () => {
  const broken: Array<[string, StoredRecord[][], RegExp]> = [
    ["an empty batch", [[]], /non-empty batches of at most 2 records, got 0/],
    [
      "a batch larger than batchSize",
      [
        [
          { id: "a", properties: {} },
          { id: "b", properties: {} },
          { id: "c", properties: {} },
        ],
      ],
      /at most 2 records, got 3/,
    ],
    ["a batch that is not an array", [{ id: "a", properties: {} } as unknown as StoredRecord[]], /at most 2 records, got object/],
  ];
  for (const [what, batches, rule] of broken) {
    it(`refuses ${what} with AdapterContractError`, async () => {
      const engine = createEngine(
        fakeDriver({
          iterate: async function* () {
            yield* batches;
          },
        }),
      );
      await expectContractError(drain(engine.iterate("c", { batchSize: 2 })), rule, what);
    });
  }

  it("passes full and partial batches through", async () => {
    const engine = createEngine(
      fakeDriver({
        iterate: async function* () {
          yield [
            { id: "a", properties: {} },
            { id: "b", properties: {} },
          ];
          yield [{ id: "c", properties: {} }];
        },
      }),
    );
    expect(await drain(engine.iterate("c", { batchSize: 2 })), "every record").toBe(3);
  });
});
