import { forEachConcurrently } from "../concurrency.js";
import {
  countVerdict,
  emptyVerdictCounts,
  type Judge,
  type JudgeEstimate,
  type JudgeItem,
  type Verdict,
  type VerdictCounts,
} from "./judge.js";
import { groupByQuery } from "./group-by-query.js";
import { judgementIdOf, type VerdictCache } from "./verdict-cache.js";

/** What one {@link judgeWithCache} call (or a sum of them) did. */
export interface JudgingStats {
  /** Items asked about. */
  items: number;
  /** Items answered from the cache (nothing paid). */
  cache_hits: number;
  /** Items sent to the judge (cache misses, each distinct pair once). */
  judge_calls: number;
  verdicts: VerdictCounts;
}

export function emptyJudgingStats(): JudgingStats {
  return { items: 0, cache_hits: 0, judge_calls: 0, verdicts: emptyVerdictCounts() };
}

export function addJudgingStats(target: JudgingStats, source: JudgingStats): void {
  target.items += source.items;
  target.cache_hits += source.cache_hits;
  target.judge_calls += source.judge_calls;
  for (const key of Object.keys(target.verdicts) as (keyof VerdictCounts)[]) target.verdicts[key] += source.verdicts[key];
}

/** Options of {@link judgeWithCache}. */
export interface CachedJudgingOptions {
  /** Groups (one query's items) judged at once; the judge's own concurrency still caps requests. Default 8. */
  concurrency?: number;
}

/**
 * Judges `items`, answering from `cache` where it can and saving each query's new verdicts as
 * soon as they arrive, so a run killed mid-way loses at most the groups in flight and a re-run
 * never asks a judged pair again. The same pair asked twice in one call is judged once.
 */
export async function judgeWithCache(
  judge: Judge,
  items: readonly JudgeItem[],
  cache: VerdictCache | undefined,
  options: CachedJudgingOptions = {},
): Promise<{ verdicts: Verdict[]; stats: JudgingStats }> {
  const verdicts: (Verdict | undefined)[] = cache === undefined ? items.map(() => undefined) : await cache.lookup(judge, items);
  const stats = emptyJudgingStats();
  stats.items = items.length;
  stats.cache_hits = verdicts.filter((verdict) => verdict !== undefined).length;

  const missing = distinctMissing(judge, items, verdicts);
  stats.judge_calls = missing.length;
  await forEachConcurrently(groupByQuery(missing.map((entry) => entry.item)), options.concurrency ?? 8, async (group) => {
    const groupItems = group.map((index) => missing[index]!.item);
    const answers = await judge.judge(groupItems);
    await cache?.save(judge, groupItems, answers);
    group.forEach((index, position) => {
      for (const itemIndex of missing[index]!.indexes) verdicts[itemIndex] = answers[position]!;
    });
  });
  const result = verdicts.map((verdict) => verdict ?? { relevant: null, reason: "unjudged: no answer" });
  for (const verdict of result) countVerdict(stats.verdicts, verdict);
  return { verdicts: result, stats };
}

/**
 * What {@link judgeWithCache} would send, without sending it: the judge's estimate for the
 * distinct pairs the cache cannot answer. Judges without `estimate` count one request per item
 * and the characters of the texts involved.
 */
export async function estimateWithCache(
  judge: Judge,
  items: readonly JudgeItem[],
  cache: VerdictCache | undefined,
): Promise<{ cacheHits: number; judgeCalls: number; estimate: JudgeEstimate }> {
  const verdicts: (Verdict | undefined)[] = cache === undefined ? items.map(() => undefined) : await cache.lookup(judge, items);
  const missing = distinctMissing(judge, items, verdicts).map((entry) => entry.item);
  const estimate = judge.estimate?.(missing) ?? {
    requests: missing.length,
    promptCharacters: missing.reduce(
      (sum, item) => sum + item.queryText.length + item.candidateText.length + item.goldTexts.join("").length,
      0,
    ),
  };
  return { cacheHits: verdicts.filter((verdict) => verdict !== undefined).length, judgeCalls: missing.length, estimate };
}

/** The items without a verdict, each distinct pair once with every index it answers. */
function distinctMissing(
  judge: Judge,
  items: readonly JudgeItem[],
  verdicts: readonly (Verdict | undefined)[],
): { item: JudgeItem; indexes: number[] }[] {
  const byId = new Map<string, { item: JudgeItem; indexes: number[] }>();
  items.forEach((item, index) => {
    if (verdicts[index] !== undefined) return;
    const id = judgementIdOf(judge, item);
    const entry = byId.get(id);
    if (entry === undefined) byId.set(id, { item, indexes: [index] });
    else entry.indexes.push(index);
  });
  return [...byId.values()];
}
