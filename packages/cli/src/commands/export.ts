import { exportHardNegatives, type Engine, type ExportFormat } from "@hardneg/core";
import { refuseEngineFileOutput } from "../engine-files.js";
import { printResult } from "../output.js";

export interface ExportCommandOptions {
  collection: string;
  format: string;
  output: string;
  /** The `--engine` spec, so the output is never one of the engine's own files. */
  engine: string;
  json: boolean;
}

/**
 * `hardneg export`: writes a hard-negatives collection in a trainer's format. Refuses an output
 * that is one of the engine's own files (its database, WAL, index folder) before reading a row.
 */
export async function exportCommand(engine: Engine, options: ExportCommandOptions): Promise<void> {
  await refuseEngineFileOutput("--output", options.output, [options.engine]);
  const result = await exportHardNegatives(engine, options.collection, { format: options.format as ExportFormat, output: options.output });
  printResult(options.json, { collection: options.collection, format: options.format, output: options.output, ...result }, () => [
    `wrote ${result.lines} lines (${result.queries} queries, ${result.rows} rows) to ${options.output} as ${options.format}`,
  ]);
}
