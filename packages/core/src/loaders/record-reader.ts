import { BadInputError } from "../errors.js";
import { readDelimited } from "./delimited-reader.js";
import { readJsonl } from "./jsonl-reader.js";
import { withoutGzipSuffix } from "./text-source.js";

/** File layouts the record loaders read. */
export type RecordFileFormat = "jsonl" | "csv" | "tsv";

/** One record of a JSONL, CSV or TSV file. CSV/TSV cells are always strings. */
export interface FileRecord {
  line: number;
  value: Record<string, unknown>;
}

/**
 * The layout a file name implies, ignoring a trailing ".gz": ".jsonl"/".ndjson" → "jsonl",
 * ".csv" → "csv", ".tsv" → "tsv".
 *
 * @throws BadInputError naming the file for any other extension.
 */
export function recordFileFormat(file: string): RecordFileFormat {
  const name = withoutGzipSuffix(file).toLowerCase();
  if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) return "jsonl";
  if (name.endsWith(".csv")) return "csv";
  if (name.endsWith(".tsv")) return "tsv";
  throw new BadInputError("unknown file type; use .jsonl, .csv or .tsv (optionally gzipped, ending in .gz)", { file });
}

/** Streams the records of a JSONL, CSV or TSV file, chosen by {@link recordFileFormat}. */
export function readRecords(file: string): AsyncIterable<FileRecord> {
  const format = recordFileFormat(file);
  return format === "jsonl" ? readJsonl(file) : readDelimited(file, { delimiter: format === "tsv" ? "\t" : "," });
}

/**
 * The error for an input file with nothing in it: a corpus, queries or qrels file without a
 * single record is a wrong path or a failed export far more often than an intended empty set,
 * and loading it would leave an empty collection and a run with nothing to do.
 *
 * @param expected What the file should hold, plural, e.g. "documents" or "judgements".
 */
export function emptyFileError(file: string, expected: string): BadInputError {
  return new BadInputError(
    `has no ${expected}: the file is empty, or holds only blank lines or a header row; check that it is the right file`,
    { file },
  );
}
