import type { FusionType, SearchMode } from "../types.js";

/** Which candidates of the pool are eligible. */
export type Strategy = "top-k" | "ahead-of-gold" | "range";
/** How eligible candidates are picked: best-ranked first, or a seeded random draw. */
export type Sampling = "top" | "random";
/** What to do with a query that has fewer eligible candidates than `negativesPerQuery`. */
export type ShortfallPolicy = "keep-fewer" | "skip-query" | "pad-random";
/** How queries are sampled: the first N in collection order, or a seeded random N. */
export type QuerySampling = "first" | "random";

export const STRATEGIES: readonly Strategy[] = ["top-k", "ahead-of-gold", "range"];
export const SAMPLINGS: readonly Sampling[] = ["top", "random"];
export const SHORTFALL_POLICIES: readonly ShortfallPolicy[] = ["keep-fewer", "skip-query", "pad-random"];
export const QUERY_SAMPLINGS: readonly QuerySampling[] = ["first", "random"];

/**
 * Positive-aware filters, all on the engine's own score scale and compared with the score of the
 * query's lowest-scoring gold document (NV-Retriever's TopK-PercPos, TopK-MarginPos, TopK-Abs).
 */
export interface ScoreFilters {
  /** Drop candidates scoring above `goldScore - |goldScore| * relativeMargin` (0.05 = 95% of the gold). */
  relativeMargin?: number;
  /** Drop candidates scoring above `goldScore - absoluteMargin`. */
  absoluteMargin?: number;
  /** Drop candidates scoring above this value. */
  maxScore?: number;
  /** Drop candidates scoring below this value. */
  minScore?: number;
}

/** How negatives are chosen for one query; everything but the engine and collections. */
export interface SelectionOptions extends ScoreFilters {
  negativesPerQuery: number;
  /** Default "top-k" (the original behaviour). */
  strategy: Strategy;
  /** First eligible pool rank for strategy "range" (1-based, inclusive). */
  rangeMin?: number;
  /** Last eligible pool rank for strategy "range" (inclusive). */
  rangeMax?: number;
  /** Default "top". */
  sampling: Sampling;
  /** Default "keep-fewer". */
  shortfall: ShortfallPolicy;
  /** Seed of every random choice. Default 42. */
  seed: number;
  /**
   * Candidates at least this similar (0 to 1, shingle containment; see `NearDuplicateRule`) to
   * the query, a gold or an earlier negative are dropped as `near_duplicate`. Absent or 1: exact
   * text checks only (the behaviour before the rule). `mine` sets {@link DEFAULT_NEAR_DUPLICATE_THRESHOLD}.
   */
  nearDuplicateThreshold?: number;
}

/** The near-duplicate threshold `mine` uses unless told otherwise (measured on SciFact; see the README). */
export const DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.9;

/** The search side of a run. */
export interface SearchSettings {
  mode: SearchMode;
  /** Candidates requested per query. */
  poolSize: number;
  alpha?: number;
  fusion?: FusionType;
}
