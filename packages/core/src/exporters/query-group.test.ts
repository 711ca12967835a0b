import { describe, expect, it } from "vitest";
import type { HardNegativeRow } from "./hard-negative-row.js";
import { buildQueryGroup } from "./query-group.js";

function row(negativeId: string, rank: number | null, overrides: Partial<HardNegativeRow> = {}): HardNegativeRow {
  return {
    recordId: `record-${negativeId}`,
    queryId: "q1",
    query: "does caffeine improve memory?",
    goldIds: ["g1"],
    goldDocuments: ["Caffeine improved recall."],
    goldTitles: [""],
    negativeId,
    negativeDocument: `text of ${negativeId}`,
    negativeTitle: "",
    rank,
    score: rank === null ? null : 20 - rank,
    goldScore: 30,
    judgedRelevant: false,
    relabelAsPositive: false,
    ...overrides,
  };
}

const ids = (documents: { id: string }[]): string[] => documents.map((document) => document.id);

describe("buildQueryGroup", () => {
  it("leaves out gold documents without text: null or empty", () => {
    const gold = { goldIds: ["g1", "g2", "g3"], goldDocuments: ["first gold", "", null] };
    const group = buildQueryGroup([row("d1", 1, gold)]);
    expect(group.positives, "positives, with the gold score").toEqual([{ id: "g1", title: "", text: "first gold", score: 30 }]);
  });

  it("orders negatives by rank, padding last, ties by id in code-unit order whatever the input order", () => {
    const rows = [row("b", 2), row("pad-b", null), row("a", 2), row("B", 2), row("c", 1), row("pad-a", null), row("Z", null)];
    // Code units: upper case before lower case ("B" < "a"), unlike a locale's order.
    const expected = ["c", "B", "a", "b", "Z", "pad-a", "pad-b"];
    for (const input of [rows, [...rows].reverse(), [rows[3]!, rows[6]!, rows[0]!, rows[2]!, rows[5]!, rows[1]!, rows[4]!]]) {
      expect(ids(buildQueryGroup(input).negatives), `negatives from input order ${input.map((r) => r.negativeId).join(",")}`).toEqual(
        expected,
      );
    }
  });
});
