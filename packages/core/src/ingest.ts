import type { Store } from "./backend.js";
import type { DocsCollection, QueriesCollection } from "./collections.js";
import { documentToRecord, queryToRecord } from "./loaders/record-mapping.js";
import type { Doc, Query, StoredRecord } from "./types.js";

/** Options of {@link ingestDocuments} and {@link ingestQueries}. */
export interface IngestOptions {
  /** Records per `upsert` call (one transaction in backend-local). Default 1000. */
  batchSize?: number;
  /** Called after each committed batch with the records written so far. */
  onProgress?: (written: number) => void;
}

/**
 * Writes documents into a documents collection (created with its keys if absent). Idempotent:
 * records are keyed by document id. If reading the source fails and this call created the
 * collection, the collection is deleted, so bad input never leaves a half-loaded corpus.
 */
export async function ingestDocuments(store: Store, collection: DocsCollection, documents: AsyncIterable<Doc>, options: IngestOptions = {}): Promise<number> {
  const { collectionName, idKey, contentKey, titleKey } = collection;
  const target = { idKey, contentKey, ...(titleKey === undefined ? {} : { titleKey }) };
  return ingest(store, { name: collectionName, kind: "documents", target }, documents, (doc) => documentToRecord(doc, collection), options);
}

/** Writes queries into a queries collection, with the same guarantees as {@link ingestDocuments}. */
export async function ingestQueries(store: Store, collection: QueriesCollection, queries: AsyncIterable<Query>, options: IngestOptions = {}): Promise<number> {
  const { collectionName, idKey, queryContentKey, goldIdsKey, gradesKey } = collection;
  const spec = { name: collectionName, kind: "queries" as const, queryKeys: { idKey, queryContentKey, goldIdsKey, gradesKey } };
  return ingest(store, spec, queries, (query) => queryToRecord(query, collection), options);
}

async function ingest<T>(
  store: Store,
  spec: Parameters<Store["createCollection"]>[0],
  items: AsyncIterable<T>,
  toRecord: (item: T) => StoredRecord,
  options: IngestOptions,
): Promise<number> {
  const batchSize = options.batchSize ?? 1000;
  const created = !(await store.hasCollection(spec.name));
  await store.createCollection(spec);
  let written = 0;
  try {
    let batch: StoredRecord[] = [];
    for await (const item of items) {
      batch.push(toRecord(item));
      if (batch.length >= batchSize) {
        await store.upsert(spec.name, batch);
        written += batch.length;
        batch = [];
        options.onProgress?.(written);
      }
    }
    if (batch.length > 0) await store.upsert(spec.name, batch);
    written += batch.length;
    options.onProgress?.(written);
    return written;
  } catch (error) {
    if (created) await store.deleteCollection(spec.name);
    throw error;
  }
}
