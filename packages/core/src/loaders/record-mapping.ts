import { DocsCollection, QueriesCollection } from "../collections.js";
import { BadInputError } from "../errors.js";
import { contentId } from "../ids.js";
import type { Doc, Query, StoredRecord } from "../types.js";
import { describeValue } from "./record-values.js";

/** Property names of stored documents: a {@link DocsCollection}'s, or its defaults. */
export interface DocumentRecordKeys {
  /** Default "doc_id". */
  idKey?: string;
  /** Default "text". */
  contentKey?: string;
  /** Default "title" (also when the collection searches no title, so titles are not lost). */
  titleKey?: string;
}

/**
 * A document as a stored record: `{ id: doc.id, properties: { ...fields, [idKey]: id,
 * [contentKey]: text, [titleKey]: title } }`. The mapped properties win over same-named
 * `fields`; the title is left out when the document has none.
 */
export function documentToRecord(doc: Doc, keys: DocumentRecordKeys | DocsCollection = {}): StoredRecord {
  const idKey = keys.idKey ?? "doc_id";
  const contentKey = keys.contentKey ?? "text";
  const titleKey = keys.titleKey ?? "title";
  const properties: Record<string, unknown> = { ...doc.fields, [idKey]: doc.id, [contentKey]: doc.text };
  if (doc.title !== undefined) properties[titleKey] = doc.title;
  return { id: doc.id, properties };
}

/**
 * A stored document record back as a {@link Doc}: id from `idKey` (falling back to the record
 * id), text from `contentKey`, title from `titleKey`, everything else in `fields`.
 *
 * @throws BadInputError naming the collection and record when the content is not text.
 */
export function documentFromRecord(record: StoredRecord, collection: DocsCollection): Doc {
  const titleKey = collection.titleKey ?? "title";
  const { [collection.idKey]: idValue, [collection.contentKey]: text, [titleKey]: title, ...fields } = record.properties;
  if (typeof text !== "string") {
    throw new BadInputError(`record "${record.id}" has ${describeValue(text)} under "${collection.contentKey}", expected the document text`, { collection: collection.collectionName });
  }
  const doc: Doc = { id: typeof idValue === "string" || typeof idValue === "number" ? String(idValue) : record.id, text };
  if (typeof title === "string" && title !== "") doc.title = title;
  if (Object.keys(fields).length > 0) doc.fields = fields;
  return doc;
}

/**
 * A query as a stored record, under a {@link QueriesCollection}'s key names (defaults
 * `query_id`, `text`, `gold_ids`, `gold_grades`): `{ id: query.id, properties: { query_id,
 * text, gold_ids, gold_grades } }`. Grades default to 1 per gold id, so every record has the
 * same properties (stores with a schema need that).
 */
export function queryToRecord(query: Query, collection?: QueriesCollection): StoredRecord {
  const keys = collection ?? new QueriesCollection({ collectionName: "queries" });
  const grades = query.grades ?? Object.fromEntries(query.goldIds.map((goldId) => [goldId, 1]));
  return {
    id: query.id,
    properties: {
      [keys.idKey]: query.id,
      [keys.queryContentKey]: query.text,
      [keys.goldIdsKey]: [...query.goldIds],
      [keys.gradesKey]: { ...grades },
    },
  };
}

/**
 * A stored query record back as a {@link Query}, read with the collection's key names. When the
 * id property is absent the id is `contentId(text)`, as the original API named no id property.
 * Grades are read when present (an object of numbers), otherwise left undefined.
 *
 * @throws BadInputError naming the collection, record id and key when the text is missing or
 * not a string, gold ids are missing or not a list of strings, or grades are malformed.
 */
export function queryFromRecord(record: StoredRecord, collection: QueriesCollection): Query {
  const properties = record.properties;
  const fail = (key: string, problem: string): never => {
    throw new BadInputError(`record "${record.id}": ${problem} (key "${key}"; keys: ${Object.keys(properties).join(", ") || "none"}); check the QueriesCollection key names`, { collection: collection.collectionName });
  };
  const text = properties[collection.queryContentKey];
  if (typeof text !== "string") fail(collection.queryContentKey, `query text is ${text === undefined ? "missing" : describeValue(text)}`);
  const goldIds = properties[collection.goldIdsKey];
  if (!Array.isArray(goldIds)) {
    fail(collection.goldIdsKey, `gold ids are ${goldIds === undefined ? "missing" : describeValue(goldIds)}, expected a list of strings`);
  }
  const badIndex = (goldIds as unknown[]).findIndex((goldId) => typeof goldId !== "string");
  if (badIndex !== -1) {
    fail(collection.goldIdsKey, `gold id ${badIndex} is ${describeValue((goldIds as unknown[])[badIndex])}, expected a list of strings`);
  }
  const idValue = properties[collection.idKey];
  const id = typeof idValue === "string" && idValue !== "" ? idValue : typeof idValue === "number" ? String(idValue) : contentId(text as string);
  const query: Query = { id, text: text as string, goldIds: [...(goldIds as string[])] };
  const grades = properties[collection.gradesKey];
  if (grades !== undefined && grades !== null) {
    if (typeof grades !== "object" || Array.isArray(grades) || !Object.values(grades).every((grade) => typeof grade === "number")) {
      fail(collection.gradesKey, `grades are ${describeValue(grades)}, expected an object {docId: grade}`);
    }
    query.grades = { ...(grades as Record<string, number>) };
  }
  return query;
}
