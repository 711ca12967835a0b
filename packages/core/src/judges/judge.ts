/**
 * Judges decide whether a mined negative is in fact relevant to its query (a false negative).
 * Implementations: {@link LlmJudge} (chat completions) and {@link RerankJudge} (`/rerank`).
 */

/** One (query, gold documents, candidate) triple to judge. */
export interface JudgeItem {
  queryId: string;
  queryText: string;
  /** Ids of the query's gold documents, in the same order as `goldTexts`. */
  goldIds: readonly string[];
  /** Texts of the gold documents (what the judge compares the candidate with). */
  goldTexts: readonly string[];
  /** Id of the mined negative being judged. */
  candidateId: string;
  candidateText: string;
}

/** A judge's answer for one item. */
export interface Verdict {
  /** True: the candidate is relevant (a false negative). Null: unjudged (the judge failed to answer). */
  relevant: boolean | null;
  /** The judge's own score where it has one (the reranker's relevance score). */
  score?: number;
  /** A short reason (the LLM's words, the rerank comparison, or why the item stayed unjudged). */
  reason?: string;
}

/** What judging a list of items would cost, for `--dry-run`. */
export interface JudgeEstimate {
  /** HTTP requests a first attempt makes (retries not counted). */
  requests: number;
  /** Characters of every prompt or request text; tokens are about characters / 4. */
  promptCharacters: number;
}

/**
 * Gives a verdict per item, in item order. A judge answers `relevant: null` for an item it could
 * not judge (malformed answers after retries), never a guess; it throws when the service itself
 * is unusable (authentication refused, unknown model, still failing after retries).
 */
export interface Judge {
  /** Stable id naming the judge and its model, e.g. "llm:gpt-4o-mini"; part of cache keys and rows. */
  readonly id: string;
  /** Version of what the judge asks (the prompt); part of cache keys. Default "" when absent. */
  readonly version?: string;
  judge(items: readonly JudgeItem[]): Promise<Verdict[]>;
  /** Optional: how many requests and prompt characters `judge(items)` would use, without calling anything. */
  estimate?(items: readonly JudgeItem[]): JudgeEstimate;
  /** Optional: HTTP requests made so far, retries included (reported by runs). */
  readonly requestsMade?: number;
}

/**
 * What happens to a negative the judge found relevant:
 * - `flag`: the row stays, with `is_relevant: true` (exports leave it out of the negatives);
 * - `drop`: the negative is removed and, while mining, replaced by the next eligible candidate;
 * - `relabel`: the row stays with `is_relevant: true, relabel: true`; exports make it a positive
 *   (RLHN) and, while mining, the next eligible candidate takes its place among the negatives.
 */
export type JudgePolicy = "flag" | "drop" | "relabel";

export const JUDGE_POLICIES: readonly JudgePolicy[] = ["flag", "drop", "relabel"];

/** Judge kinds the CLI and {@link createJudge} know. */
export type JudgeKind = "llm" | "rerank";

export const JUDGE_KINDS: readonly JudgeKind[] = ["llm", "rerank"];

/** Counts of verdicts, as reports show them. */
export interface VerdictCounts {
  relevant: number;
  not_relevant: number;
  unjudged: number;
}

export function emptyVerdictCounts(): VerdictCounts {
  return { relevant: 0, not_relevant: 0, unjudged: 0 };
}

export function countVerdict(counts: VerdictCounts, verdict: Verdict): void {
  if (verdict.relevant === true) counts.relevant++;
  else if (verdict.relevant === false) counts.not_relevant++;
  else counts.unjudged++;
}
