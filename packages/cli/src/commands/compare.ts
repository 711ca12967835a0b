import {
  BadOptionError,
  compareNegatives,
  HardNegativesCollection,
  mine,
  type Engine,
  type MinedNegatives,
  type MineReport,
  type MiningOptions,
  type SearchMode,
} from "@hardneg/core";
import { docsCollectionOf, queriesCollectionOf } from "../collection-options.js";
import { openEngine } from "../engine.js";
import { refuseEngineFileOutput } from "../engine-files.js";
import { formatNumber, printResult, progressLine } from "../output.js";
import { createEmbedder, withoutEmbedderOptions, type EmbedderCommandOptions } from "../embedder-spec.js";
import { renderCompareReport } from "../report/compare-report.js";
import { readRuns, type RunData } from "../report/run-data.js";
import { writeReportFile } from "../report/write-report.js";

export interface CompareCommandOptions extends Omit<MiningOptions, "mode">, EmbedderCommandOptions {
  docsCollection: string;
  queriesCollection: string;
  /** Engine specs; each must hold the same collections. */
  engine: string[];
  /** Modes to run on every engine; default: each engine's best mode. */
  mode?: SearchMode[];
  /** Hard-negative collections are named `<outPrefix>_<mode>` in each engine (a name every engine accepts). Default "compare". */
  outPrefix: string;
  json: boolean;
  /** HTML report file (`--report`). */
  report?: string;
}

/** One engine and mode of a comparison, with its mining report. */
interface ComparedRun {
  spec: string;
  mode: SearchMode;
  report: MineReport;
  negatives: MinedNegatives;
}

/**
 * `hardneg compare`: mines the same queries with several engine/mode specs, then reports each
 * one's metrics and how much their negatives overlap. Runs are ordinary (resumable) mining runs.
 */
