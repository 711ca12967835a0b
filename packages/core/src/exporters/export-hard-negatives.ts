import type { Store } from "../backend.js";
import { HardNegativesCollection, type HardNegativeKeys } from "../collections.js";
import { BadInputError, BadOptionError, MissingCollectionError } from "../errors.js";
import type { StoredRecord } from "../types.js";
import { writeLinesAtomically } from "./atomic-write.js";
import { writeLinesToStream } from "./stream-write.js";
import { EXPORT_FORMATS, groupedLines, isExportFormat, type ExportFormat } from "./export-formats.js";
import { parseHardNegativeRow } from "./hard-negative-row.js";
import { QueryGrouper } from "./query-group.js";

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
  /** Rows a judge marked relevant (`is_relevant === true`), never exported as negatives except in `seed`. */
  judgedRelevant: number;
}

/**
 * Exports a hard-negatives collection to a JSONL file in a trainer's format (see
 * {@link groupedLines} for each format's shape). `seed` writes every row as stored plus its
 * record `id`, judged rows included, and streams; the other formats group rows by query id
 * (holding the rows in memory), order negatives by rank, leave out rows judged relevant and add
 * relabelled rows' documents to the positives.
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
  const spec = await store.describeCollection(collection);
  if (spec === undefined) throw new MissingCollectionError(collection, "mine hard negatives into it first, or check the name");
  if (spec.kind === "documents" || spec.kind === "queries") {
    throw new BadInputError(`is a ${spec.kind} collection, not hard negatives; pass the collection a mining run wrote`, { collection });
  }
  const keys = spec.hardNegativeKeys ?? new HardNegativesCollection({ collectionName: collection }).keys;
  const records = iterateRecords(store, collection, options.batchSize ?? 1000);
  const result: ExportResult = { rows: 0, queries: 0, lines: 0, skippedQueries: 0, judgedRelevant: 0 };
  const lines = format === "seed" ? seedLines(records, result) : groupedFormatLines(format, records, keys, collection, result);
  result.lines = typeof output === "string" ? await writeLinesAtomically(output, lines) : await writeLinesToStream(output, lines);
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

async function* groupedFormatLines(
  format: Exclude<ExportFormat, "seed">,
  records: AsyncIterable<StoredRecord>,
  keys: HardNegativeKeys,
  collection: string,
  result: ExportResult,
): AsyncGenerator<string> {
  const grouper = new QueryGrouper();
  for await (const record of records) {
    result.rows += 1;
    const row = parseHardNegativeRow(record, keys, collection);
    if (row.judgedRelevant) result.judgedRelevant += 1;
    grouper.add(row);
  }
  for (const group of grouper.groups()) {
    const lines = groupedLines(format, group);
    if (lines.length === 0) {
      result.skippedQueries += 1;
      continue;
    }
    result.queries += 1;
    for (const line of lines) yield JSON.stringify(line);
  }
}
