import { BadOptionError } from "./errors.js";
import type { FusionType, Hit } from "./types.js";

/** Options of {@link fuseHits}. */
export interface FuseHitsOptions {
  /** "relative-score" (Weaviate's default since 1.24) or "rrf" (reciprocal rank fusion). */
  fusion: FusionType;
  /** Weight of the vector list, 0 to 1 (1 = vector only, 0 = keyword only). */
  alpha: number;
  /** How many fused hits to return. */
  k: number;
  /** RRF's rank constant. Default 60 (the value of Cormack et al. and of most engines). */
  rrfConstant?: number;
}

/**
 * Fuses a keyword and a vector hit list of the same query into one ranked list, for adapters
 * whose engine has no hybrid search of its own (or whose hybrid cannot take both lists from
 * the caller).
 *
 * - "relative-score": each list is min-max normalised to [0, 1] (a list whose scores are all
 *   equal normalises to 1), then `alpha · vector + (1 − alpha) · keyword`; a document missing
 *   from a list gets 0 from it.
 * - "rrf": `alpha · 1/(c + vectorRank) + (1 − alpha) · 1/(c + keywordRank)`, c = 60; weighting
 *   by alpha keeps alpha meaningful for both fusions. Scores are on a tiny scale by nature.
 *
 * Ties are broken by the rank in the list with the larger weight (vector when alpha ≥ 0.5),
 * then by the rank in the other list, then by id, so the output is deterministic.
 * Returns at most `k` hits ranked from 1.
 */
export function fuseHits(keyword: readonly Hit[], vector: readonly Hit[], options: FuseHitsOptions): Hit[] {
  const { fusion, alpha, k } = options;
  const rrfConstant = options.rrfConstant ?? 60;
  if (!(alpha >= 0 && alpha <= 1)) throw new BadOptionError("alpha", `must be between 0 (keyword) and 1 (vector), got ${String(alpha)}`);
  if (!Number.isInteger(k) || k < 1) throw new BadOptionError("k", `must be a positive integer, got ${String(k)}`);
  if (fusion !== "relative-score" && fusion !== "rrf")
    throw new BadOptionError("fusion", `must be "relative-score" or "rrf", got ${JSON.stringify(fusion)}`);

  // Ranks: [in the heavier list, in the lighter list]; a missing document ranks after all.
  const fused = new Map<string, { score: number; ranks: [number, number] }>();
  const add = (hits: readonly Hit[], weight: number, heavier: boolean) => {
    const contributions = fusion === "rrf" ? hits.map((hit) => 1 / (rrfConstant + hit.rank)) : normalised(hits);
    hits.forEach((hit, position) => {
      const entry = fused.get(hit.id) ?? { score: 0, ranks: [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY] };
      entry.score += weight * contributions[position]!;
      // Stryker disable next-line ArithmeticOperator: ranks only order documents against each other; shifting all of them keeps the order
      entry.ranks[heavier ? 0 : 1] = position + 1;
      fused.set(hit.id, entry);
    });
  };
  add(keyword, 1 - alpha, alpha < 0.5);
  add(vector, alpha, alpha >= 0.5);

  return [...fused]
    .sort(
      ([leftId, left], [rightId, right]) =>
        right.score - left.score ||
        compareRanks(left.ranks[0], right.ranks[0]) ||
        compareRanks(left.ranks[1], right.ranks[1]) ||
        // Unreachable, kept as the documented last resort: two documents never share both ranks (a list holds a document
        // once; two missing from the heavier list sit at different places in the lighter one).
        // Stryker disable next-line ConditionalExpression,EqualityOperator,UnaryOperator: unreachable, see above
        (leftId < rightId ? -1 : leftId > rightId ? 1 : 0),
    )
    .slice(0, k)
    .map(([id, { score }], position) => ({ id, score, rank: position + 1 }));
}

function compareRanks(left: number, right: number): number {
  return left === right ? 0 : left < right ? -1 : 1;
}

function normalised(hits: readonly Hit[]): number[] {
  if (hits.length === 0) return [];
  let minimum = Number.POSITIVE_INFINITY;
  let maximum = Number.NEGATIVE_INFINITY;
  for (const hit of hits) {
    minimum = Math.min(minimum, hit.score);
    maximum = Math.max(maximum, hit.score);
  }
  const range = maximum - minimum;
  return hits.map((hit) => (range === 0 ? 1 : (hit.score - minimum) / range));
}
