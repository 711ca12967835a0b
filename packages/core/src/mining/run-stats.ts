import { emptyVerdictCounts, type VerdictCounts } from "../judges/judge.js";
import { DROP_REASONS, type DropReason } from "./select-negatives.js";

/** Gold-rank buckets of the report (ranks in the candidate pool; "none" = no gold in the pool). */
export const GOLD_RANK_BUCKETS = ["1", "2", "3", "4", "5", "6-10", "11-20", "21-50", "51-100", "101+", "none"] as const;
export type GoldRankBucket = (typeof GOLD_RANK_BUCKETS)[number];

export function goldRankBucket(rank: number | null): GoldRankBucket {
  if (rank === null) return "none";
  if (rank <= 5) return String(rank) as GoldRankBucket;
  if (rank <= 10) return "6-10";
  if (rank <= 20) return "11-20";
  if (rank <= 50) return "21-50";
  if (rank <= 100) return "51-100";
  return "101+";
}

/** Why a sampled query produced no rows. */
export type SkipReason = "empty_query" | "no_gold_ids" | "gold_not_in_corpus" | "shortfall";

/** One skipped query, kept as an example in the report. */
export interface SkippedQuery {
  query_id: string;
  reason: SkipReason;
  detail?: string;
}

/**
 * Counters of a run, plain JSON so one batch's counters can be stored with its progress record
 * and a resumed run's report equals an uninterrupted run's.
 */
export interface RunCounters {
  queries: number;
  queries_mined: number;
  rows_written: number;
  queries_short: number;
  queries_padded: number;
  queries_skipped: Partial<Record<SkipReason, number>>;
  skipped_examples: SkippedQuery[];
  short_examples: string[];
  gold_rank_histogram: Partial<Record<GoldRankBucket, number>>;
  dropped: Partial<Record<DropReason, number>>;
  /** Sums for the mean metrics over queries that were searched. */
  metric_sums: { queries: number; ndcg_at_10: number; mrr_at_10: number; recall_at_10: number; recall_at_pool: number };
  negative_scores: number[];
  gold_scores: number[];
  /** Present when the run judges its negatives. */
  judge?: JudgeCounters;
}

/** What judging did in a batch (deterministic for given verdicts, so resumed runs report the same). */
export interface JudgeCounters {
  /** Verdicts of every judged candidate, dropped ones included. */
  verdicts: VerdictCounts;
  /** Policy "drop": negatives judged relevant and removed. */
  negatives_dropped: number;
  /** Policy "relabel": rows written with `relabel: true`. */
  negatives_relabelled: number;
  /** Candidates judged in place of dropped or relabelled ones. */
  replacements: number;
  /** Policy "relabel": queries with more relabelled candidates than `maxRelabelled`. */
  queries_over_relabel_limit: number;
  over_relabel_limit_examples: string[];
}

export function emptyJudgeCounters(): JudgeCounters {
  return {
    verdicts: emptyVerdictCounts(),
    negatives_dropped: 0,
    negatives_relabelled: 0,
    replacements: 0,
    queries_over_relabel_limit: 0,
    over_relabel_limit_examples: [],
  };
}

/** How many skipped/short query examples a report keeps. */
export const MAX_EXAMPLES = 20;
/** How many scores per kind a report keeps for its distribution summary (first seen). */
export const MAX_SCORES = 20_000;

export function emptyCounters(): RunCounters {
  return {
    queries: 0,
    queries_mined: 0,
    rows_written: 0,
    queries_short: 0,
    queries_padded: 0,
    queries_skipped: {},
    skipped_examples: [],
    short_examples: [],
    gold_rank_histogram: {},
    dropped: {},
    metric_sums: { queries: 0, ndcg_at_10: 0, mrr_at_10: 0, recall_at_10: 0, recall_at_pool: 0 },
    negative_scores: [],
    gold_scores: [],
  };
}

export function increment<K extends string>(counts: Partial<Record<K, number>>, key: K, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** Adds `source` into `target` (batch counters into the run's). */
export function mergeCounters(target: RunCounters, source: RunCounters): void {
  target.queries += source.queries;
  target.queries_mined += source.queries_mined;
  target.rows_written += source.rows_written;
  target.queries_short += source.queries_short;
  target.queries_padded += source.queries_padded;
  for (const [key, value] of Object.entries(source.queries_skipped)) increment(target.queries_skipped, key as SkipReason, value);
  for (const [key, value] of Object.entries(source.gold_rank_histogram))
    increment(target.gold_rank_histogram, key as GoldRankBucket, value);
  for (const [key, value] of Object.entries(source.dropped)) increment(target.dropped, key as DropReason, value);
  appendLimited(target.skipped_examples, source.skipped_examples, MAX_EXAMPLES);
  appendLimited(target.short_examples, source.short_examples, MAX_EXAMPLES);
  appendLimited(target.negative_scores, source.negative_scores, MAX_SCORES);
  appendLimited(target.gold_scores, source.gold_scores, MAX_SCORES);
  for (const key of Object.keys(target.metric_sums) as (keyof RunCounters["metric_sums"])[]) {
    target.metric_sums[key] += source.metric_sums[key];
  }
  if (source.judge !== undefined) {
    target.judge ??= emptyJudgeCounters();
    const judge = target.judge;
    for (const key of Object.keys(judge.verdicts) as (keyof VerdictCounts)[]) judge.verdicts[key] += source.judge.verdicts[key];
    judge.negatives_dropped += source.judge.negatives_dropped;
    judge.negatives_relabelled += source.judge.negatives_relabelled;
    judge.replacements += source.judge.replacements;
    judge.queries_over_relabel_limit += source.judge.queries_over_relabel_limit;
    appendLimited(judge.over_relabel_limit_examples, source.judge.over_relabel_limit_examples, MAX_EXAMPLES);
  }
}

function appendLimited<T>(target: T[], source: readonly T[], limit: number): void {
  for (const item of source) {
    if (target.length >= limit) return;
    target.push(item);
  }
}

/** Five-number summary of a score sample, or null when empty. */
export interface ScoreSummary {
  count: number;
  min: number;
  p25: number;
  median: number;
  p75: number;
  max: number;
}

export function summarizeScores(scores: readonly number[]): ScoreSummary | null {
  if (scores.length === 0) return null;
  const sorted = scores.slice().sort((a, b) => a - b);
  // Stryker disable next-line ArithmeticOperator: equivalent, for fractions up to 0.75 the index never reaches the clamp
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * (sorted.length - 1) + 0.5))]!;
  return { count: sorted.length, min: sorted[0]!, p25: at(0.25), median: at(0.5), p75: at(0.75), max: sorted[sorted.length - 1]! };
}

/** Every drop reason with a count, zeros included, in a fixed order (stable reports). */
export function dropCounts(counters: RunCounters): Record<DropReason, number> {
  return Object.fromEntries(DROP_REASONS.map((reason) => [reason, counters.dropped[reason] ?? 0])) as Record<DropReason, number>;
}
