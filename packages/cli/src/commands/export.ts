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

/** The `--output` that means stdout. */
const STDOUT = "-";

/**
 * `hardneg export`: writes a hard-negatives collection in a trainer's format. Refuses an output
 * that is one of the engine's own files (its database, WAL, index folder) before reading a row.
 * `--output -` writes the lines to stdout, and the summary (JSON too) to stderr.
 */
export async function exportCommand(engine: Engine, options: ExportCommandOptions): Promise<void> {
  const toStdout = options.output === STDOUT;
  if (!toStdout) await refuseEngineFileOutput("--output", options.output, [options.engine]);
  const result = await exportHardNegatives(engine, options.collection, {
    format: options.format as ExportFormat,
    output: toStdout ? process.stdout : options.output,
  });
  const where = toStdout ? "stdout" : options.output;
  printResult(
    options.json,
    {
      collection: options.collection,
      format: options.format,
      output: options.output,
      rows: result.rows,
      queries: result.queries,
      lines: result.lines,
      skipped_queries: result.skippedQueries,
      judged_relevant: result.judgedRelevant,
    },
    () => [`wrote ${result.lines} lines (${result.queries} queries, ${result.rows} rows) to ${where} as ${options.format}`],
    toStdout ? process.stderr : process.stdout,
  );
}
