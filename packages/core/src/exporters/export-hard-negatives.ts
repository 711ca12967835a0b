import type { Store } from "../backend.js";
import { HardNegativesCollection, type HardNegativeKeys } from "../collections.js";
import { BadInputError, BadOptionError, MissingCollectionError } from "../errors.js";
import type { StoredRecord } from "../types.js";
import { writeLinesAtomically } from "./atomic-write.js";
import { writeLinesToStream } from "./stream-write.js";
import {
  EXPORT_FORMATS,
  FORMATS_WITH_SCORES,
  groupedLines,
  isExportFormat,
  isUnusable,
  type ExportFormat,
  type NtuplePositives,
} from "./export-formats.js";
import { parseHardNegativeRow, type HardNegativeRow } from "./hard-negative-row.js";
import type { QueryGroup } from "./query-group.js";
import { QueryGroupSpool } from "./query-group-spool.js";

/** Options of {@link exportHardNegatives}. */
export interface ExportOptions {
  /** One of {@link EXPORT_FORMATS}. */
  format: string;
  /**
   * Where the JSONL goes: a file path, replaced atomically (parent folders are created), or a
   * stream such as `process.stdout`, written as lines are produced and left open.
   */
  output: string | NodeJS.WritableStream;
  /** Records per `store.iterate` batch. Default 1000. */
  batchSize?: number;
  /**
   * `ntuple`: negatives on every line. Default: the most any query has, so every line has the
   * same columns; queries with fewer are left out and counted (`queriesShort`).
   */
  negativesPerLine?: number;
  /** `ntuple`: "first" (default) writes the first positive of each query; "each", one line per positive. */
  positives?: NtuplePositives;
  /** Add the engine's scores (`triplets`, `ntuple`, `flagembedding`; see `groupedLines`). Default false. */
  withScores?: boolean;
  /** Rows held in memory at once while grouping by query (see `QueryGroupSpool`). Default 20,000. */
  rowsPerBucket?: number;
  /** Where the grouping's bucket files go (in a folder of their own). Default: the system's (`os.tmpdir()`, `TMPDIR`). */
  temporaryFolder?: string;
}

/** What an export wrote. */
export interface ExportResult {
  /** Rows read from the collection. */
  rows: number;
  /** Queries written: with at least one line (distinct query ids for `seed`). */
  queries: number;
  /** Lines written to the output file. */
  lines: number;
  /** Queries with no line because they had no positive or no negative left (not for `seed`). */
  skippedQueries: number;
  /** `ntuple`: the negatives on every line; null for the other formats. */
  negativesPerLine: number | null;
  /** `ntuple`: queries left out because they have fewer than `negativesPerLine` negatives. */
  queriesShort: number;
  /** `ntuple` with the first positive only: the other positives of multi-positive queries, not written. */
  positivesLeftOut: number;
  /** With `withScores`: queries left out because a document of theirs has no score (padding, a gold outside the pool). */
  queriesWithoutScores: number;
  /** Rows a judge marked relevant (`is_relevant === true`), never exported as negatives except in `seed`. */
  judgedRelevant: number;
}

/**
 * Exports a hard-negatives collection to a JSONL file in a trainer's format (see
 * {@link groupedLines} for each format's shape). `seed` writes every row as stored plus its
 * record `id`, judged rows included, and streams; the other formats group rows by query id
 * with bounded memory (`QueryGroupSpool`: about `rowsPerBucket` rows at a time, however large
 * the collection), order negatives by rank, leave out rows judged relevant and add relabelled
 * rows' documents to the positives. `ntuple` writes the same number of negatives on every line.
 *
 * The row property names come from the collection's spec (`hardNegativeKeys`), falling back to
 * {@link HardNegativesCollection}'s defaults. A file is written atomically: on any failure
 * nothing is left at `output` (an existing file there is kept).
 *
 * @throws BadOptionError ("--format") for an unknown format.
 * @throws MissingCollectionError when the collection does not exist.
 * @throws BadInputError when it is a documents or queries collection, or a row lacks a property.
 */
