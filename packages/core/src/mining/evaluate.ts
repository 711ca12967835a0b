import type { SearchBackend, Store } from "../backend.js";
import type { DocsCollection, QueriesCollection } from "../collections.js";
import { MissingCollectionError, UnsupportedCapabilityError } from "../errors.js";
import { requireCompleteCollection } from "../load-records.js";
import { goldRank, gradesOf, MetricsAccumulator, ndcgAtK, recallAtK, type EvaluationSummary } from "../metrics.js";
import type { FusionType, Query, SearchMode } from "../types.js";
import { bestMode } from "./config.js";
import { documentsStoreOf, storeOf } from "./engine-roles.js";
import { sampleQueries } from "./query-source.js";

export interface EvaluateConfig {
  /** The engine searching the documents. */
  backend: SearchBackend;
  /** Where the queries are. Default: `backend`, when it is also a store. */
  store?: Store;
  docsCollection: DocsCollection;
  queriesCollection: QueriesCollection;
  /** Default: the backend's best mode. */
  mode?: SearchMode;
  alpha?: number;
  fusion?: FusionType;
  /** Queries per search call. Default 256. */
  batchSize?: number;
  /** Called with each query's own figures, in query order (for per-query reports). */
  onQuery?: (result: QueryEvaluation) => void;
}

/** One query's figures. `gold_rank` is the best gold's rank in the top 100, or null. */
export interface QueryEvaluation {
  query_id: string;
  gold_rank: number | null;
  ndcg_at_10: number;
  recall_at_pool: number;
}

/** Evaluation summary plus the number of sampled records that could not be evaluated. */
export interface EvaluationReport extends EvaluationSummary {
  mode: SearchMode;
  queries_skipped: number;
}

/**
 * Runs every query of the collection (a pool of the top 100, or the engine's `maxK` if smaller)
 * and computes nDCG@10, MRR@10, Recall@10 and Recall over the pool (`recall_at_pool`, `pool_size`).
 */
export async function evaluate(config: EvaluateConfig): Promise<EvaluationReport> {
  const capabilities = config.backend.capabilities();
  const mode = config.mode ?? bestMode(capabilities);
  if (!capabilities.modes.includes(mode)) {
    throw new UnsupportedCapabilityError(
      `search mode "${mode}" is not offered by this backend (it offers: ${capabilities.modes.join(", ")})`,
      { option: "mode" },
    );
  }
  const store = storeOf(config.backend, config.store);
  const documentsStore = await documentsStoreOf(config.backend, store, config.docsCollection);
  const required: Array<[Store | undefined, string]> = [
    [documentsStore, config.docsCollection.collectionName],
    [store, config.queriesCollection.collectionName],
  ];
  for (const [holder, collection] of required) {
    if (holder === undefined) continue;
    if (!(await holder.hasCollection(collection)))
      throw new MissingCollectionError(collection, "load it first, e.g. `hardneg load beir <dir>`");
    await requireCompleteCollection(holder, collection);
  }
  const sampled = await sampleQueries(store, config.queriesCollection, { limit: Number.POSITIVE_INFINITY, sampling: "first", seed: 0 });
  const batchSize = config.batchSize ?? capabilities.maxBatchSize;
  const k = Math.min(100, capabilities.maxK ?? 100);
  const metrics = new MetricsAccumulator(k);
  for (let start = 0; start < sampled.queries.length; start += batchSize) {
    const batch: Query[] = sampled.queries.slice(start, start + batchSize);
    const results = await config.backend.search(
      config.docsCollection.target,
      batch.map((query) => ({ text: query.text })),
      {
        mode,
        k,
        ...(mode === "hybrid" ? { alpha: config.alpha ?? 0.75, fusion: config.fusion ?? "relative-score" } : {}),
      },
    );
    batch.forEach((query, index) => {
      const rankedIds = (results[index] ?? []).map((hit) => hit.id);
      const grades = gradesOf(query);
      metrics.add(rankedIds, grades);
      config.onQuery?.({
        query_id: query.id,
        gold_rank: goldRank(
          rankedIds,
          [...grades].filter(([, grade]) => grade > 0).map(([id]) => id),
        ),
        ndcg_at_10: ndcgAtK(rankedIds, grades, 10),
        recall_at_pool: recallAtK(rankedIds, grades, k),
      });
    });
  }
  return { mode, ...metrics.summary(), queries_skipped: sampled.unusable.length };
}
