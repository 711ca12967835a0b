import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import {
  BadInputError,
  BadOptionError,
  UnsupportedCapabilityError,
  type BackendCapabilities,
  type CollectionSpec,
  type Doc,
  type DocumentTarget,
  type Hit,
  type IterateOptions,
  type SearchBackend,
  type SearchOptions,
  type SearchRequest,
  type Store,
  type StoredRecord,
} from "@hardneg/core";
import { assertCollectionName } from "./collection-names.js";
import type { Bm25Index, QueryTermRepeats } from "./bm25/bm25-index.js";
import { IndexManager, textOf, type Bm25IndexStats, type IndexSource } from "./bm25/index-manager.js";
import { Tokenizer, type TokenizerOptions } from "./bm25/tokenizer.js";
import { SqliteStore, type DocumentFields } from "./sqlite-store.js";

/** BM25 and analyser options of the local backend. */
export interface Bm25Options extends TokenizerOptions {
  /** Term-frequency saturation. Default 1.5. */
  k1?: number;
  /** Document-length normalisation, 0 to 1. Default 0.75. */
  b?: number;
  /** How a term repeated in a query counts: "sum" (each occurrence) or "once". Default "sum". */
  queryTermRepeats?: QueryTermRepeats;
}

/** Options of {@link openLocalBackend}. */
export interface LocalBackendOptions {
  /** BM25 parameters and analyser. Defaults: k1 1.5, b 0.75, Porter stemming, English stop words. */
  bm25?: Bm25Options;
  /**
   * Folder for the BM25 index files. Default `<database file>.bm25` next to the database;
   * ignored for an in-memory database (":memory:"), whose indexes live in memory only.
   */
  indexDirectory?: string;
}

const COMPONENT = "local";
const DEFAULT_ITERATE_BATCH_SIZE = 1000;

/**
 * hardneg's embedded default backend: collections in one SQLite file, searched by a
 * precomputed BM25 index kept in memory and persisted next to the database. No server.
 *
 * All work is synchronous under the async API (better-sqlite3 and the index are in-process);
 * the promises exist so the local backend is interchangeable with remote ones.
 */
export class LocalBackend implements SearchBackend, Store {
  readonly specificationVersion = "v1" as const;
  readonly name = "local";
  /** How the index of the latest search/score/fetch call was obtained; undefined before any. */
  lastIndexSource: IndexSource | undefined;

  private readonly store: SqliteStore;
  private readonly tokenizer: Tokenizer;
  private readonly indexes: IndexManager;
  private readonly queryTermRepeats: QueryTermRepeats;

  /** Prefer {@link openLocalBackend}. `path` is a database file, or ":memory:". */
  constructor(path: string, options: LocalBackendOptions = {}) {
    const bm25 = options.bm25 ?? {};
    const k1 = bm25.k1 ?? 1.5;
    const b = bm25.b ?? 0.75;
    if (typeof k1 !== "number" || !Number.isFinite(k1) || k1 < 0) throw new BadOptionError("bm25.k1", `must be a finite number ≥ 0, got ${String(k1)}`, { component: COMPONENT });
    if (typeof b !== "number" || !(b >= 0 && b <= 1)) throw new BadOptionError("bm25.b", `must be a number from 0 to 1, got ${String(b)}`, { component: COMPONENT });
    this.queryTermRepeats = bm25.queryTermRepeats ?? "sum";
    if (this.queryTermRepeats !== "sum" && this.queryTermRepeats !== "once") {
      throw new BadOptionError("bm25.queryTermRepeats", `must be "sum" or "once", got ${JSON.stringify(this.queryTermRepeats)}`, { component: COMPONENT });
    }
    this.tokenizer = new Tokenizer(bm25);

    const inMemory = path === ":memory:" || path === "";
    if (typeof path !== "string") throw new BadOptionError("path", "must be a database file path or \":memory:\"", { component: COMPONENT });
    if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
    this.store = new SqliteStore(inMemory ? ":memory:" : path);
    const indexDirectory = inMemory ? undefined : resolve(options.indexDirectory ?? `${path}.bm25`);
    this.indexes = new IndexManager(this.store, this.tokenizer, { k1, b }, indexDirectory);
  }

