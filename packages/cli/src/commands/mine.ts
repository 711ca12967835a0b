import {
  HardNegativesCollection,
  mine,
  MissingCollectionError,
  type Engine,
  type MineReport,
  type MiningOptions,
  type QueriesCollection,
  type Store,
} from "@hardneg/core";
import { docsCollectionOf, queriesCollectionOf } from "../collection-options.js";
import { refuseEngineFileOutput } from "../engine-files.js";
import { formatNumber, printResult, progressLine } from "../output.js";
import { withoutEmbedderOptions } from "../embedder-spec.js";
import { humanMineJudgeLines, judgeFromOptions, withoutJudgeOptions, type JudgeCommandOptions } from "./judge.js";

export interface MineCommandOptions extends Omit<MiningOptions, "judgePolicy">, JudgeCommandOptions {
  docsCollection: string;
  queriesCollection: string;
  outCollection: string;
  /** `--exclude-golds-of`, repeatable: queries collections whose golds are never negatives. */
  excludeGoldsOf: string[];
  json: boolean;
  /** HTML report file written after the run (`--report`). */
  report?: string;
  /** The `--engine` spec, so the report is never one of the engine's own files. */
  engine: string;
  /** The `--store` spec, when one was given (likewise). */
  store?: string;
}

/**
 * `hardneg mine`: runs (or resumes) a mining run and prints its report. The documents are
 * searched in `engine`; the queries are read from `store`, where the hard negatives and run
 * records are written (the same engine unless `--store` names another). A `--report` file that
 * is one of either engine's own files is refused before mining starts.
 */
export async function mineCommand(engine: Engine, store: Store, options: MineCommandOptions): Promise<void> {
  const engines = [options.engine, ...(options.store === undefined ? [] : [options.store])];
  if (options.report !== undefined) await refuseEngineFileOutput("--report", options.report, engines);
  const progress = progressLine();
  const { json, docsCollection, queriesCollection, outCollection, excludeGoldsOf, store: _store, ...rest } = options;
  const judge = judgeFromOptions(options);
  const miningOptions = withoutJudgeOptions(rest);
  const reportFile = options.report;
  const report = await mine({
    ...withoutEmbedderOptions(miningOptions),
    ...(judge === undefined ? {} : { judge, judgePolicy: options.policy ?? "flag" }),
    ...(options.maxRelabelled === undefined ? {} : { maxRelabelled: options.maxRelabelled }),
    backend: engine,
    store,
    docsCollection: await docsCollectionOf(engine, docsCollection),
    queriesCollection: await queriesCollectionOf(store, queriesCollection),
    excludeGoldsOf: await heldOutCollectionsOf(store, excludeGoldsOf),
    hardNegativesCollection: new HardNegativesCollection({ collectionName: outCollection }),
    onProgress: ({ queriesDone, queriesTotal }) => progress(`mining: ${queriesDone}/${queriesTotal} queries`),
  });
  progress.done();
  const reportPath = reportFile === undefined ? undefined : await writeMineReport(store, report.run_id, reportFile, outCollection);
  printResult(
    json,
    { ...report, ...(reportPath === undefined ? {} : { report_file: reportPath }) } as unknown as Record<string, unknown>,
    () => [...humanReport(report), ...(reportPath === undefined ? [] : [`report: ${reportPath}`])],
  );
}

/** The `--exclude-golds-of` collections with the keys they were loaded with; a missing one names the option. */
async function heldOutCollectionsOf(store: Store, names: readonly string[]): Promise<QueriesCollection[]> {
  const collections: QueriesCollection[] = [];
  for (const name of names) {
    if (!(await store.hasCollection(name)))
      throw new MissingCollectionError(name, "load the held-out queries first, e.g. `hardneg load beir <dir> --split test`", {
        option: "excludeGoldsOf",
      });
    collections.push(await queriesCollectionOf(store, name));
  }
  return collections;
}

function humanReport(report: MineReport): string[] {
  const histogram = Object.entries(report.gold_rank_histogram)
    .map(([bucket, count]) => `${bucket}:${count}`)
    .join("  ");
  const dropped = Object.entries(report.dropped)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${reason}:${count}`)
    .join("  ");
  return [
    `run ${report.run_id} (${report.mode}, ${report.strategy}) → collection "${report.out_collection}"`,
    `queries ${report.queries}, mined ${report.queries_mined}, rows ${report.rows_written}, ` +
      `short ${report.queries_short}, skipped ${report.queries_skipped}` +
      (report.batches_resumed > 0 ? ` (resumed: ${report.batches_resumed}/${report.batches} batches were already done)` : ""),
    `gold rank in pool of ${report.metrics.pool_size}: ${histogram}`,
    `nDCG@10 ${formatNumber(report.metrics.ndcg_at_10)}  MRR@10 ${formatNumber(report.metrics.mrr_at_10)}  ` +
      `Recall@10 ${formatNumber(report.metrics.recall_at_10)}  ` +
      `Recall@${report.metrics.pool_size} ${formatNumber(report.metrics.recall_at_pool)}`,
    `candidates dropped: ${dropped || "none"}`,
    ...(report.judge === undefined ? [] : humanMineJudgeLines(report.judge)),
    ...(report.skipped_examples.length > 0
      ? [
          `skipped, e.g.: ${report.skipped_examples
            .slice(0, 3)
            .map((example) => `${example.query_id} (${example.reason}${example.detail === undefined ? "" : `: ${example.detail}`})`)
            .join("; ")}`,
        ]
      : []),
  ];
}

/** `--report`: the HTML report of the run, its code imported only then. */
async function writeMineReport(store: Store, runId: string, file: string, outCollection: string): Promise<string> {
  const [{ renderMineReport }, { readRuns }, { writeReportFile }] = await Promise.all([
    import("../report/mine-report.js"),
    import("../report/run-data.js"),
    import("../report/write-report.js"),
  ]);
  return writeReportFile(file, await renderMineReport(await readRuns(store, runId), `hardneg mining report: ${outCollection}`));
}
