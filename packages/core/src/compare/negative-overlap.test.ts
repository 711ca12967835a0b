import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareNegatives, jaccard } from "./negative-overlap.js";

const run = (label: string, entries: Record<string, string[]>) => ({ label, negativesByQuery: new Map(Object.entries(entries)) });

describe("compareNegatives", () => {
  it("computes pairwise mean Jaccard, the only-one-engine share and the worst disagreements", () => {
    const result = compareNegatives([run("a", { q1: ["d1", "d2"], q2: ["d3", "d4"] }), run("b", { q1: ["d1", "d2"], q2: ["d5", "d6"] })]);
    expect(result.mean_jaccard).toEqual([
      [1, 0.5],
      [0.5, 1],
    ]);
    // Distinct (query, negative) pairs: q1d1, q1d2 (both), q2d3, q2d4 (a), q2d5, q2d6 (b): 4 of 6 found once.
    expect(result.only_one_engine_share).toBeCloseTo(4 / 6, 12);
    expect(result.unique_share).toEqual({ a: 0.5, b: 0.5 });
    // q1's sets are equal (Jaccard 1): not a disagreement.
    expect(result.disagreements.map((item) => [item.query_id, item.mean_jaccard])).toEqual([["q2", 0]]);
    expect(result.shared_queries).toBe(2);
    expect(result.disagreements[0]!.negatives).toEqual({ a: ["d3", "d4"], b: ["d5", "d6"] });
  });

  it("only compares queries both engines mined", () => {
    const result = compareNegatives([run("a", { q1: ["d1"], q2: ["d2"] }), run("b", { q1: ["d1"] })]);
    expect(result.mean_jaccard[0]![1]).toBe(1);
    expect(result.shared_queries, "q2 was mined by one engine only").toBe(1);
    expect(result.disagreements, "q1's sets are equal").toEqual([]);
  });

  it("lists no disagreement for two identical engines, however many queries they share", () => {
    const negatives = { q1: ["d1", "d2"], q2: ["d3", "d4"], q3: ["d5"], q4: [], q5: ["d6", "d7"], q6: ["d8"] };
    const result = compareNegatives([run("a", negatives), run("b", negatives)]);
    expect(result.disagreements, "equal negative sets (mean Jaccard 1) are no disagreement").toEqual([]);
    expect(result.shared_queries).toBe(6);
    expect(result.mean_jaccard).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it("lists only queries whose negative sets differ, lowest overlap first (property)", () => {
    const ids = fc.uniqueArray(fc.constantFrom("d1", "d2", "d3", "d4"), { maxLength: 4 });
    const byQuery = fc.dictionary(fc.constantFrom("q1", "q2", "q3", "q4", "q5", "q6"), ids);
    fc.assert(
      fc.property(byQuery, byQuery, (left, right) => {
        const result = compareNegatives([run("a", left), run("b", right)], 100);
        const differing = Object.keys(left).filter(
          (queryId) => right[queryId] !== undefined && jaccard(new Set(left[queryId]), new Set(right[queryId])) < 1,
        );
        expect(result.disagreements.map((item) => item.query_id).sort()).toEqual(differing.sort());
        const values = result.disagreements.map((item) => item.mean_jaccard);
        expect(values).toEqual([...values].sort((x, y) => x - y));
      }),
    );
  });

  it("Jaccard is symmetric, within [0, 1], and 1 exactly for equal sets (property)", () => {
    const set = fc.uniqueArray(fc.constantFrom("a", "b", "c", "d", "e", "f"), { maxLength: 6 }).map((items) => new Set(items));
    fc.assert(
      fc.property(set, set, (left, right) => {
        const value = jaccard(left, right);
        expect(value).toBe(jaccard(right, left));
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
        const equal = left.size === right.size && [...left].every((item) => right.has(item));
        expect(value === 1).toBe(equal);
      }),
    );
  });
});
