import { exportHardNegatives, type Engine, type ExportFormat } from "@hardneg/core";
import { printResult } from "../output.js";

export interface ExportCommandOptions {
  collection: string;
  format: string;
  output: string;
  json: boolean;
}

/** `hardneg export`: writes a hard-negatives collection in a trainer's format. */
export async function exportCommand(engine: Engine, options: ExportCommandOptions): Promise<void> {
  const result = await exportHardNegatives(engine, options.collection, { format: options.format as ExportFormat, output: options.output });
  printResult(options.json, { collection: options.collection, format: options.format, output: options.output, ...result }, () => [
    `wrote ${result.lines} lines (${result.queries} queries, ${result.rows} rows) to ${options.output} as ${options.format}`,
  ]);
}
