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

  it("nDCG@k cuts the ideal DCG at k: a query with more golds than k can still score 1", () => {
    // 12 golds of grade 1, nDCG@10. The ideal ranking is cut at 10 like the ranking itself:
    // IDCG@10 = Σ_{i=1..10} 1/log2(i+1) = 1 + 0.630930 + 0.5 + 0.430677 + 0.386853 + 0.356207
    //         + 0.333333 + 0.315465 + 0.301030 + 0.289065 = 4.543559.
    // (Uncut, IDCG would add 1/log2(12) + 1/log2(13) = 0.278943 + 0.270238, giving 5.092740.)
    const golds = Array.from({ length: 12 }, (_, index) => `g${index + 1}`);
    const twelve = new Map(golds.map((id) => [id, 1]));
    // Ten golds in the top 10: DCG@10 = IDCG@10, so 1 (uncut: 4.543559 / 5.092740 = 0.892164).
    expect(ndcgAtK(golds, twelve, 10), "ten golds filling the top 10 of a 12-gold query").toBe(1);
    expect(ndcgAtK(golds.slice(0, 10), twelve, 10), "the same with only the top 10 returned").toBe(1);
    // Golds at ranks 1 and 3: DCG = 1/log2(2) + 1/log2(4) = 1.5; 1.5 / 4.543559 = 0.330138 (uncut: 0.294537).
    const sparse = ["g1", "x1", "g2", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "g3"];
    expect(ndcgAtK(sparse, twelve, 10), "golds at ranks 1 and 3 of a 12-gold query").toBeCloseTo(0.3301376494471203, 12);
    // Graded, k = 2: grades a 3, b 3, c 2, d 1. IDCG@2 = 3/log2(2) + 3/log2(3) = 3 + 1.892789 = 4.892789;
    // ranking c, a: DCG@2 = 2 + 3/log2(3) = 3.892789; 3.892789 / 4.892789 = 0.795618
    // (uncut, IDCG would add 2/log2(4) + 1/log2(5) = 1.430677: 0.615610).
    expect(ndcgAtK(["c", "a", "b", "d"], grades({ a: 3, b: 3, c: 2, d: 1 }), 2), "graded, 4 golds, k = 2").toBeCloseTo(
      0.7956176024115139,
      12,
    );
    // The summary `hardneg eval` prints uses the same cut: the 12 golds ranked first give nDCG@10 1,
    // Recall@10 10/12 and Recall@100 12/12.
    const accumulator = new MetricsAccumulator();
    accumulator.add(golds, twelve);
    expect(accumulator.summary(), "summary of one 12-gold query ranked perfectly").toEqual({
      queries: 1,
      pool_size: 100,
      ndcg_at_10: 1,
      mrr_at_10: 1,
      recall_at_10: 10 / 12,
      recall_at_pool: 1,
    });
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

  it("negative grades are not relevant either: they neither lower the DCG nor enter the ideal ranking", () => {
    expect(ndcgAtK(["bad", "a"], grades({ bad: -1, a: 1 }), 10), "nDCG with a negative grade ranked first").toBeCloseTo(
      1 / Math.log2(3),
      12,
    );
    expect(ndcgAtK(["a"], grades({ a: 1, bad: -2 }), 10), "nDCG with a negative grade unretrieved").toBe(1);
    expect(recallAtK(["a"], grades({ a: 1, bad: -1 }), 10), "recall with a negative grade unretrieved").toBe(1);
  });

  it("a query without any relevant document scores 0, never NaN", () => {
    for (const graded of [grades({}), grades({ z: 0 }), grades({ bad: -1 })]) {
      const label = JSON.stringify([...graded]);
      expect(ndcgAtK(["z", "bad"], graded, 10), `nDCG for ${label}`).toBe(0);
      expect(recallAtK(["z", "bad"], graded, 10), `recall for ${label}`).toBe(0);
      expect(mrrAtK(["z", "bad"], graded, 10), `MRR for ${label}`).toBe(0);
    }
  });

  it("measures Recall over the pool size it was given", () => {
    const accumulator = new MetricsAccumulator(3);
    // Golds at ranks 3 and 4: within a pool of 3, one of two is found.
    accumulator.add(
      ["x", "y", "g1", "g2"],
      new Map([
        ["g1", 1],
        ["g2", 1],
      ]),
    );
    expect(accumulator.summary()).toMatchObject({ pool_size: 3, recall_at_pool: 0.5 });
  });

  it("averages queries uniformly", () => {
    const accumulator = new MetricsAccumulator();
    accumulator.add(["a"], gradesOf({ goldIds: ["a"] }));
    accumulator.add(["x"], gradesOf({ goldIds: ["a"] }));
    expect(accumulator.summary()).toEqual({
      queries: 2,
      pool_size: 100,
      ndcg_at_10: 0.5,
      mrr_at_10: 0.5,
      recall_at_10: 0.5,
      recall_at_pool: 0.5,
    });
    expect(new MetricsAccumulator().summary().ndcg_at_10).toBe(0);
  });

  it("gradesOf gives every gold grade 1 unless graded", () => {
    expect([...gradesOf({ goldIds: ["a", "b"], grades: { b: 2 } })]).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
  });
});
