import type { Engine } from "@hardneg/core";
import { refuseEngineFileOutput } from "../engine-files.js";
import { printResult } from "../output.js";
import { renderMineReport } from "../report/mine-report.js";
import { readRuns } from "../report/run-data.js";
import { writeReportFile } from "../report/write-report.js";

export interface ReportCommandOptions {
  output?: string;
  /** The `--engine` spec, so the output is never one of the engine's own files. */
  engine: string;
  json: boolean;
}

/**
 * `hardneg report <run id or output collection>`: writes the HTML report of the run(s). Refuses
 * an output that is one of the engine's own files (its database, WAL, index folder).
 */
export async function reportCommand(engine: Engine, runOrCollection: string, options: ReportCommandOptions): Promise<void> {
  if (options.output !== undefined) await refuseEngineFileOutput("--output", options.output, [options.engine]);
  const runs = await readRuns(engine, runOrCollection);
  const output = options.output ?? `report-${runs.length === 1 ? runs[0]!.runId : runOrCollection}.html`;
  // The default name comes from data (a run id or collection name): checked too (a given one was, above).
  if (options.output === undefined) await refuseEngineFileOutput("--output", output, [options.engine]);
  const path = await writeReportFile(output, await renderMineReport(runs, `hardneg report: ${runOrCollection}`));
  printResult(options.json, { output: path, runs: runs.map((run) => run.runId) }, () => [
    `wrote ${path} (${runs.length} run${runs.length === 1 ? "" : "s"}: ${runs.map((run) => run.runId).join(", ")})`,
  ]);
}
