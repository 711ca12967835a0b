import { Field, FixedSizeList, Float32, Int64, Schema, Utf8 } from "apache-arrow";
import { BadInputError, type CollectionSpec, type DocumentTarget, type StoredRecord } from "@hardneg/core/adapter";

/** Column names of every collection table. */
export const COLUMNS = {
  /** The caller's record id (what `upsert` merges on). */
  recordId: "record_id",
  /** Insertion position, dense from 0: iterate reads windows of it, updates keep it. */
  sequence: "seq",
  /** All properties but the vector, as one JSON string. */
  properties: "properties",
  /** Documents only: the `idKey` property as a string (what gold ids refer to). */
  documentId: "doc_id",
  /** Documents only: title and content joined, the column the FTS index covers. */
  searchText: "search_text",
  /** Documents only, when records carry vectors: the vector property as float32. */
  vector: "vector",
} as const;

/**
 * The table holding every collection's spec. Core's collection names start with a letter or
 * digit, never "_", so no collection can clash with it.
 */
export const METADATA_TABLE = "_hardneg_collections";

const COMPONENT = "lancedb";

/** The document keys of a documents collection: its spec's target, or core's `DocsCollection` defaults. */
export function documentKeysOf(spec: CollectionSpec): Omit<DocumentTarget, "collection"> {
  return spec.target ?? { idKey: "doc_id", contentKey: "text", titleKey: "title" };
}

/** The Arrow schema of a collection table; documents get the searchable columns and, with a dimension, a vector column. */
export function schemaOf(kind: CollectionSpec["kind"], vectorDimension: number | undefined): Schema {
  const fields: Field[] = [
    new Field(COLUMNS.recordId, new Utf8(), false),
    new Field(COLUMNS.sequence, new Int64(), false),
    new Field(COLUMNS.properties, new Utf8(), false),
  ];
  if (kind === "documents") {
    fields.push(new Field(COLUMNS.documentId, new Utf8(), true), new Field(COLUMNS.searchText, new Utf8(), true));
    if (vectorDimension !== undefined)
      fields.push(new Field(COLUMNS.vector, new FixedSizeList(vectorDimension, new Field("item", new Float32(), true)), true));
  }
  return new Schema(fields);
}

/** The schema of {@link METADATA_TABLE}. */
export const METADATA_SCHEMA = new Schema([new Field("name", new Utf8(), false), new Field("spec", new Utf8(), false)]);

/** What a documents table needs to turn records into rows. */
export interface DocumentLayout {
  keys: Omit<DocumentTarget, "collection">;
  /** Property holding the vector. */
  vectorKey: string;
  /** Length of the table's vector column; undefined when it has none. */
  vectorDimension: number | undefined;
}

/** One table row, before Arrow conversion. */
export type TableRow = Record<string, unknown>;

/**
 * The row of one record. Documents also get their id, searchable text and vector columns; the
 * vector is then left out of the JSON properties (it is restored from its column on read), so
 * it is not stored twice.
 */
export function rowOf(record: StoredRecord, sequence: number, collection: string, layout: DocumentLayout | undefined): TableRow {
  if (layout === undefined)
    return { [COLUMNS.recordId]: record.id, [COLUMNS.sequence]: BigInt(sequence), [COLUMNS.properties]: jsonOf(record, collection) };
  const { [layout.vectorKey]: vectorValue, ...properties } = record.properties;
  const documentId = properties[layout.keys.idKey];
  if (typeof documentId !== "string" && typeof documentId !== "number") {
    throw new BadInputError(`record "${record.id}" has no document id under "${layout.keys.idKey}" (a string or number)`, {
      collection,
      component: COMPONENT,
    });
  }
  const parts = [layout.keys.titleKey === undefined ? undefined : properties[layout.keys.titleKey], properties[layout.keys.contentKey]];
  const row: TableRow = {
    [COLUMNS.recordId]: record.id,
    [COLUMNS.sequence]: BigInt(sequence),
    [COLUMNS.properties]: jsonOf(
      { id: record.id, properties: layout.vectorDimension === undefined ? record.properties : properties },
      collection,
    ),
    [COLUMNS.documentId]: String(documentId),
    [COLUMNS.searchText]: parts.filter((part) => typeof part === "string" && part !== "").join("\n"),
  };
  if (layout.vectorDimension !== undefined) row[COLUMNS.vector] = vectorOf(vectorValue, layout.vectorDimension, record.id, collection);
  return row;
}

/** The vector dimension of a batch: the length of the first record's numeric array under `vectorKey`, if any. */
export function vectorDimensionOf(records: readonly StoredRecord[], vectorKey: string): number | undefined {
  for (const record of records) {
    const value = record.properties[vectorKey];
    if (isNumberArray(value) && value.length > 0) return value.length;
  }
  return undefined;
}

function vectorOf(value: unknown, dimension: number, recordId: string, collection: string): number[] | null {
  if (value === undefined || value === null) return null;
  if (!isNumberArray(value) || value.length !== dimension) {
    throw new BadInputError(`record "${recordId}": the vector must be ${dimension} numbers, like the collection's first vectors`, {
      collection,
      component: COMPONENT,
    });
  }
  return Array.from(value);
}

function isNumberArray(value: unknown): value is ArrayLike<number> {
  return (
    (Array.isArray(value) || value instanceof Float32Array || value instanceof Float64Array) &&
    Array.from(value as ArrayLike<unknown>).every((item) => typeof item === "number" && Number.isFinite(item))
  );
}

function jsonOf(record: StoredRecord, collection: string): string {
  try {
    return JSON.stringify(record.properties);
  } catch (cause) {
    throw new BadInputError(`record "${record.id}": properties are not JSON-serialisable`, { collection, component: COMPONENT, cause });
  }
}

/** SQL string literal for a LanceDB filter: single quotes doubled. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
