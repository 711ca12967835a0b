import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuseHits } from "./fusion.js";
import type { Hit } from "./types.js";

/** A ranked list from distinct ids and arbitrary scores, sorted as an engine would return it. */
const rankedList = fc
  .uniqueArray(
    fc.record({
      id: fc.constantFrom(...Array.from({ length: 30 }, (_, index) => `d${index}`)),
      score: fc.double({ min: -50, max: 50, noNaN: true }),
    }),
    { selector: (hit) => hit.id, maxLength: 20 },
  )
  .map((hits) => [...hits].sort((left, right) => right.score - left.score).map((hit, position): Hit => ({ ...hit, rank: position + 1 })));
const fusionType = fc.constantFrom("relative-score" as const, "rrf" as const);

describe("fuseHits", () => {
  it("returns at most k hits, ranks 1..n, scores non-increasing, ids from the inputs without duplicates", () => {
    fc.assert(
      fc.property(
        rankedList,
        rankedList,
        fusionType,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        (keyword, vector, fusion, alpha, k) => {
          const fused = fuseHits(keyword, vector, { fusion, alpha, k });
          const inputIds = new Set([...keyword, ...vector].map((hit) => hit.id));
          expect(fused.length).toBe(Math.min(k, inputIds.size));
          expect(fused.map((hit) => hit.rank)).toEqual(fused.map((_, position) => position + 1));
          for (let position = 1; position < fused.length; position++)
            expect(fused[position]!.score).toBeLessThanOrEqual(fused[position - 1]!.score);
          expect(new Set(fused.map((hit) => hit.id)).size).toBe(fused.length);
          for (const hit of fused) expect(inputIds.has(hit.id)).toBe(true);
        },
      ),
    );
  });

  it("alpha 0 keeps the keyword order and alpha 1 the vector order (relative-score and rrf)", () => {
    fc.assert(
      fc.property(rankedList, rankedList, fusionType, (keyword, vector, fusion) => {
        // Ties in the input make several orders valid; only lists of distinct scores have one answer.
        const distinct = (hits: Hit[]) => new Set(hits.map((hit) => hit.score)).size === hits.length;
        fc.pre(distinct(keyword) && distinct(vector) && keyword.length > 0 && vector.length > 0);
        expect(fuseHits(keyword, vector, { fusion, alpha: 0, k: keyword.length }).map((hit) => hit.id)).toEqual(
          keyword.map((hit) => hit.id),
        );
        expect(fuseHits(keyword, vector, { fusion, alpha: 1, k: vector.length }).map((hit) => hit.id)).toEqual(vector.map((hit) => hit.id));
      }),
    );
  });

  it("is deterministic", () => {
    fc.assert(
      fc.property(rankedList, rankedList, fusionType, fc.double({ min: 0, max: 1, noNaN: true }), (keyword, vector, fusion, alpha) => {
        expect(fuseHits(keyword, vector, { fusion, alpha, k: 40 })).toEqual(fuseHits(keyword, vector, { fusion, alpha, k: 40 }));
      }),
    );
  });

  it("computes relative-score by min-max normalisation, worked by hand", () => {
    const keyword: Hit[] = [
      { id: "a", score: 10, rank: 1 },
      { id: "b", score: 6, rank: 2 },
      { id: "c", score: 2, rank: 3 },
    ];
    const vector: Hit[] = [
      { id: "c", score: 0.9, rank: 1 },
      { id: "d", score: 0.5, rank: 2 },
    ];
    // keyword normalised: a 1, b 0.5, c 0; vector: c 1, d 0. alpha 0.25 → a 0.75, b 0.375, c 0.25, d 0.
    const fused = fuseHits(keyword, vector, { fusion: "relative-score", alpha: 0.25, k: 10 });
    expect(fused.map((hit) => hit.id)).toEqual(["a", "b", "c", "d"]);
    expect(fused.map((hit) => hit.score)).toEqual([0.75, 0.375, 0.25, 0]);
  });

  it("computes rrf as weighted 1/(60 + rank), worked by hand", () => {
    const keyword: Hit[] = [
      { id: "a", score: 3, rank: 1 },
      { id: "b", score: 2, rank: 2 },
    ];
    const vector: Hit[] = [{ id: "b", score: 0.9, rank: 1 }];
    const [first, second] = fuseHits(keyword, vector, { fusion: "rrf", alpha: 0.5, k: 2 });
    expect(first).toEqual({ id: "b", score: 0.5 / 62 + 0.5 / 61, rank: 1 });
    expect(second).toEqual({ id: "a", score: 0.5 / 61, rank: 2 });
  });

  it("rejects alpha outside [0, 1], a bad k and an unknown fusion", () => {
    expect(() => fuseHits([], [], { fusion: "rrf", alpha: 1.5, k: 1 })).toThrow(/alpha/);
    expect(() => fuseHits([], [], { fusion: "rrf", alpha: 0.5, k: 0 })).toThrow(/k/);
    expect(() => fuseHits([], [], { fusion: "max" as "rrf", alpha: 0.5, k: 1 })).toThrow(/fusion/);
  });
});
