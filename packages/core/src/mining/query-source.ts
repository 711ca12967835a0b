import type { Store } from "../backend.js";
import type { QueriesCollection } from "../collections.js";
import { BadInputError } from "../errors.js";
import { contentId } from "../ids.js";
import { seededRandom } from "../random.js";
import type { Query, StoredRecord } from "../types.js";
import type { QuerySampling } from "./options.js";

/** A query record that cannot be mined, with the reason (reported, never a crash). */
export interface UnusableQuery {
  queryId: string;
  reason: "empty_query" | "no_gold_ids";
}

export type QueryOrSkip = { query: Query } | { skip: UnusableQuery };

/**
 * Reads a stored query record with the collection's key names. A missing text key or a gold-ids
 * value that is not a list is bad input (the whole collection is mis-described); an empty text
 * or an empty gold list only makes this one query unusable.
 */
export function queryFromRecord(record: StoredRecord, collection: QueriesCollection): QueryOrSkip {
  const properties = record.properties;
  const text = properties[collection.queryContentKey];
  if (text === undefined || text === null) {
    throw new BadInputError(
      `record "${record.id}" has no key "${collection.queryContentKey}" ` +
        `(keys: ${Object.keys(properties).join(", ")}); set queryContentKey to the property holding the query text`,
      { collection: collection.collectionName },
    );
  }
  const queryText = String(text);
  const rawId = properties[collection.idKey];
  const queryId = rawId === undefined || rawId === null || rawId === "" ? contentId(queryText) : String(rawId);
  const goldIds = goldIdsOf(record, collection);
  if (queryText.trim() === "") return { skip: { queryId, reason: "empty_query" } };
  if (goldIds.length === 0) return { skip: { queryId, reason: "no_gold_ids" } };
  const grades = gradesOf(properties[collection.gradesKey]);
  return { query: { id: queryId, text: queryText, goldIds, ...(grades === undefined ? {} : { grades }) } };
}

/** The gold ids of a query record, distinct, as strings; a record without the gold-ids key is bad input. */
export function goldIdsOf(record: StoredRecord, collection: QueriesCollection): string[] {
  const value = record.properties[collection.goldIdsKey];
  if (value === undefined || value === null) {
    throw new BadInputError(
      `record "${record.id}" has no key "${collection.goldIdsKey}" ` +
        `(keys: ${Object.keys(record.properties).join(", ")}); set goldIdsKey to the property holding the gold document ids`,
      { collection: collection.collectionName },
    );
  }
  const list = Array.isArray(value) ? value : [value];
  const bad = list.findIndex((item) => typeof item !== "string" && typeof item !== "number");
  if (bad !== -1) {
    throw new BadInputError(
      `record "${record.id}": "${collection.goldIdsKey}" must be a list of document ids (strings or numbers); ` +
        `item ${bad + 1} is ${JSON.stringify(list[bad]) ?? String(list[bad])}`,
      { collection: collection.collectionName },
    );
  }
  return [...new Set(list.map(String))];
}

function gradesOf(value: unknown): Record<string, number> | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const grades: Record<string, number> = {};
  for (const [id, grade] of Object.entries(value)) if (typeof grade === "number") grades[id] = grade;
  return grades;
}

/** Sampled queries in collection order, plus the records that could not be used. */
export interface SampledQueries {
  queries: Query[];
  unusable: UnusableQuery[];
}

/**
 * Samples query records: the first `limit` in collection order, or a seeded random `limit`
 * (reservoir sampling, so memory holds only the sample), returned in collection order.
 * Unusable records count towards the sample, as they would in the original tool's loop.
 */
export async function sampleQueries(
  store: Store,
  collection: QueriesCollection,
  options: { limit: number; sampling: QuerySampling; seed: number },
): Promise<SampledQueries> {
  const reservoir: { position: number; record: StoredRecord }[] = [];
  const random = seededRandom(options.seed);
  let position = 0;
  // Stryker disable next-line ObjectLiteral: 1000 is also every store's default batch size (batchSizeOf); it only names the read size
  outer: for await (const batch of store.iterate(collection.collectionName, { batchSize: 1000 })) {
    for (const record of batch) {
      if (reservoir.length < options.limit) {
        reservoir.push({ position, record });
      } else if (options.sampling === "first") {
        break outer;
      } else {
        const slot = Math.floor(random() * (position + 1));
        if (slot < options.limit) reservoir[slot] = { position, record };
      }
      position++;
    }
  }
  reservoir.sort((a, b) => a.position - b.position);
  const sampled: SampledQueries = { queries: [], unusable: [] };
  const seenIds = new Set<string>();
  for (const { record } of reservoir) {
    const result = queryFromRecord(record, collection);
    if ("skip" in result) {
      sampled.unusable.push(result.skip);
      continue;
    }
    // Two records with the same text and no id field share a derived id: mine the query once.
    if (seenIds.has(result.query.id)) continue;
    seenIds.add(result.query.id);
    sampled.queries.push(result.query);
  }
  return sampled;
}
