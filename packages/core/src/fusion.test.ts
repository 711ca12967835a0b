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

  // The rule of fusion.ts's doc comment: equal fused scores are ordered by the rank in the list
  // with the larger weight (the vector list when alpha ≥ 0.5, the keyword list below), then by
  // the rank in the other list, then by id. Each case below ties two documents exactly: "kw"
  // ranks better in the keyword list, "vec" in the vector list; both id orders are tried, so
  // an id tie-break cannot pass for the rank rule.
  describe("breaks ties by the heavier list's rank: vector when alpha ≥ 0.5, keyword below", () => {
    const hit = (id: string, score: number, rank: number): Hit => ({ id, score, rank });
    const idPairs = [
      { kw: "a", vec: "z" },
      { kw: "z", vec: "a" },
    ];
    const expectedFirst = (alpha: number, ids: { kw: string; vec: string }) => (alpha >= 0.5 ? ids.vec : ids.kw);

    it("relative-score, both documents in both lists with equal scores (each normalises to 1): any alpha", () => {
      for (const alpha of [0, 0.25, 0.49, 0.4999999, 0.5, 0.5000001, 0.51, 0.75, 1])
        for (const ids of idPairs) {
          const keyword = [hit(ids.kw, 5, 1), hit(ids.vec, 5, 2)];
          const vector = [hit(ids.vec, 0.9, 1), hit(ids.kw, 0.9, 2)];
          const fused = fuseHits(keyword, vector, { fusion: "relative-score", alpha, k: 2 });
          expect(fused[0]!.score, `alpha ${alpha}: both fused scores are 1`).toBe(1);
          expect(fused[1]!.score, `alpha ${alpha}: both fused scores are 1`).toBe(1);
          expect(fused[0]!.id, `alpha ${alpha}, keyword-first id ${ids.kw}: first`).toBe(expectedFirst(alpha, ids));
        }
    });

    it("relative-score and rrf at alpha 0.5, each document in one list only at rank 1: the vector one first", () => {
      for (const fusion of ["relative-score", "rrf"] as const)
        for (const ids of idPairs) {
          // relative-score: 0.5 · 1 each; rrf: 0.5 / (60 + 1) each.
          const fused = fuseHits([hit(ids.kw, 3, 1)], [hit(ids.vec, 0.7, 1)], { fusion, alpha: 0.5, k: 2 });
          expect(fused[0]!.score, `${fusion}: a tie`).toBe(fused[1]!.score);
          expect(
            fused.map((fusedHit) => fusedHit.id),
            `${fusion}, keyword id ${ids.kw}`,
          ).toEqual([ids.vec, ids.kw]);
        }
    });

    it("rrf at alpha 0.5, both documents in both lists at swapped ranks: the vector list's first wins", () => {
      for (const ids of idPairs) {
        // kw: 0.5/61 + 0.5/62, vec: 0.5/62 + 0.5/61 (addition commutes: an exact tie).
        const keyword = [hit(ids.kw, 9, 1), hit(ids.vec, 8, 2)];
        const vector = [hit(ids.vec, 0.9, 1), hit(ids.kw, 0.8, 2)];
        const fused = fuseHits(keyword, vector, { fusion: "rrf", alpha: 0.5, k: 2 });
        expect(fused[0]!.score, "a tie").toBe(fused[1]!.score);
        expect(fused[0]!.id, `keyword-first id ${ids.kw}`).toBe(ids.vec);
      }
    });

    it("rrf off 0.5 (constant 1, exact in binary): the heavier list's document wins although it ranks 5th there", () => {
      const fillers = (prefix: string) => [1, 2, 3, 4].map((rank) => hit(`${prefix}${rank}`, 10 - rank, rank));
      for (const ids of idPairs) {
        // alpha 0.25: kw at keyword rank 5 only, 0.75 / (1 + 5) = 0.125; vec at vector rank 1 only, 0.25 / (1 + 1) = 0.125.
        const light = fuseHits([...fillers("k"), hit(ids.kw, 1, 5)], [hit(ids.vec, 0.9, 1)], {
          fusion: "rrf",
          alpha: 0.25,
          k: 10,
          rrfConstant: 1,
        });
        const lightTied = light.filter((fusedHit) => fusedHit.id === ids.kw || fusedHit.id === ids.vec);
        expect(
          lightTied.map((fusedHit) => fusedHit.score),
          "alpha 0.25: both 0.125",
        ).toEqual([0.125, 0.125]);
        expect(
          lightTied.map((fusedHit) => fusedHit.id),
          `alpha 0.25, keyword id ${ids.kw}: keyword's first`,
        ).toEqual([ids.kw, ids.vec]);
        // alpha 0.75, mirrored: vec at vector rank 5 only, 0.75 / 6; kw at keyword rank 1 only, 0.25 / 2.
        const heavy = fuseHits([hit(ids.kw, 9, 1)], [...fillers("v"), hit(ids.vec, 0.1, 5)], {
          fusion: "rrf",
          alpha: 0.75,
          k: 10,
          rrfConstant: 1,
        });
        const heavyTied = heavy.filter((fusedHit) => fusedHit.id === ids.kw || fusedHit.id === ids.vec);
        expect(
          heavyTied.map((fusedHit) => fusedHit.score),
          "alpha 0.75: both 0.125",
        ).toEqual([0.125, 0.125]);
        expect(
          heavyTied.map((fusedHit) => fusedHit.id),
          `alpha 0.75, keyword id ${ids.kw}: vector's first`,
        ).toEqual([ids.vec, ids.kw]);
      }
    });

    it("any lists: hits of equal fused score follow (heavier rank, lighter rank, id)", () => {
      // Few distinct scores and round alphas, so ties are common; the ranks are the input positions.
      const tieProneList = fc
        .uniqueArray(fc.record({ id: fc.constantFrom("a", "b", "c", "d", "e", "f"), score: fc.integer({ min: 0, max: 2 }) }), {
          selector: (entry) => entry.id,
          maxLength: 6,
        })
        .map((hits) =>
          [...hits].sort((left, right) => right.score - left.score).map((entry, position) => hit(entry.id, entry.score, position + 1)),
        );
      fc.assert(
        fc.property(tieProneList, tieProneList, fusionType, fc.constantFrom(0, 0.25, 0.5, 0.75, 1), (keyword, vector, fusion, alpha) => {
          const rankIn = (hits: Hit[], id: string) => {
            const position = hits.findIndex((entry) => entry.id === id);
            return position === -1 ? Number.POSITIVE_INFINITY : position + 1;
          };
          const [heavier, lighter] = alpha >= 0.5 ? [vector, keyword] : [keyword, vector];
          const fused = fuseHits(keyword, vector, { fusion, alpha, k: 12 });
          for (let position = 1; position < fused.length; position++) {
            const [before, after] = [fused[position - 1]!, fused[position]!];
            if (before.score !== after.score) continue;
            const key = (id: string) => [rankIn(heavier, id), rankIn(lighter, id)];
            const [beforeKey, afterKey] = [key(before.id), key(after.id)];
            const ordered =
              beforeKey[0]! < afterKey[0]! ||
              (beforeKey[0] === afterKey[0] && (beforeKey[1]! < afterKey[1]! || (beforeKey[1] === afterKey[1] && before.id < after.id)));
            expect(ordered, `alpha ${alpha} ${fusion}: ${before.id} before ${after.id} at a tie`).toBe(true);
          }
        }),
      );
    });
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

  it("rejects alpha below 0 or not a number, and its message quotes the value given", () => {
    for (const alpha of [-0.5, -1, Number.NaN, 1.5]) {
      expect(() => fuseHits([], [], { fusion: "rrf", alpha, k: 1 }), `alpha ${alpha}`).toThrow(`got ${String(alpha)}`);
    }
  });

  it("quotes the bad k and the unknown fusion in its messages", () => {
    expect(() => fuseHits([], [], { fusion: "rrf", alpha: 0.5, k: 2.5 }), "k 2.5").toThrow("got 2.5");
    expect(() => fuseHits([], [], { fusion: "max" as "rrf", alpha: 0.5, k: 1 }), "fusion max").toThrow('got "max"');
  });
});