  capabilities(): BackendCapabilities {
    return { modes: ["bm25"], scoreDocuments: true };
  }

  // ---- Store ----

  async createCollection(spec: CollectionSpec): Promise<void> {
    this.store.createCollection(spec);
  }

  async hasCollection(name: string): Promise<boolean> {
    return this.store.hasCollection(name);
  }

  async describeCollection(name: string): Promise<CollectionSpec | undefined> {
    return this.store.describeCollection(name);
  }

  /** Deletes the collection, its records and its index files. Deleting a missing collection does nothing. */
  async deleteCollection(name: string): Promise<void> {
    this.store.deleteCollection(name);
    this.indexes.forget(name);
  }

  async count(name: string): Promise<number> {
    return this.store.count(name);
  }

  async upsert(name: string, records: readonly StoredRecord[]): Promise<void> {
    this.store.upsert(name, records);
  }

  /** Records in insertion order, in batches of `batchSize` (default 1000). */
  async *iterate(name: string, options: IterateOptions = {}): AsyncIterable<StoredRecord[]> {
    const batchSize = options.batchSize ?? DEFAULT_ITERATE_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new BadOptionError("batchSize", `must be a positive integer, got ${String(batchSize)}`, { component: COMPONENT });
    }
    yield* this.store.iterate(name, batchSize);
  }

  async getRecords(name: string, ids: readonly string[]): Promise<Map<string, StoredRecord>> {
    return this.store.getRecords(name, ids);
  }

  async close(): Promise<void> {
    this.store.close();
  }

  // ---- SearchBackend ----

  /** One hit list per request, in request order: at most `k` hits, best first, ranks from 1. */
  async search(target: DocumentTarget, requests: readonly SearchRequest[], options: SearchOptions): Promise<Hit[][]> {
    assertBm25(options);
    const k = options.k;
    if (!Number.isInteger(k) || k < 1) throw new BadOptionError("k", `must be a positive integer, got ${String(k)}`, { component: COMPONENT });
    if (!Array.isArray(requests)) throw new BadInputError("requests must be an array", { component: COMPONENT });
    const texts = requests.map((request) => queryText(request, target.collection));
    const index = this.indexFor(target);
    return texts.map((text) => {
      const termIds = index.termIdsOf(this.tokenizer.tokenize(text), this.queryTermRepeats);
      if (termIds.length === 0) return [];
      const ranked = index.search(termIds, k);
      const hits: Hit[] = new Array(ranked.documentIndexes.length);
      for (let position = 0; position < hits.length; position++) {
        hits[position] = { id: index.data.documentIds[ranked.documentIndexes[position]!]!, score: ranked.scores[position]!, rank: position + 1 };
      }
      return hits;
    });
  }

  /** Documents by their benchmark id (the `idKey` property), fetched in one query per 5000 ids. */
  async getDocuments(target: DocumentTarget, ids: readonly string[]): Promise<Map<string, Doc>> {
    const index = this.indexFor(target);
    const rowIdById = new Map<string, number>();
    for (const id of ids) {
      const documentIndex = index.documentIndexOf(id);
      if (documentIndex !== undefined) rowIdById.set(id, index.data.recordRowIds[documentIndex]!);
    }
    const propertiesByRowId = this.store.getPropertiesByRowIds(target.collection, [...rowIdById.values()]);
    const documents = new Map<string, Doc>();
    for (const [id, rowId] of rowIdById) {
      const properties = propertiesByRowId.get(rowId);
      if (properties !== undefined) documents.set(id, toDoc(id, properties, target));
    }
    return documents;
  }

  /** BM25 scores of the given documents (0 when no query term matches); unknown ids are absent. */
  async scoreDocuments(target: DocumentTarget, request: SearchRequest, ids: readonly string[], options: SearchOptions): Promise<Map<string, number>> {
    assertBm25(options);
    const text = queryText(request, target.collection);
    const index = this.indexFor(target);
    const known = [...new Set(ids)].flatMap((id) => {
      const documentIndex = index.documentIndexOf(id);
      return documentIndex === undefined ? [] : [[id, documentIndex] as const];
    });
    const termIds = index.termIdsOf(this.tokenizer.tokenize(text), this.queryTermRepeats);
    const scores = index.scoreDocuments(termIds, known.map(([, documentIndex]) => documentIndex));
    return new Map(known.map(([id], position) => [id, scores[position]!]));
  }

  /**
   * Makes sure the BM25 index of `target` is ready (loading or building it) and reports how
   * it was obtained and how long that took. Searching does this on its own; call it to build
   * ahead of time or to measure.
   */
  async prepareIndex(target: DocumentTarget): Promise<Bm25IndexStats> {
    return this.obtainIndex(target).stats;
  }

  private indexFor(target: DocumentTarget): Bm25Index {
    return this.obtainIndex(target).index;
  }

  private obtainIndex(target: DocumentTarget): { index: Bm25Index; stats: Bm25IndexStats } {
    const obtained = this.indexes.obtain(target?.collection, fieldsOf(target));
    this.lastIndexSource = obtained.stats.source;
    return obtained;
  }
}

