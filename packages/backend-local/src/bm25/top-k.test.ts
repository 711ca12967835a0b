import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { selectTopK } from "./top-k.js";

describe("selectTopK", () => {
  it("equals a full sort by score (desc) then document index (asc), cut at k", () => {
    fc.assert(
      fc.property(
        // Few distinct scores, so ties are common.
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 0, max: 1000 }),
        (scoreLevels, k, seed) => {
          const scores = Float32Array.from(scoreLevels, (level) => level / 4);
          // Candidates in a shuffled order, as touched documents come in posting order.
          const candidates = Uint32Array.from(scoreLevels.keys()).sort(
            (left, right) => ((left * 7919 + seed) % 101) - ((right * 7919 + seed) % 101),
          );
          const expected = [...candidates].sort((left, right) => scores[right]! - scores[left]! || left - right).slice(0, k);
          const ranked = selectTopK(candidates, candidates.length, scores, k);
          expect([...ranked.documentIndexes]).toEqual(expected);
          expect([...ranked.scores]).toEqual(expected.map((index) => scores[index]));
        },
      ),
    );
  });

  it("in dense mode scans every document and skips those scoring 0", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 1, max: 60 }),
        (scoreLevels, k) => {
          const scores = Float32Array.from(scoreLevels);
          const touched = Uint32Array.from([...scoreLevels.keys()].filter((index) => scores[index]! > 0).reverse());
          const dense = selectTopK(undefined, scores.length, scores, k);
          const sparse = selectTopK(touched, touched.length, scores, k);
          expect([...dense.documentIndexes]).toEqual([...sparse.documentIndexes]);
          expect(dense.documentIndexes.length).toBe(Math.min(k, touched.length));
        },
      ),
    );
  });

  it("in dense mode equals a full sort too, ties and scores at or below 0 included", () => {
    fc.assert(
      fc.property(
        // Large enough arrays that the heap fills and most documents are skipped below its root.
        fc.array(fc.integer({ min: -2, max: 5 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        (scoreLevels, k, keepNonPositive) => {
          const scores = Float32Array.from(scoreLevels, (level) => level / 2);
          const expected = [...scores.keys()]
            .filter((index) => keepNonPositive || scores[index]! > 0)
            .sort((left, right) => scores[right]! - scores[left]! || left - right)
            .slice(0, k);
          const ranked = selectTopK(undefined, scores.length, scores, k, keepNonPositive);
          expect([...ranked.documentIndexes]).toEqual(expected);
          expect([...ranked.scores]).toEqual(expected.map((index) => scores[index]));
        },
      ),
    );
  });

  it("only considers the first candidateCount candidates", () => {
    const scores = Float32Array.from([1, 5, 3]);
    const ranked = selectTopK(Uint32Array.from([0, 2, 1]), 2, scores, 5);
    expect([...ranked.documentIndexes]).toEqual([2, 0]);
  });
});
