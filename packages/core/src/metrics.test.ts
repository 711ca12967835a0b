import { describe, expect, it } from "vitest";
import { goldRank, gradesOf, MetricsAccumulator, mrrAtK, ndcgAtK, recallAtK } from "./metrics.js";

const grades = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe("metrics", () => {
  it("nDCG@k uses linear gains and the ideal ordering of the graded qrels", () => {
    // Ranking: a (grade 1), x, b (grade 2). DCG = 1/log2(2) + 2/log2(4) = 2; IDCG = 2/1 + 1/log2(3).
    const value = ndcgAtK(["a", "x", "b"], grades({ a: 1, b: 2 }), 10);
    expect(value).toBeCloseTo(2 / (2 + 1 / Math.log2(3)), 12);
    expect(ndcgAtK(["b", "a"], grades({ a: 1, b: 2 }), 10)).toBe(1);
    expect(ndcgAtK(["x", "y"], grades({ a: 1 }), 10)).toBe(0);
    // Only the top k count.
    expect(ndcgAtK(["x", "a"], grades({ a: 1 }), 1)).toBe(0);
  });

  it("MRR@k, Recall@k and gold rank", () => {
    expect(mrrAtK(["x", "y", "a"], grades({ a: 1 }), 10)).toBeCloseTo(1 / 3, 12);
    expect(mrrAtK(["x", "y", "a"], grades({ a: 1 }), 2)).toBe(0);
    expect(recallAtK(["a", "x", "c"], grades({ a: 1, b: 1, c: 1, z: 0 }), 2)).toBeCloseTo(1 / 3, 12);
    expect(recallAtK(["a", "x", "c"], grades({ a: 1, b: 1, c: 1 }), 3)).toBeCloseTo(2 / 3, 12);
    expect(goldRank(["x", "b", "a"], ["a", "b"])).toBe(2);
    expect(goldRank(["x"], ["a"])).toBeNull();
  });

  it("grade 0 judgements are not relevant", () => {
    expect(ndcgAtK(["z"], grades({ z: 0, a: 1 }), 10)).toBe(0);
    expect(mrrAtK(["z", "a"], grades({ z: 0, a: 1 }), 10)).toBe(0.5);
  });

  it("averages queries uniformly", () => {
    const accumulator = new MetricsAccumulator();
    accumulator.add(["a"], gradesOf({ goldIds: ["a"] }));
    accumulator.add(["x"], gradesOf({ goldIds: ["a"] }));
    expect(accumulator.summary()).toEqual({ queries: 2, ndcg_at_10: 0.5, mrr_at_10: 0.5, recall_at_10: 0.5, recall_at_100: 0.5 });
    expect(new MetricsAccumulator().summary().ndcg_at_10).toBe(0);
  });

  it("gradesOf gives every gold grade 1 unless graded", () => {
    expect([...gradesOf({ goldIds: ["a", "b"], grades: { b: 2 } })]).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
  });
});
