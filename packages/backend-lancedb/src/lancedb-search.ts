import type { Table } from "@lancedb/lancedb";
import type { Hit } from "@hardneg/core/adapter";
import { COLUMNS, sqlString } from "./lancedb-schema.js";

/** LanceDB's own score columns: BM25 for full-text search, distance for vector search. */
const SCORE_COLUMN = "_score";
const DISTANCE_COLUMN = "_distance";

/**
 * BM25 hits of one query from the table's FTS index, best first. With `onlyIds` the search is
 * restricted to those documents (a prefilter: the corpus statistics stay the whole table's, so
 * scores equal those of an unrestricted search).
 */
export async function keywordHits(table: Table, text: string, limit: number, onlyIds?: readonly string[]): Promise<Hit[]> {
  let query = table.query().fullTextSearch(text, { columns: COLUMNS.searchText });
  if (onlyIds !== undefined) query = query.where(idFilter(onlyIds));
  const rows = await query.select([COLUMNS.documentId, SCORE_COLUMN]).limit(limit).toArray();
  return ranked(rows.map((row) => ({ id: String(row[COLUMNS.documentId]), score: Number(row[SCORE_COLUMN]) })));
}

/**
 * Nearest documents by cosine similarity (score = 1 − cosine distance, so higher is better, as
 * hits must be), found by an exact scan unless the table has a vector index.
 */
export async function vectorHits(table: Table, vector: readonly number[], limit: number, onlyIds?: readonly string[]): Promise<Hit[]> {
  let query = table
    .query()
    .nearestTo([...vector])
    .distanceType("cosine");
  if (onlyIds !== undefined) query = query.where(idFilter(onlyIds));
  const rows = await query.select([COLUMNS.documentId, DISTANCE_COLUMN]).limit(limit).toArray();
  return ranked(rows.map((row) => ({ id: String(row[COLUMNS.documentId]), score: 1 - Number(row[DISTANCE_COLUMN]) })));
}

/** `doc_id IN ('a', 'b')` with quotes escaped. */
export function idFilter(ids: readonly string[]): string {
  return `${COLUMNS.documentId} IN (${ids.map(sqlString).join(", ")})`;
}

/**
 * Sorts by score, ties by id (LanceDB does not promise an order among equal scores, and a batch
 * must equal its requests sent one by one), and numbers ranks from 1.
 */
export function ranked(hits: Array<{ id: string; score: number }>): Hit[] {
  return hits
    .sort((left, right) => right.score - left.score || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0))
    .map((hit, position) => ({ id: hit.id, score: hit.score, rank: position + 1 }));
}
