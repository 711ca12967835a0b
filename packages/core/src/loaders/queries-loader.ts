import { BadOptionError } from "../errors.js";
import { contentId } from "../ids.js";
import type { Query } from "../types.js";
import { parseGoldIds } from "./gold-ids.js";
import { LoadReport } from "./load-report.js";
import type { Qrels } from "./qrels-loader.js";
import { emptyFileError, readRecords, recordFileFormat } from "./record-reader.js";
import { idFromValue, requireKey, textFromValue } from "./record-values.js";

/** Which record properties hold a query's id, text and (without qrels) gold ids. */
export interface QueryMapping {
  /**
   * Property holding the query id. Default: none, and every query gets `contentId(text)`, a
   * stable id derived from its text (the original QueriesCollection named no id property).
   * When given, every record must have it.
   */
  idKey?: string;
  /** Property holding the query text. */
  contentKey: string;
  /**
   * Property holding the gold document ids (see {@link parseGoldIds} for accepted shapes).
   * Ignored when `qrels` are given. Default: none.
   */
  goldIdsKey?: string;
}

/** Options of {@link readQueries}. */
export interface ReadQueriesOptions {
  /**
   * Relevance judgements of one split. When given they are the only source of gold ids and
   * grades: queries without a qrels entry are left out (counted as `notInSplit`).
   */
  qrels?: Qrels;
  /** Receives counts and examples of what was left out. Default: a fresh, unread report. */
  report?: LoadReport;
}

/**
 * Streams the queries of a ".jsonl", ".csv" or ".tsv" file (optionally ".gz") with their gold
 * ids, from `options.qrels` or else from `mapping.goldIdsKey`.
 *
 * Not fatal, counted in the report: empty query text (reason "empty query text"), a query with
 * no gold ids (reason "no gold ids"), a repeated query id (first kept), a query absent from the
 * qrels (`notInSplit`); at the end, qrels queries the file never named (`qrelsQueriesMissing`).
 *
 * @throws BadOptionError when neither qrels nor goldIdsKey is given.
 * @throws BadInputError naming file and line when a record lacks the content, id or gold-ids
 * key (listing the keys it has), has an invalid id or gold ids, or the file is malformed or not
 * UTF-8; naming the file when it holds no record at all.
 */
export async function* readQueries(file: string, mapping: QueryMapping, options: ReadQueriesOptions = {}): AsyncGenerator<Query> {
  const { qrels } = options;
  const report = options.report ?? new LoadReport();
  if (qrels === undefined && mapping.goldIdsKey === undefined) {
    throw new BadOptionError("--gold-ids-key", "queries need gold ids: pass a qrels file or the property holding gold ids");
  }
  const fromTextCells = recordFileFormat(file) !== "jsonl";
  const seenIds = new Set<string>();
  // Qrels query ids the file names (kept or not), to count the qrels queries it lacks.
  const qrelsIdsNamed = new Set<string>();
  let records = 0;
  for await (const { line, value: record } of readRecords(file)) {
    records += 1;
    report.read += 1;
    const location = { file, line };
    const text = textFromValue(requireKey(record, mapping.contentKey, location, "--query-content-key"), mapping.contentKey, location);
    const id =
      mapping.idKey === undefined
        ? contentId(text)
        : idFromValue(requireKey(record, mapping.idKey, location, "--query-id-key"), mapping.idKey, location);
    if (qrels !== undefined && !qrels.grades.has(id)) {
      report.notInSplit += 1;
      continue;
    }
    if (qrels !== undefined) qrelsIdsNamed.add(id);
    if (text.trim() === "") {
      report.skip(file, line, "empty query text");
      continue;
    }
    if (seenIds.has(id)) {
      report.duplicate(file, line, id);
      continue;
    }
    seenIds.add(id);
    const query =
      qrels === undefined
        ? {
            id,
            text,
            goldIds: parseGoldIds(
              requireKey(record, mapping.goldIdsKey!, location, "--gold-ids-key"),
              mapping.goldIdsKey!,
              location,
              fromTextCells,
            ),
          }
        : queryFromQrels(id, text, qrels);
    if (query.goldIds.length === 0) {
      report.skip(file, line, "no gold ids");
      continue;
    }
    report.kept += 1;
    yield query;
  }
  if (records === 0) throw emptyFileError(file, "queries");
  if (qrels !== undefined) {
    for (const queryId of qrels.grades.keys()) if (!qrelsIdsNamed.has(queryId)) report.qrelsQueriesMissing += 1;
  }
}

function queryFromQrels(id: string, text: string, qrels: Qrels): Query {
  const goldIds = qrels.goldIds(id);
  const grades: Record<string, number> = {};
  for (const goldId of goldIds) grades[goldId] = qrels.grades.get(id)!.get(goldId)!;
  return { id, text, goldIds, grades };
}