export async function compareCommand(options: CompareCommandOptions): Promise<void> {
  const { json, docsCollection, queriesCollection, engine: specs, mode: modes, outPrefix, report: reportFile, ...rest } = options;
  const miningOptions = withoutEmbedderOptions(rest);
  if (specs.length === 0) throw new BadOptionError("--engine", "name at least one engine to compare");
  // Before any mining: a report over one of the engines' own files would destroy its data.
  if (reportFile !== undefined) await refuseEngineFileOutput("--report", reportFile, specs);
  const progress = progressLine();
  const runs: ComparedRun[] = [];
  const runData: RunData[] = [];
  const queryTexts = new Map<string, string>();
  // Negative texts by id, kept only for the report's disagreement table.
  const documentTexts = reportFile === undefined ? undefined : new Map<string, string>();
  // One embedder for every engine that needs client-side vectors: its cache is shared too.
  const embedder = createEmbedder(options);
  try {
    for (const spec of specs) {
      // Compare mines into <prefix>_<mode> collections: it writes, but never creates a database.
      const engine = await openEngine(spec, {
        access: "write",
        ...(embedder === undefined ? {} : { embedder }),
        ...(options.vectorIndex === undefined ? {} : { vectorIndex: options.vectorIndex }),
        ...(options.searchThreads === undefined ? {} : { searchThreads: options.searchThreads }),
      });
      try {
        for (const mode of modes ?? [undefined]) {
          const report = await mine({
            ...miningOptions,
            ...(mode === undefined ? {} : { mode }),
            backend: engine,
            docsCollection: await docsCollectionOf(engine, docsCollection),
            queriesCollection: await queriesCollectionOf(engine, queriesCollection),
            hardNegativesCollection: new HardNegativesCollection({ collectionName: `${outPrefix}_${mode ?? "best"}` }),
            onProgress: ({ queriesDone, queriesTotal }) => progress(`${spec} ${mode ?? ""}: ${queriesDone}/${queriesTotal} queries`),
          });
          const label = `${spec}:${report.mode}`;
          runs.push({
            spec,
            mode: report.mode as SearchMode,
            report,
            negatives: { label, negativesByQuery: await negativesOf(engine, report, queryTexts, documentTexts) },
          });
          if (reportFile !== undefined)
            runData.push(...(await readRuns(engine, report.run_id)).filter((run) => run.runId === report.run_id));
        }
      } finally {
        await engine.close?.();
      }
    }
  } finally {
    await embedder?.close?.();
  }
  progress.done();
  const overlap = compareNegatives(runs.map((run) => run.negatives));
  const engines = runs.map(({ spec, mode, report, negatives }) => ({
    label: negatives.label,
    spec,
    mode,
    run_id: report.run_id,
    out_collection: report.out_collection,
    queries: report.queries,
    queries_mined: report.queries_mined,
    rows: report.rows_written,
    negatives_per_query: report.queries_mined === 0 ? 0 : report.rows_written / report.queries_mined,
    ndcg_at_10: report.metrics.ndcg_at_10,
    mrr_at_10: report.metrics.mrr_at_10,
    recall_at_10: report.metrics.recall_at_10,
    recall_at_pool: report.metrics.recall_at_pool,
    pool_size: report.metrics.pool_size,
    gold_rank_histogram: report.gold_rank_histogram,
  }));
  const reportPath =
    reportFile === undefined
      ? undefined
      : await writeReportFile(
          reportFile,
          await renderCompareReport({
            engines,
            overlap,
            runs: runData,
            queryTexts,
            documentTexts: documentTexts ?? new Map(),
          }),
        );
  printResult(json, { engines, ...overlap, ...(reportPath === undefined ? {} : { report_file: reportPath }) }, () => [
    ...engines.map(
      (engine) =>
        `${engine.label}: nDCG@10 ${formatNumber(engine.ndcg_at_10)}  MRR@10 ${formatNumber(engine.mrr_at_10)}  ` +
        `Recall@10 ${formatNumber(engine.recall_at_10)}  Recall@${engine.pool_size} ${formatNumber(engine.recall_at_pool)}  ` +
        `negatives/query ${formatNumber(engine.negatives_per_query)}`,
    ),
    "mean Jaccard overlap of negative sets:",
    ...overlap.labels.map((label, row) => `  ${label}: ${overlap.mean_jaccard[row]!.map((value) => formatNumber(value)).join("  ")}`),
    `negatives found by only one engine: ${(overlap.only_one_engine_share * 100).toFixed(1)}%`,
    ...overlap.disagreements.slice(0, 3).map((item) => `  disagree most on ${item.query_id} (Jaccard ${formatNumber(item.mean_jaccard)})`),
    ...(overlap.labels.length > 1 && overlap.disagreements.length === 0 && overlap.shared_queries > 0
      ? [`  the engines chose the same negatives for all ${overlap.shared_queries} queries they all mined`]
      : []),
    ...(reportPath === undefined ? [] : [`report: ${reportPath}`]),
  ]);
}

/**
 * The negatives a run wrote, per query (rows of other runs in the same collection are ignored);
 * records each query's text in `queryTexts` on the way, and each negative's text in `documentTexts` when given.
 */
async function negativesOf(
  engine: Engine,
  report: MineReport,
  queryTexts: Map<string, string>,
  documentTexts: Map<string, string> | undefined,
): Promise<Map<string, string[]>> {
  const byQuery = new Map<string, { rank: number; id: string }[]>();
  const keys = (await engine.describeCollection(report.out_collection))?.hardNegativeKeys;
  const idKey = keys?.hardNegativeIdKey ?? "hard_negative_id";
  const queryKey = keys?.queryContentKey ?? "query";
  const documentKey = keys?.hardNegativeDocumentKey ?? "hard_negative_doc";
  for await (const batch of engine.iterate(report.out_collection)) {
    for (const row of batch) {
      if (row.properties["run_id"] !== report.run_id) continue;
      const queryId = String(row.properties["query_id"]);
      if (!queryTexts.has(queryId)) queryTexts.set(queryId, String(row.properties[queryKey] ?? ""));
      const id = String(row.properties[idKey]);
      // A snippet is all the report shows: keep no more, however large the run.
      if (documentTexts !== undefined && !documentTexts.has(id))
        documentTexts.set(id, String(row.properties[documentKey] ?? "").slice(0, 200));
      const list = byQuery.get(queryId) ?? [];
      list.push({ rank: Number(row.properties["rank"] ?? Number.POSITIVE_INFINITY), id });
      byQuery.set(queryId, list);
    }
  }
  return new Map([...byQuery].map(([queryId, list]) => [queryId, list.sort((a, b) => a.rank - b.rank).map((item) => item.id)]));
}