export async function exportHardNegatives(store: Store, collection: string, options: ExportOptions): Promise<ExportResult> {
  const { format, output } = options;
  if (!isExportFormat(format)) {
    throw new BadOptionError("--format", `unknown export format "${format}"; choose one of ${EXPORT_FORMATS.join(", ")}`);
  }
  const width = options.negativesPerLine;
  if (width !== undefined && !(Number.isInteger(width) && width >= 1)) {
    throw new BadOptionError("--negatives-per-line", `must be a whole number of at least 1, got ${width}`);
  }
  if (options.withScores === true && !FORMATS_WITH_SCORES.includes(format)) {
    throw new BadOptionError("--with-scores", `${format} has no place for scores; use one of ${FORMATS_WITH_SCORES.join(", ")}`);
  }
  const spec = await store.describeCollection(collection);
  if (spec === undefined) throw new MissingCollectionError(collection, "mine hard negatives into it first, or check the name");
  if (spec.kind === "documents" || spec.kind === "queries") {
    throw new BadInputError(`is a ${spec.kind} collection, not hard negatives; pass the collection a mining run wrote`, { collection });
  }
  const keys = spec.hardNegativeKeys ?? new HardNegativesCollection({ collectionName: collection }).keys;
  const records = iterateRecords(store, collection, options.batchSize ?? 1000);
  const result: ExportResult = {
    rows: 0,
    queries: 0,
    lines: 0,
    skippedQueries: 0,
    judgedRelevant: 0,
    negativesPerLine: null,
    queriesShort: 0,
    positivesLeftOut: 0,
    queriesWithoutScores: 0,
  };
  let spool: QueryGroupSpool | undefined;
  try {
    let lines: AsyncIterable<string>;
    if (format === "seed") {
      lines = seedLines(records, result);
    } else {
      const rows = parsedRows(records, keys, collection, result);
      spool = await QueryGroupSpool.fill(rows, await store.count(collection), options);
      lines = groupedFormatLines(format, spool, options, result);
    }
    result.lines = typeof output === "string" ? await writeLinesAtomically(output, lines) : await writeLinesToStream(output, lines);
  } finally {
    await spool?.dispose();
  }
  return result;
}

async function* iterateRecords(store: Store, collection: string, batchSize: number): AsyncGenerator<StoredRecord> {
  for await (const batch of store.iterate(collection, { batchSize })) yield* batch;
}

async function* seedLines(records: AsyncIterable<StoredRecord>, result: ExportResult): AsyncGenerator<string> {
  const queryIds = new Set<unknown>();
  for await (const record of records) {
    result.rows += 1;
    if (record.properties.is_relevant === true) result.judgedRelevant += 1;
    queryIds.add(record.properties.query_id);
    // The record id goes first and wins over a property that happens to be called "id".
    yield JSON.stringify(Object.assign({ id: record.id }, record.properties, { id: record.id }));
  }
  result.queries = queryIds.size;
}

async function* parsedRows(
  records: AsyncIterable<StoredRecord>,
  keys: HardNegativeKeys,
  collection: string,
  result: ExportResult,
): AsyncGenerator<HardNegativeRow> {
  for await (const record of records) {
    result.rows += 1;
    const row = parseHardNegativeRow(record, keys, collection);
    if (row.judgedRelevant) result.judgedRelevant += 1;
    yield row;
  }
}

async function* groupedFormatLines(
  format: Exclude<ExportFormat, "seed">,
  spool: QueryGroupSpool,
  options: ExportOptions,
  result: ExportResult,
): AsyncGenerator<string> {
  // ntuple lines must all have the same columns: without a width given, the widest query's.
  if (format === "ntuple") result.negativesPerLine = options.negativesPerLine ?? (await widestQuery(spool));
  const width = result.negativesPerLine ?? undefined;
  for await (const group of spool.groups()) {
    if (isUnusable(group)) {
      result.skippedQueries += 1;
      continue;
    }
    if (width !== undefined && group.negatives.length < width) {
      result.queriesShort += 1;
      continue;
    }
    if (options.withScores === true && !everyScoreKnown(group, width)) {
      result.queriesWithoutScores += 1;
      continue;
    }
    if (format === "ntuple" && options.positives !== "each") result.positivesLeftOut += group.positives.length - 1;
    result.queries += 1;
    const lineOptions = { negativesPerLine: width, positives: options.positives, withScores: options.withScores };
    for (const line of groupedLines(format, group, lineOptions)) yield JSON.stringify(line);
  }
}

/** Whether every document the lines of `group` use has a score (only the first `width` negatives when given). */
function everyScoreKnown(group: QueryGroup, width: number | undefined): boolean {
  const negatives = width === undefined ? group.negatives : group.negatives.slice(0, width);
  return [...group.positives, ...negatives].every((document) => document.score !== null);
}

/** The most negatives a usable query has (0 when none is usable). */
async function widestQuery(spool: QueryGroupSpool): Promise<number> {
  let widest = 0;
  for await (const group of spool.groups()) if (!isUnusable(group)) widest = Math.max(widest, group.negatives.length);
  return widest;
}
