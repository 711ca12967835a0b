import { type DocsCollection, QueriesCollection } from "../collections.js";
import { BadInputError } from "../errors.js";
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
    throw new BadInputError(
      `record "${record.id}" has ${describeValue(text)} under "${collection.contentKey}", expected the document text`,
      { collection: collection.collectionName },
    );
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
