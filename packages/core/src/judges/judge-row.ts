import type { JudgePolicy, Verdict } from "./judge.js";

/** Row properties a judge writes; any older values of them are replaced when a row is judged again. */
export const JUDGE_ROW_KEYS = ["is_relevant", "judge_reason", "judge_score", "judge_policy", "judge_id", "relabel"] as const;

/**
 * The properties a judged row carries, whatever the policy (the exporters read them):
 * - `is_relevant`: the verdict (true = a false negative; null = unjudged, kept as a negative);
 * - `judge_reason`: the judge's reason, or why the row stayed unjudged;
 * - `judge_score`: the judge's score (rerank), else null;
 * - `judge_policy`: "flag" | "drop" | "relabel";
 * - `judge_id`: e.g. "llm:gpt-4o-mini";
 * - `relabel`: true only for policy "relabel" and a relevant verdict: exports make it a positive.
 *
 * Exports leave every row with `is_relevant: true` out of the negatives, so "flag" and "drop"
 * rows judged relevant are never trained on as negatives, and "relabel" ones become positives.
 */
export function judgeRowProperties(verdict: Verdict, judgeId: string, policy: JudgePolicy): Record<string, unknown> {
  return {
    is_relevant: verdict.relevant,
    judge_reason: verdict.reason ?? null,
    judge_score: verdict.score ?? null,
    judge_policy: policy,
    judge_id: judgeId,
    relabel: policy === "relabel" && verdict.relevant === true,
  };
}

/** A stored row's properties with a new verdict (older judge properties replaced). */
export function withVerdict(
  properties: Record<string, unknown>,
  verdict: Verdict,
  judgeId: string,
  policy: JudgePolicy,
): Record<string, unknown> {
  const kept = Object.fromEntries(Object.entries(properties).filter(([key]) => !(JUDGE_ROW_KEYS as readonly string[]).includes(key)));
  return { ...kept, ...judgeRowProperties(verdict, judgeId, policy) };
}
