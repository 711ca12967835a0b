import { scoresDocumentsIn, type Store } from "../backend.js";
import { documentsStoreOf, storeOf } from "./engine-roles.js";
import { BadOptionError, MissingCollectionError, UnsupportedCapabilityError } from "../errors.js";
import { requireCompleteCollection } from "../load-records.js";
import { emptyJudgingStats } from "../judges/cached-judging.js";
import type { JudgePolicy, VerdictCounts } from "../judges/judge.js";
import { StoreVerdictCache } from "../judges/verdict-cache.js";
import { resolveMineConfig, type MineConfig, type ResolvedMineConfig } from "./config.js";
import { chunked, forEachConcurrently } from "../concurrency.js";
import type { ResolvedJudging } from "./judge-negatives.js";
import { heldOutGoldIdsOf, heldOutRunKey } from "./held-out-golds.js";
import { ShingleCache } from "../near-duplicates.js";
import { mineBatch } from "./mine-batch.js";
import { sampleQueries } from "./query-source.js";
import { commitBatch, committedBatches, runIdOf, writeRunManifest } from "./run-records.js";
import {
  dropCounts,
  emptyCounters,
  emptyJudgeCounters,
  GOLD_RANK_BUCKETS,
  increment,
  mergeCounters,
  MAX_EXAMPLES,
  summarizeScores,
  type GoldRankBucket,
  type RunCounters,
  type ScoreSummary,
  type SkippedQuery,
} from "./run-stats.js";
import type { DropReason } from "./select-negatives.js";

/** What a run reports. Identical for an uninterrupted run and an interrupted-then-resumed one. */
export interface MineReport {
  run_id: string;
  out_collection: string;
  mode: string;
  strategy: string;
  /** Queries sampled (usable or not). */
  queries: number;
  queries_mined: number;
  rows_written: number;
  /** Queries that got fewer than `negativesPerQuery` negatives but were kept. */
  queries_short: number;
  queries_padded: number;
  /** Queries that produced no rows, all reasons together. */
  queries_skipped: number;
  skipped_reasons: Record<string, number>;
  skipped_examples: SkippedQuery[];
  short_examples: string[];
  gold_rank_histogram: Record<GoldRankBucket, number>;
  dropped: Record<DropReason, number>;
  /** How the engine ranked the golds in the candidate pool (k = pool size). */
  metrics: { queries: number; ndcg_at_10: number; mrr_at_10: number; recall_at_10: number; recall_at_pool: number; pool_size: number };
  negative_scores: ScoreSummary | null;
  gold_scores: ScoreSummary | null;
  /** Batches found committed by an earlier attempt of this run and not redone. */
  batches_resumed: number;
  batches: number;
  /** Present when the run judged its negatives. */
  judge?: MineJudgeReport;
}

/**
 * What judging did. `judge_calls`, `cache_hits` and `http_requests` count this invocation only
 * (a resumed or repeated run pays only for pairs not judged before); the rest covers the run.
 */
export interface MineJudgeReport {
  judge_id: string;
  judge_version: string;
  policy: JudgePolicy;
  /** Pairs sent to the judge (cache misses). */
  judge_calls: number;
  /** Pairs answered from the verdict cache. */
  cache_hits: number;
  /** HTTP requests made, retries included (when the judge counts them). */
  http_requests: number | null;
  verdicts: VerdictCounts;
  negatives_dropped: number;
  negatives_relabelled: number;
  /** Candidates judged in place of dropped or relabelled ones. */
  replacements: number;
  max_relabelled: number;
  queries_over_relabel_limit: number;
  over_relabel_limit_examples: string[];
}

/**
 * Mines hard negatives: samples queries, asks the backend for a candidate pool per query in
 * batches, masks golds, applies the strategy and filters, samples, and writes one row per
 * (query, negative) with a deterministic id. Progress is committed per batch; re-running the same
 * config resumes where it stopped and never duplicates rows.
 */
