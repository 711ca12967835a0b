import type { HardNegativeRow } from "./hard-negative-row.js";

/** A document as exported: id, title ("" for none), text and the engine's score for the query (null when unknown). */
export interface ExportedDocument {
  id: string;
  title: string;
  text: string;
  score: number | null;
}

/** Everything the grouped formats write for one query. */
export interface QueryGroup {
  queryId: string;
  query: string;
  /** Gold documents that have text, in gold-id order, then documents relabelled as positive by rank. */
  positives: ExportedDocument[];
  /** Negatives by rank (unranked padding last, ties by id), without rows judged relevant or relabelled. */
  negatives: ExportedDocument[];
}

/**
 * Collects rows per query id, in memory: rows of one query need not be contiguous. Queries keep
 * the order in which they were first seen. `QueryGroupSpool` feeds it one bucket at a time, so
 * an export holds one bucket, not the collection.
 */
export class QueryGrouper {
  private readonly rowsByQuery = new Map<string, HardNegativeRow[]>();

  add(row: HardNegativeRow): void {
    const rows = this.rowsByQuery.get(row.queryId);
    if (rows === undefined) this.rowsByQuery.set(row.queryId, [row]);
    else rows.push(row);
  }

  /** The groups, built one at a time. */
  *groups(): Generator<QueryGroup> {
    for (const rows of this.rowsByQuery.values()) yield buildQueryGroup(rows);
  }
}

/**
 * Builds one query's group. Query text and gold come from the first row (every row of a query
 * carries the same). A row judged relevant is never a negative; a relabelled row's document
 * becomes a positive after the gold ones.
 */
export function buildQueryGroup(rows: readonly HardNegativeRow[]): QueryGroup {
  const first = rows[0]!;
  const byRank = [...rows].sort((left, right) => rankOrder(left) - rankOrder(right) || compareText(left.negativeId, right.negativeId));
  const positives: ExportedDocument[] = [];
  const positiveIds = new Set<string>();
  const addPositive = (id: string, title: string, text: string | null | undefined, score: number | null): void => {
    // Gold ids whose text the miner could not fetch have no text to train on.
    if (typeof text !== "string" || text === "" || positiveIds.has(id)) return;
    positiveIds.add(id);
    positives.push({ id, title, text, score });
  };
  // Rows keep one gold score, the lowest-scoring gold's: every gold positive gets it.
  first.goldIds.forEach((goldId, index) => {
    addPositive(goldId, first.goldTitles[index] ?? "", first.goldDocuments[index], first.goldScore);
  });
  for (const row of byRank) if (row.relabelAsPositive) addPositive(row.negativeId, row.negativeTitle, row.negativeDocument, row.score);
  const negatives: ExportedDocument[] = [];
  const negativeIds = new Set<string>();
  for (const row of byRank) {
    if (row.judgedRelevant || row.relabelAsPositive || positiveIds.has(row.negativeId) || negativeIds.has(row.negativeId)) continue;
    negativeIds.add(row.negativeId);
    negatives.push({ id: row.negativeId, title: row.negativeTitle, text: row.negativeDocument, score: row.score });
  }
  return { queryId: first.queryId, query: first.query, positives, negatives };
}

/** Padding rows have no rank: they come after every ranked negative. */
function rankOrder(row: HardNegativeRow): number {
  return row.rank ?? Number.POSITIVE_INFINITY;
}

/** Code-unit order, the same on every machine (localeCompare is not). */
function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
