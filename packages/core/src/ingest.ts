import { DEFAULT_LANGUAGE } from "./analysis/languages.js";
import { randomBytes } from "node:crypto";
import type { CollectionSpec, Store } from "./backend.js";
import type { DocsCollection, QueriesCollection } from "./collections.js";
import { BadOptionError } from "./errors.js";
import { markLoaded, markLoading, registerStaging, removeAbandonedStagings, unregisterStaging } from "./load-records.js";
import { documentToRecord, queryToRecord } from "./loaders/record-mapping.js";
import type { Doc, Query, StoredRecord } from "./types.js";

/** Options of {@link ingestDocuments}, {@link ingestQueries} and the staging variants. */
export interface IngestOptions {
  /** Records per `upsert` call (one transaction in backend-local). Default 1000. */
  batchSize?: number;
  /** Called after each committed batch with the records written so far. */
  onProgress?: (written: number) => void;
}

/**
 * A collection written but not yet visible: {@link StagedLoad.commit} makes it the collection's
 * content in one step, {@link StagedLoad.abort} drops it. Several staged loads (a corpus and its
 * queries) can be committed together at the end, so a failure anywhere changes nothing.
 */
export interface StagedLoad {
  /** The collection the load replaces when committed. */
  readonly collection: string;
  /** Where the records are written until the commit (read it to check what was written). */
  readonly writtenTo: string;
  /** Records written. */
  readonly count: number;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * Writes documents into a documents collection, all or nothing: on a store with
 * `replaceCollection` (backend-local) into a staging collection swapped in at the end, so the
 * collection holds exactly these documents afterwards, or, when anything fails, what it held
 * before. Other stores are written in place, with the collection marked as loading until the
 * end, so mining refuses a collection a failed load left incomplete.
 */
export async function ingestDocuments(
  store: Store,
  collection: DocsCollection,
  documents: AsyncIterable<Doc>,
  options: IngestOptions = {},
): Promise<number> {
  const staged = await stageDocuments(store, collection, documents, options);
  await staged.commit();
  return staged.count;
}

/** Writes queries into a queries collection, with the same guarantees as {@link ingestDocuments}. */
export async function ingestQueries(
  store: Store,
  collection: QueriesCollection,
  queries: AsyncIterable<Query>,
  options: IngestOptions = {},
): Promise<number> {
  const staged = await stageQueries(store, collection, queries, options);
  await staged.commit();
  return staged.count;
}

/** Writes documents for a later {@link StagedLoad.commit}; nothing is visible until then (see {@link ingestDocuments}). */
export async function stageDocuments(
  store: Store,
  collection: DocsCollection,
  documents: AsyncIterable<Doc>,
  options: IngestOptions = {},
): Promise<StagedLoad> {
  const { collectionName, idKey, contentKey, titleKey, language } = collection;
  const target = { idKey, contentKey, ...(titleKey === undefined ? {} : { titleKey }) };
  // English is the default: its collections' specs stay as they were before languages existed.
  const spec = {
    name: collectionName,
    kind: "documents" as const,
    target,
    ...(language === undefined || language === DEFAULT_LANGUAGE ? {} : { language }),
  };
  return stage(store, spec, documents, (doc) => documentToRecord(doc, collection), options);
}

/** Writes queries for a later {@link StagedLoad.commit}; nothing is visible until then (see {@link ingestDocuments}). */
export async function stageQueries(
  store: Store,
  collection: QueriesCollection,
  queries: AsyncIterable<Query>,
  options: IngestOptions = {},
): Promise<StagedLoad> {
  const { collectionName, idKey, queryContentKey, goldIdsKey, gradesKey } = collection;
  const spec = { name: collectionName, kind: "queries" as const, queryKeys: { idKey, queryContentKey, goldIdsKey, gradesKey } };
  return stage(store, spec, queries, (query) => queryToRecord(query, collection), options);
}

async function stage<T>(
  store: Store,
  spec: CollectionSpec,
  items: AsyncIterable<T>,
  toRecord: (item: T) => StoredRecord,
  options: IngestOptions,
): Promise<StagedLoad> {
  const existing = await store.describeCollection(spec.name);
  if (existing !== undefined && existing.kind !== spec.kind) {
    throw new BadOptionError(
      "collection",
      `"${spec.name}" already holds ${existing.kind}, not ${spec.kind}; choose another name or delete it first`,
    );
  }
  if (store.replaceCollection !== undefined) return stageAside(store, spec, items, toRecord, options);
  // Loading writes into the existing collection here, which keeps the analyser it was created with.
  if (existing !== undefined && (existing.language ?? DEFAULT_LANGUAGE) !== (spec.language ?? DEFAULT_LANGUAGE)) {
    throw new BadOptionError(
      "language",
      `"${spec.name}" holds documents analysed as "${existing.language ?? DEFAULT_LANGUAGE}" and ${store.name} cannot replace a ` +
        `collection in one step; load the "${spec.language ?? DEFAULT_LANGUAGE}" documents under another collection name`,
    );
  }
  return stageInPlace(store, spec, items, toRecord, options);
}

/** Writes a staging collection, swapped in by `commit`. */
async function stageAside<T>(
  store: Store,
  spec: CollectionSpec,
  items: AsyncIterable<T>,
  toRecord: (item: T) => StoredRecord,
  options: IngestOptions,
): Promise<StagedLoad> {
  await removeAbandonedStagings(store, spec.name);
  const staging = stagingNameOf(spec.name);
  await registerStaging(store, spec.name, staging);
  const abort = async () => {
    await store.deleteCollection(staging);
    await unregisterStaging(store, staging);
  };
  let count: number;
  try {
    await store.createCollection({ ...spec, name: staging });
    count = await writeAll(store, staging, items, toRecord, options);
  } catch (error) {
    await cleanUpAfter(error, abort);
    throw error;
  }
  return {
    collection: spec.name,
    writtenTo: staging,
    count,
    abort,
    async commit() {
      try {
        await store.replaceCollection!(staging, spec.name);
      } catch (error) {
        await cleanUpAfter(error, abort);
        throw error;
      }
      await unregisterStaging(store, staging);
    },
  };
}

/**
 * Writes the collection itself (stores that cannot swap), marked as loading until `commit`. A
 * failure removes a collection this load created; an existing collection it wrote into stays
 * marked incomplete, which mining and evaluation refuse until a load succeeds.
 */
async function stageInPlace<T>(
  store: Store,
  spec: CollectionSpec,
  items: AsyncIterable<T>,
  toRecord: (item: T) => StoredRecord,
  options: IngestOptions,
): Promise<StagedLoad> {
  const created = !(await store.hasCollection(spec.name));
  await markLoading(store, spec.name);
  await store.createCollection(spec);
  let count: number;
  try {
    count = await writeAll(store, spec.name, items, toRecord, options);
  } catch (error) {
    if (created)
      await cleanUpAfter(error, async () => {
        await store.deleteCollection(spec.name);
        await markLoaded(store, spec.name);
      });
    throw error;
  }
  return {
    collection: spec.name,
    writtenTo: spec.name,
    count,
    commit: () => markLoaded(store, spec.name),
    // Records already written in place cannot be taken back: the mark keeps the collection refused.
    abort: async () => undefined,
  };
}

async function writeAll<T>(
  store: Store,
  name: string,
  items: AsyncIterable<T>,
  toRecord: (item: T) => StoredRecord,
  options: IngestOptions,
): Promise<number> {
  const batchSize = options.batchSize ?? 1000;
  let written = 0;
  let batch: StoredRecord[] = [];
  for await (const item of items) {
    batch.push(toRecord(item));
    if (batch.length >= batchSize) {
      await store.upsert(name, batch);
      written += batch.length;
      batch = [];
      options.onProgress?.(written);
    }
  }
  if (batch.length > 0) await store.upsert(name, batch);
  written += batch.length;
  options.onProgress?.(written);
  return written;
}

/**
 * Runs a clean-up after `error` without letting the clean-up's own failure (often the same full
 * disk) hide it: the original error is what the caller throws; a failed clean-up is noted on it.
 */
async function cleanUpAfter(error: unknown, cleanUp: () => Promise<void>): Promise<void> {
  try {
    await cleanUp();
  } catch (cleanUpError) {
    if (error instanceof Error) error.message += `; cleaning up afterwards failed too (${(cleanUpError as Error).message})`;
  }
}

/** A staging collection's name: the target's, a marker and a random suffix, within 128 characters. */
function stagingNameOf(name: string): string {
  return `${name.slice(0, 100)}.staging-${randomBytes(6).toString("hex")}`;
}