export async function mine(config: MineConfig): Promise<MineReport> {
  const store = storeOf(config.backend, config.store);
  const resolved = resolveMineConfig(config, config.backend.capabilities());
  const docs = config.docsCollection;
  const out = config.hardNegativesCollection;
  const documentsStore = await documentsStoreOf(config.backend, store, docs);
  if (documentsStore !== undefined)
    await requireCollection(documentsStore, docs.collectionName, "load the corpus first, e.g. `hardneg load beir <dir>`");
  await requireCollection(store, config.queriesCollection.collectionName, "load the queries first, e.g. `hardneg load beir <dir>`");
  if (out.collectionName === docs.collectionName || out.collectionName === config.queriesCollection.collectionName) {
    throw new BadOptionError("hardNegativesCollection.collectionName", "must differ from the documents and queries collections");
  }
  const heldOutGoldIds = await heldOutGoldIdsOf(store, config.excludeGoldsOf ?? []);

  const sampled = await sampleQueries(store, config.queriesCollection, {
    limit: resolved.querySamples,
    sampling: resolved.querySampling,
    seed: resolved.selection.seed,
  });
  const strategyLabel = strategyLabelOf(resolved);
  const runKey = {
    version: 1,
    docs: docs.target,
    queries: config.queriesCollection,
    out: out.collectionName,
    keys: out.keys,
    backend: config.backend.name,
    search: resolved.search,
    selection: resolved.selection,
    // Undefined (so absent from the key, and earlier run ids unchanged) for BM25 and for engines without an embedder.
    embedder: resolved.search.mode === "bm25" ? undefined : config.backend.embedderId,
    // The analyser the corpus was loaded with: absent for English (earlier run ids unchanged); a corpus
    // re-loaded in another language ranks differently, so it is a new run, not a resumed one.
    docsLanguage: (await documentsStore?.describeCollection(docs.collectionName))?.language,
    querySamples: Number.isFinite(resolved.querySamples) ? resolved.querySamples : "all",
    querySampling: resolved.querySampling,
    // Undefined (absent from the key) without held-out collections, like the threshold in `selection` at 1.
    excludeGoldsOf: heldOutRunKey(config.excludeGoldsOf),
    // Only what changes the rows: the report-only maxRelabelled stays out, so raising it resumes the run.
    judge:
      resolved.judging === undefined
        ? undefined
        : {
            id: config.judge!.id,
            version: config.judge!.version ?? "",
            policy: resolved.judging.policy,
            maxJudgedPerQuery: resolved.judging.maxJudgedPerQuery,
          },
  };
  const runId = runIdOf(runKey);
  const outputExisted = await store.hasCollection(out.collectionName);
  await store.createCollection({ name: out.collectionName, kind: "hard-negatives", hardNegativeKeys: out.keys });

  const batches = chunked(sampled.queries, resolved.batchSize);
  const done = await committedBatches(store, runId, resolved.batchSize, batches.length);
  // Committed batches stand for rows in the output collection. A new one (never made, or deleted
  // since an earlier attempt) holds none of them, so every batch is mined again.
  if (!outputExisted) done.clear();
  await writeRunManifest(store, runId, { status: "running", options: { ...runKey, batchSize: resolved.batchSize } });

  let corpusIds: Promise<string[]> | undefined;
  const judging: ResolvedJudging | undefined =
    resolved.judging === undefined
      ? undefined
      : {
          ...resolved.judging,
          judge: config.judge!,
          cache: config.verdictCache ?? new StoreVerdictCache(store),
          stats: emptyJudgingStats(),
        };
  const requestsBefore = config.judge?.requestsMade;
  const context = {
    backend: config.backend,
    target: docs.target,
    keys: out.keys,
    runId,
    strategyLabel,
    resolved,
    heldOutGoldIds,
    scoresDocuments: scoresDocumentsIn(config.backend, resolved.search.mode),
    corpusIds: () => (corpusIds ??= readCorpusIds(documentsStore, docs.collectionName, docs.idKey)),
    shingles: new ShingleCache(),
    // Stryker disable next-line ConditionalExpression: the always-spread variant is equivalent (judging: undefined is no judging)
    ...(judging === undefined ? {} : { judging }),
  };
  // Counters per batch index, merged in index order at the end: the report does not depend on
  // which batch finished first or on which attempt committed it.
  const batchCounters: (RunCounters | undefined)[] = batches.map((_, index) => done.get(index));
  const pending = batches.map((queries, index) => ({ queries, index })).filter(({ index }) => !done.has(index));
  let batchesDone = done.size;
  let queriesDone = [...done.keys()].reduce((sum, index) => sum + batches[index]!.length, 0);
  await forEachConcurrently(pending, resolved.concurrency, async ({ queries, index }) => {
    const result = await mineBatch(queries, context);
    await commitBatch(store, runId, {
      outCollection: out.collectionName,
      rows: result.rows,
      batchSize: resolved.batchSize,
      batchIndex: index,
      queryIds: queries.map((query) => query.id),
      counters: result.counters,
    });
    batchCounters[index] = result.counters;
    batchesDone++;
    queriesDone += queries.length;
    config.onProgress?.({ batchesDone, batchesTotal: batches.length, queriesDone, queriesTotal: sampled.queries.length });
  });

  const totals = emptyCounters();
  totals.queries = sampled.unusable.length;
  for (const unusable of sampled.unusable) {
    increment(totals.queries_skipped, unusable.reason);
    if (totals.skipped_examples.length < MAX_EXAMPLES)
      totals.skipped_examples.push({ query_id: unusable.queryId, reason: unusable.reason });
  }
  for (const counters of batchCounters) if (counters !== undefined) mergeCounters(totals, counters);

  const report = reportOf(totals, {
    runId,
    out: out.collectionName,
    resolved,
    strategyLabel,
    batchesResumed: done.size,
    batches: batches.length,
  });
  if (judging !== undefined) {
    const counters = totals.judge ?? emptyJudgeCounters();
    const requestsAfter = config.judge?.requestsMade;
    report.judge = {
      judge_id: judging.judge.id,
      judge_version: judging.judge.version ?? "",
      policy: judging.policy,
      judge_calls: judging.stats.judge_calls,
      cache_hits: judging.stats.cache_hits,
      http_requests: requestsBefore === undefined || requestsAfter === undefined ? null : requestsAfter - requestsBefore,
      verdicts: counters.verdicts,
      negatives_dropped: counters.negatives_dropped,
      negatives_relabelled: counters.negatives_relabelled,
      replacements: counters.replacements,
      max_relabelled: judging.maxRelabelled,
      queries_over_relabel_limit: counters.queries_over_relabel_limit,
      over_relabel_limit_examples: counters.over_relabel_limit_examples,
    };
  }
  await writeRunManifest(store, runId, { status: "complete", options: { ...runKey, batchSize: resolved.batchSize }, report });
  return report;
}

