import type { CsvError } from "csv-parse";
import { BadInputError, HardnegError } from "../errors.js";
import { openByteStream, toInputError, withoutGzipSuffix } from "./text-source.js";

/** One data row of a CSV/TSV file, keyed by the header's column names. */
export interface DelimitedRecord {
  /** 1-based line where the row starts (a quoted cell may span several lines). */
  line: number;
  value: Record<string, string>;
}

/** Options of {@link readDelimited}. */
export interface DelimitedOptions {
  /** Cell separator. Default: a tab for ".tsv" files, a comma otherwise. */
  delimiter?: string;
}

/** The delimiter a file's extension implies: tab for ".tsv"/".tab", comma otherwise. */
export function delimiterFor(file: string): string {
  const name = withoutGzipSuffix(file).toLowerCase();
  return name.endsWith(".tsv") || name.endsWith(".tab") ? "\t" : ",";
}

/**
 * Streams the rows of a CSV or TSV file (gunzipped when the name ends in ".gz") with csv-parse.
 * The first row is the header and names the columns; quoted cells may hold delimiters, quotes
 * ("" escapes) and newlines. Empty lines are skipped.
 *
 * @throws BadInputError naming file and line for a row with the wrong number of cells, an
 * unclosed quote, a duplicate or empty header name, a byte that is not UTF-8, or an unreadable
 * file.
 */
export async function* readDelimited(file: string, options: DelimitedOptions = {}): AsyncGenerator<DelimitedRecord> {
  const delimiter = options.delimiter ?? delimiterFor(file);
  // Imported on first use: most runs (mine, BEIR's JSONL) never read a CSV or TSV file.
  const { parse } = await import("csv-parse");
  const parser = parse({
    delimiter,
    columns: (header: string[]) => checkHeader(header, file),
    bom: true,
    skip_empty_lines: true,
    // info gives the line where a record ends; raw lets us step back to the line where it starts.
    info: true,
    raw: true,
    // TSV files (BEIR qrels, MS MARCO) rarely quote, and a stray quote in a text cell must not
    // swallow the rest of the file.
    quote: delimiter === "\t" ? false : '"',
  });
  const source = openByteStream(file);
  source.on("error", (error) => parser.destroy(error));
  source.pipe(parser);
  try {
    for await (const row of parser as AsyncIterable<{ record: Record<string, string>; raw: string; info: { lines: number } }>) {
      yield { line: startLine(row.info.lines, row.raw), value: row.record };
    }
  } catch (error) {
    throw describeCsvError(error, file);
  } finally {
    source.destroy();
    parser.destroy();
  }
}

function checkHeader(header: string[], file: string): string[] {
  const seen = new Set<string>();
  for (const name of header) {
    if (name.trim() === "")
      throw new BadInputError(`header row has an empty column name (columns: ${header.join(", ")}); name every column`, { file, line: 1 });
    if (seen.has(name)) throw new BadInputError(`header row names column "${name}" twice; rename one`, { file, line: 1 });
    seen.add(name);
  }
  return header;
}

/** `endLine` minus the newlines inside the record (skipped blank lines before it excluded). */
function startLine(endLine: number, raw: string): number {
  const body = raw.replace(/^[\r\n]+/, "").replace(/\r?\n$/, "");
  let newlines = 0;
  for (let index = body.indexOf("\n"); index !== -1; index = body.indexOf("\n", index + 1)) newlines += 1;
  return endLine - newlines;
}

function describeCsvError(error: unknown, file: string): unknown {
  if (HardnegError.isInstance(error)) return error;
  const csvError = error as Partial<CsvError> & { lines?: number };
  if (typeof csvError.code === "string" && csvError.code.startsWith("CSV_")) {
    const line = typeof csvError.lines === "number" ? csvError.lines : undefined;
    const hint =
      csvError.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH" || csvError.code === "CSV_RECORD_INCONSISTENT_COLUMNS"
        ? "every row needs as many cells as the header; quote cells that contain the delimiter"
        : "fix the quoting of that row";
    return new BadInputError(`${csvError.message ?? csvError.code}; ${hint}`, {
      file,
      ...(line === undefined ? {} : { line }),
      cause: error,
    });
  }
  return toInputError(error, file);
}
