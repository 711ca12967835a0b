import { exportHardNegatives, type Engine, type ExportFormat, type ExportResult, type NtuplePositives } from "@hardneg/core";
import { refuseEngineFileOutput } from "../engine-files.js";
import { printResult } from "../output.js";

export interface ExportCommandOptions {
  collection: string;
  format: string;
  output: string;
  /** The `--engine` spec, so the output is never one of the engine's own files. */
  engine: string;
  json: boolean;
  negativesPerLine?: number;
  positives: NtuplePositives;
  withScores: boolean;
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
    positives: options.positives,
    withScores: options.withScores,
    ...(options.negativesPerLine === undefined ? {} : { negativesPerLine: options.negativesPerLine }),
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
      negatives_per_line: result.negativesPerLine,
      queries_short: result.queriesShort,
      positives_left_out: result.positivesLeftOut,
      queries_without_scores: result.queriesWithoutScores,
    },
    () => [
      `wrote ${result.lines} lines (${result.queries} queries, ${result.rows} rows) to ${where} as ${options.format}`,
      ...leftOutLines(result),
    ],
    toStdout ? process.stderr : process.stdout,
  );
}

/** What the export left out and why, with the option that changes it: nothing is dropped silently. */
function leftOutLines(result: ExportResult): string[] {
  const lines: string[] = [];
  if (result.skippedQueries > 0) {
    lines.push(`left out ${result.skippedQueries} queries with no positive or no negative left`);
  }
  if (result.queriesShort > 0) {
    lines.push(
      `left out ${result.queriesShort} queries with fewer than ${result.negativesPerLine} negatives, ` +
        "so every line has the same columns (--negatives-per-line <n> sets the width)",
    );
  }
  if (result.positivesLeftOut > 0) {
    lines.push(`wrote the first positive of each query: ${result.positivesLeftOut} other positives left out (--positives each writes all)`);
  }
  if (result.queriesWithoutScores > 0) {
    lines.push(
      `left out ${result.queriesWithoutScores} queries with a document of unknown score (padding, or a gold the engine did not score)`,
    );
  }
  return lines;
}
