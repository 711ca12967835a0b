import {
  evaluate,
  writeLinesAtomically,
  type Engine,
  type FusionType,
  type QueryEvaluation,
  type SearchMode,
  type Store,
} from "@hardneg/core";
import { docsCollectionOf, queriesCollectionOf } from "../collection-options.js";
import { refuseEngineFileOutput } from "../engine-files.js";
import { formatNumber, printResult } from "../output.js";

export interface EvalCommandOptions {
  docsCollection: string;
  queriesCollection: string;
  mode?: SearchMode;
  alpha?: number;
  fusion?: FusionType;
  /** JSONL file receiving each query's gold rank, nDCG@10 and Recall@100. */
  perQuery?: string;
  /** The `--engine` spec, so the per-query file is never one of the engine's own files. */
  engine: string;
  /** The `--store` spec, when one was given (likewise). */
  store?: string;
  json: boolean;
}

/**
 * `hardneg eval`: nDCG@10, MRR@10, Recall@10 and Recall@100 of the engine on the queries, which
 * are read from `store` (the engine itself unless `--store` names another). A `--per-query` file
 * that is one of either engine's own files is refused before evaluating.
 */
export async function evalCommand(engine: Engine, store: Store, options: EvalCommandOptions): Promise<void> {
  const engines = [options.engine, ...(options.store === undefined ? [] : [options.store])];
  if (options.perQuery !== undefined) await refuseEngineFileOutput("--per-query", options.perQuery, engines);
  const perQuery: QueryEvaluation[] = [];
  const report = await evaluate({
    backend: engine,
    store,
    docsCollection: await docsCollectionOf(engine, options.docsCollection),
    queriesCollection: await queriesCollectionOf(store, options.queriesCollection),
    ...(options.mode === undefined ? {} : { mode: options.mode }),
    ...(options.alpha === undefined ? {} : { alpha: options.alpha }),
    ...(options.fusion === undefined ? {} : { fusion: options.fusion }),
    ...(options.perQuery === undefined ? {} : { onQuery: (result: QueryEvaluation) => perQuery.push(result) }),
  });
  if (options.perQuery !== undefined) await writeLinesAtomically(options.perQuery, linesOf(perQuery));
  printResult(options.json, { ...report }, () => [
    `${report.queries} queries, mode ${report.mode}` +
      (report.queries_skipped > 0 ? ` (${report.queries_skipped} unusable records skipped)` : ""),
    `nDCG@10 ${formatNumber(report.ndcg_at_10)}  MRR@10 ${formatNumber(report.mrr_at_10)}  ` +
      `Recall@10 ${formatNumber(report.recall_at_10)}  Recall@${report.pool_size} ${formatNumber(report.recall_at_pool)}`,
  ]);
}

async function* linesOf(results: readonly QueryEvaluation[]): AsyncGenerator<string> {
  for (const result of results) yield JSON.stringify(result);
}