/** The collection exists and no load left it incomplete. */
async function requireCollection(store: Store, name: string, hint: string): Promise<void> {
  if (!(await store.hasCollection(name))) throw new MissingCollectionError(name, hint);
  await requireCompleteCollection(store, name);
}

async function readCorpusIds(store: Store | undefined, collection: string, idKey: string): Promise<string[]> {
  if (store === undefined) {
    throw new UnsupportedCapabilityError(
      `padding with random documents reads the corpus "${collection}", which the search-only backend does not let core read; ` +
        `load the corpus into the store too, or use shortfall "keep-fewer" (CLI: --shortfall keep-fewer)`,
      { option: "shortfall" },
    );
  }
  const ids: string[] = [];
  // Stryker disable next-line ObjectLiteral: equivalent, the batch size bounds memory only (every id comes, in the same order)
  for await (const batch of store.iterate(collection, { batchSize: 5000 })) {
    for (const record of batch) ids.push(String(record.properties[idKey] ?? record.id));
  }
  return ids;
}

function strategyLabelOf(resolved: ResolvedMineConfig): string {
  const { strategy, rangeMin, rangeMax } = resolved.selection;
  return strategy === "range" ? `range:${rangeMin ?? 1}-${rangeMax ?? resolved.search.poolSize}` : strategy;
}

function reportOf(
  totals: RunCounters,
  run: { runId: string; out: string; resolved: ResolvedMineConfig; strategyLabel: string; batchesResumed: number; batches: number },
): MineReport {
  const sums = totals.metric_sums;
  const mean = (value: number) => (sums.queries === 0 ? 0 : value / sums.queries);
  return {
    run_id: run.runId,
    out_collection: run.out,
    mode: run.resolved.search.mode,
    strategy: run.strategyLabel,
    queries: totals.queries,
    queries_mined: totals.queries_mined,
    rows_written: totals.rows_written,
    queries_short: totals.queries_short,
    queries_padded: totals.queries_padded,
    queries_skipped: Object.values(totals.queries_skipped).reduce((sum, count) => sum + count, 0),
    skipped_reasons: { ...totals.queries_skipped },
    skipped_examples: totals.skipped_examples,
    short_examples: totals.short_examples,
    gold_rank_histogram: Object.fromEntries(GOLD_RANK_BUCKETS.map((bucket) => [bucket, totals.gold_rank_histogram[bucket] ?? 0])) as Record<
      GoldRankBucket,
      number
    >,
    dropped: dropCounts(totals),
    metrics: {
      queries: sums.queries,
      ndcg_at_10: mean(sums.ndcg_at_10),
      mrr_at_10: mean(sums.mrr_at_10),
      recall_at_10: mean(sums.recall_at_10),
      recall_at_pool: mean(sums.recall_at_pool),
      pool_size: run.resolved.search.poolSize,
    },
    negative_scores: summarizeScores(totals.negative_scores),
    gold_scores: summarizeScores(totals.gold_scores),
    batches_resumed: run.batchesResumed,
    batches: run.batches,
  };
}
