import type { Engine } from "@hardneg/core";
import { printResult } from "../output.js";
import { renderMineReport } from "../report/mine-report.js";
import { readRuns } from "../report/run-data.js";
import { writeReportFile } from "../report/write-report.js";

export interface ReportCommandOptions {
  output?: string;
  json: boolean;
}

/** `hardneg report <run id or output collection>`: writes the HTML report of the run(s). */
export async function reportCommand(engine: Engine, runOrCollection: string, options: ReportCommandOptions): Promise<void> {
  const runs = await readRuns(engine, runOrCollection);
  const output = options.output ?? `report-${runs.length === 1 ? runs[0]!.runId : runOrCollection}.html`;
  const path = await writeReportFile(output, await renderMineReport(runs, `hardneg report: ${runOrCollection}`));
  printResult(options.json, { output: path, runs: runs.map((run) => run.runId) }, () => [
    `wrote ${path} (${runs.length} run${runs.length === 1 ? "" : "s"}: ${runs.map((run) => run.runId).join(", ")})`,
  ]);
}
