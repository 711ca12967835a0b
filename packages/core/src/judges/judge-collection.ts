import type { Store } from "../backend.js";
import { HardNegativesCollection } from "../collections.js";
import { BadInputError, BadOptionError, MissingCollectionError } from "../errors.js";
import { parseHardNegativeRow } from "../exporters/hard-negative-row.js";
import type { StoredRecord } from "../types.js";
import { addJudgingStats, emptyJudgingStats, estimateWithCache, judgeWithCache } from "./cached-judging.js";
import { JUDGE_POLICIES, type Judge, type JudgeItem, type JudgePolicy, type VerdictCounts } from "./judge.js";
import { withVerdict } from "./judge-row.js";
import { StoreVerdictCache, type VerdictCache } from "./verdict-cache.js";

/** Options of {@link judgeCollection}. */
export interface JudgeCollectionOptions {
  judge: Judge;
  policy: JudgePolicy;
  /** Only count what judging would send (calls after cache, prompt characters); write nothing. Default false. */
  dryRun?: boolean;
  /** Default: a {@link StoreVerdictCache} on `store` (collection "hardneg_judgements"). */
  cache?: VerdictCache;
  /** Rows read, judged and written back per step. Default 256. */
  batchSize?: number;
  /** Policy "relabel": queries with more relabelled rows than this are reported. Default 2. */
  maxRelabelled?: number;
  onProgress?: (progress: { rowsDone: number; rowsTotal: number }) => void;
}

/** What {@link judgeCollection} did (or, for a dry run, would do). */
export interface JudgeCollectionReport {
  collection: string;
  judge_id: string;
  judge_version: string;
  policy: JudgePolicy;
  dry_run: boolean;
  rows: number;
  /** Pairs sent to the judge (dry run: that would be sent), after the cache. */
  judge_calls: number;
  cache_hits: number;
  /** HTTP requests made, retries included (null when the judge does not count them). */
  http_requests: number | null;
  /** Dry run only: first-attempt requests and a token estimate (prompt characters / 4). */
  estimate: { requests: number; prompt_characters: number; estimated_tokens: number } | null;
  /** Empty for a dry run. */
  verdicts: VerdictCounts;
  /** Policy "drop": rows judged relevant, now marked `is_relevant: true, judge_policy: "drop"` (left out of exports). */
  rows_dropped: number;
  /** Policy "relabel": rows now `relabel: true` (exported as positives). */
  rows_relabelled: number;
  max_relabelled: number;
  queries_over_relabel_limit: number;
  over_relabel_limit_examples: string[];
}

const MAX_EXAMPLES = 20;

/**
 * Judges every row of an existing hard-negatives collection and writes the verdict into it
 * (properties of {@link judgeRowProperties}), in batches, so an interrupted run re-run finds its
 * verdicts in the cache and pays nothing twice.
 *
 * Without the candidate pool there is nothing to replace a dropped negative with: policy "drop"
 * keeps the row and marks it `is_relevant: true, judge_policy: "drop"`, which every grouped
 * export leaves out (the `seed` export keeps it, marked), and rows are never deleted (a `Store`
 * has no delete; re-mining with `--judge --policy drop` gives full replacement).
 *
 * @throws MissingCollectionError when the collection does not exist.
 * @throws BadInputError when it is a documents or queries collection, or a row lacks a property.
 */
export async function judgeCollection(store: Store, collection: string, options: JudgeCollectionOptions): Promise<JudgeCollectionReport> {
  const { judge, policy } = options;
  if (!JUDGE_POLICIES.includes(policy))
    throw new BadOptionError("--policy", `"${String(policy)}" is not one of ${JUDGE_POLICIES.join(", ")}`);
  const spec = await store.describeCollection(collection);
  if (spec === undefined) throw new MissingCollectionError(collection, "mine hard negatives into it first, or check the name");
  if (spec.kind !== "hard-negatives") {
    throw new BadInputError(`is a ${spec.kind} collection, not hard negatives; pass the collection a mining run wrote`, { collection });
  }
  const keys = spec.hardNegativeKeys ?? new HardNegativesCollection({ collectionName: collection }).keys;
  const cache = options.cache ?? new StoreVerdictCache(store);
  const dryRun = options.dryRun ?? false;
  const maxRelabelled = options.maxRelabelled ?? 2;
  const rowsTotal = await store.count(collection);
  const requestsBefore = judge.requestsMade;
  const stats = emptyJudgingStats();
  const estimate = { requests: 0, prompt_characters: 0 };
  const relabelledPerQuery = new Map<string, number>();
  let rows = 0;
  let rowsDropped = 0;

  // Upserting a row keeps its position in every Store, so writing back the batch just read
  // does not disturb the iteration.
  for await (const batch of store.iterate(collection, { batchSize: options.batchSize ?? 256 })) {
    const items = batch.map((record) => itemOf(record, keys, collection));
    rows += batch.length;
    if (dryRun) {
      const planned = await estimateWithCache(judge, items, cache);
      stats.cache_hits += planned.cacheHits;
      stats.judge_calls += planned.judgeCalls;
      estimate.requests += planned.estimate.requests;
      estimate.prompt_characters += planned.estimate.promptCharacters;
    } else {
      const judged = await judgeWithCache(judge, items, cache);
      addJudgingStats(stats, judged.stats);
      const updated = batch.map((record, index) => {
        const verdict = judged.verdicts[index]!;
        if (verdict.relevant === true && policy === "drop") rowsDropped++;
        if (verdict.relevant === true && policy === "relabel") {
          const queryId = items[index]!.queryId;
          relabelledPerQuery.set(queryId, (relabelledPerQuery.get(queryId) ?? 0) + 1);
        }
        return { id: record.id, properties: withVerdict(record.properties, verdict, judge.id, policy) };
      });
      await store.upsert(collection, updated);
    }
    options.onProgress?.({ rowsDone: rows, rowsTotal });
  }

  const overLimit = [...relabelledPerQuery].filter(([, count]) => count > maxRelabelled).map(([queryId]) => queryId);
  const requestsAfter = judge.requestsMade;
  return {
    collection,
    judge_id: judge.id,
    judge_version: judge.version ?? "",
    policy,
    dry_run: dryRun,
    rows,
    judge_calls: stats.judge_calls,
    cache_hits: stats.cache_hits,
    http_requests: requestsBefore === undefined || requestsAfter === undefined ? null : requestsAfter - requestsBefore,
    estimate: dryRun ? { ...estimate, estimated_tokens: Math.ceil(estimate.prompt_characters / 4) } : null,
    verdicts: stats.verdicts,
    rows_dropped: rowsDropped,
    rows_relabelled: [...relabelledPerQuery.values()].reduce((sum, count) => sum + count, 0),
    max_relabelled: maxRelabelled,
    queries_over_relabel_limit: overLimit.length,
    over_relabel_limit_examples: overLimit.slice(0, MAX_EXAMPLES),
  };
}

/** The judge's view of a stored row: query, gold texts (those the miner could read), candidate. */
function itemOf(record: StoredRecord, keys: Parameters<typeof parseHardNegativeRow>[1], collection: string): JudgeItem {
  const row = parseHardNegativeRow(record, keys, collection);
  const golds = row.goldIds
    .map((id, index) => ({ id, text: row.goldDocuments[index] }))
    .filter((gold): gold is { id: string; text: string } => typeof gold.text === "string");
  return {
    queryId: row.queryId,
    queryText: row.query,
    goldIds: golds.map((gold) => gold.id),
    goldTexts: golds.map((gold) => gold.text),
    candidateId: row.negativeId,
    candidateText: row.negativeDocument,
  };
}