/**
 * Opens (creating if needed) a local backend on the SQLite database at `path`, or an in-memory
 * one for ":memory:". The parent folder is created when missing.
 */
export async function openLocalBackend(path: string, options?: LocalBackendOptions): Promise<LocalBackend> {
  return new LocalBackend(path, options);
}

function assertBm25(options: SearchOptions): void {
  const mode = options?.mode;
  if (mode === "bm25") return;
  if (mode === "vector" || mode === "hybrid") {
    throw new UnsupportedCapabilityError(`search mode "${mode}" is not available yet: this backend serves "bm25" only; use mode "bm25" or a backend with vector search`, { component: COMPONENT });
  }
  throw new BadOptionError("mode", `must be "bm25", "vector" or "hybrid", got ${JSON.stringify(mode)}`, { component: COMPONENT });
}

function queryText(request: SearchRequest, collection: string): string {
  const text = request?.text;
  if (typeof text !== "string" || text.trim() === "") throw new BadInputError("query text is empty", { collection, component: COMPONENT });
  return text;
}

function fieldsOf(target: DocumentTarget): DocumentFields {
  assertCollectionName(target?.collection);
  const check = (option: string, key: unknown, required: boolean) => {
    if (key === undefined && !required) return;
    if (typeof key !== "string" || key === "" || key.includes('"')) {
      throw new BadOptionError(option, `must be a non-empty property name without double quotes, got ${JSON.stringify(key)}`, { component: COMPONENT, collection: target.collection });
    }
  };
  check("idKey", target.idKey, true);
  check("contentKey", target.contentKey, true);
  check("titleKey", target.titleKey, false);
  return { idKey: target.idKey, contentKey: target.contentKey, ...(target.titleKey === undefined ? {} : { titleKey: target.titleKey }) };
}

function toDoc(id: string, properties: Record<string, unknown>, target: DocumentTarget): Doc {
  const { [target.idKey]: _id, [target.contentKey]: content, ...rest } = properties;
  const document: Doc = { id, text: textOf(content) };
  if (target.titleKey !== undefined && target.titleKey in rest) {
    const { [target.titleKey]: title, ...fields } = rest;
    if (title !== null && title !== undefined) document.title = textOf(title);
    if (Object.keys(fields).length > 0) document.fields = fields;
  } else if (Object.keys(rest).length > 0) {
    document.fields = rest;
  }
  return document;
}
