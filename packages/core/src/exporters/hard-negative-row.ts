import type { HardNegativeKeys } from "../collections.js";
import { BadInputError } from "../errors.js";
import type { StoredRecord } from "../types.js";

/** A hard-negative row as exporters need it, read from a stored record with the run's keys. */
export interface HardNegativeRow {
  /** The stored record's id. */
  recordId: string;
  queryId: string;
  query: string;
  goldIds: string[];
  /** Gold document texts in gold-id order; null where the corpus had no text for that id. */
  goldDocuments: (string | null)[];
  /** Gold document titles in gold-id order; "" for none (rows mined before titles were kept have none). */
  goldTitles: string[];
  negativeId: string;
  negativeDocument: string;
  /** The negative's title; "" for none. */
  negativeTitle: string;
  /** 1-based rank of the negative in the engine's candidate pool; null for random padding from outside it. */
  rank: number | null;
  /** The engine's score of the negative; null when unknown (padding). */
  score: number | null;
  /** The engine's score of the lowest-scoring gold (what mining compared negatives with); null when unknown. */
  goldScore: number | null;
  /** A judge said the document is relevant (`is_relevant === true`): never exported as a negative. */
  judgedRelevant: boolean;
  /**
   * The document is to be used as a positive: `relabel === true`, or `judge_policy` is
   * "relabel" and the judge said relevant.
   */
  relabelAsPositive: boolean;
}

/**
 * Reads one stored row.
 *
 * @throws BadInputError naming the collection, record and property when a property the
 * exporters need is missing or has the wrong type (the collection was not written by hardneg,
 * or was written with other key names than its spec says).
 */
export function parseHardNegativeRow(record: StoredRecord, keys: HardNegativeKeys, collection: string): HardNegativeRow {
  const properties = record.properties;
  const fail = (key: string, expected: string): never => {
    throw new BadInputError(
      `row "${record.id}" has no ${expected} under "${key}" ` +
        `(keys: ${Object.keys(properties).join(", ") || "none"}); was it written by hardneg with these key names?`,
      { collection },
    );
  };
  const text = (key: string): string => {
    const value = properties[key];
    return typeof value === "string" ? value : fail(key, "text");
  };
  const goldIds = properties[keys.goldIdsKey];
  if (!Array.isArray(goldIds) || !goldIds.every((goldId) => typeof goldId === "string")) fail(keys.goldIdsKey, "list of gold ids");
  const goldDocuments = properties[keys.goldDocumentsKey];
  if (!Array.isArray(goldDocuments) || !goldDocuments.every((document) => typeof document === "string" || document === null)) {
    fail(keys.goldDocumentsKey, "list of gold document texts");
  }
  const rank = properties.rank ?? null;
  if (rank !== null && typeof rank !== "number") fail("rank", "number (or null for padding)");
  const judgedRelevant = properties.is_relevant === true;
  return {
    recordId: record.id,
    queryId: text("query_id"),
    query: text(keys.queryContentKey),
    goldIds: goldIds as string[],
    goldDocuments: goldDocuments as (string | null)[],
    goldTitles: (goldIds as string[]).map((_, index) => titleAt(properties.gold_titles, index)),
    negativeId: text(keys.hardNegativeIdKey),
    negativeDocument: text(keys.hardNegativeDocumentKey),
    negativeTitle: typeof properties.hard_negative_title === "string" ? properties.hard_negative_title : "",
    rank: rank as number | null,
    score: finiteOrNull(properties.score),
    goldScore: finiteOrNull(properties.gold_score),
    judgedRelevant,
    relabelAsPositive: properties.relabel === true || (judgedRelevant && properties.judge_policy === "relabel"),
  };
}

/** Scores are optional in a row: anything but a finite number is "unknown". */
function finiteOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** The title at `index` of a row's `gold_titles`; "" when the row has none there. */
function titleAt(titles: unknown, index: number): string {
  const title = Array.isArray(titles) ? titles[index] : undefined;
  return typeof title === "string" ? title : "";
}
