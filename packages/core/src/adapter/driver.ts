/**
 * The contract an adapter implements: a search driver, a store driver, or both. Core wraps a
 * driver with `createSearchBackend`, `createStore` or `createEngine`, which check every input
 * once (mode, k, alpha, fusion, ids, texts, collection names) before calling it and check its
 * answers after, so a driver only talks to its engine.
 */
import type { CollectionSpec, DocumentTarget, SearchOptions, SearchRequest, SpecificationVersion } from "../backend.js";
import type { Doc, Hit, SearchMode, StoredRecord } from "../types.js";

/**
 * Searches a document collection. Two required methods. Every method given a collection that
 * does not exist throws `MissingCollectionError` (never answers empty, never creates it).
 */
export interface SearchDriver {
  readonly specificationVersion: SpecificationVersion;
  /** Short name used in messages and run records, e.g. "local". */
  readonly name: string;
  /** The id of the embedder computing client-side vectors, when there is one (vector and hybrid run ids include it). */
  readonly embedderId?: string;
  /** Search modes served. Default `["bm25"]`. Core refuses any other mode before calling `search`. */
  readonly modes?: readonly SearchMode[];
  /** Largest `k` the engine accepts in one request. Default: no limit. */
  readonly maxK?: number;
  /** Largest number of requests per `search` call; core splits bigger batches. Default 256. */
  readonly maxBatchSize?: number;
  /**
   * Modes `scoreDocuments` serves, read only when the method exists. Default: every mode in
   * `modes`. A hybrid score depends on the other candidates of the fused lists, so most engines
   * list only "bm25" and "vector".
   */
  readonly scoreDocumentsModes?: readonly SearchMode[];

  /**
   * One ranked hit list per request, in request order: at most `options.k` hits, distinct ids
   * (the `idKey` property, not the engine's record id), scores finite and non-increasing, ranks
   * 1, 2, 3... Core has checked the target, the requests (non-empty texts, finite vectors) and
   * the options (a claimed mode; `k` a positive integer within `maxK`; for hybrid, `alpha` in
   * [0, 1] and `fusion`).
   */
  search(target: DocumentTarget, requests: readonly SearchRequest[], options: SearchOptions): Promise<Hit[][]>;
  /** Documents by their `idKey` property. `ids` are distinct and non-empty; absent ids are left out of the map. */
  getDocuments(target: DocumentTarget, ids: readonly string[]): Promise<Map<string, Doc>>;
  /**
   * Optional: the score `search` gives (or would give) each of `ids` for `request`, whether or
   * not it is in the top k. Only ids asked for may appear; ids the engine does not hold are absent.
   * Core calls it only in `scoreDocumentsModes`.
   */
  scoreDocuments?(
    target: DocumentTarget,
    request: SearchRequest,
    ids: readonly string[],
    options: SearchOptions,
  ): Promise<Map<string, number>>;
  /** Releases files, sockets and caches. */
  close?(): Promise<void>;
}

/**
 * Keeps collections of records. Six required methods. `upsert`, `iterate`, `getRecords` and
 * `count` on a collection that does not exist throw `MissingCollectionError` and create nothing.
 */
export interface StoreDriver {
  readonly specificationVersion: SpecificationVersion;
  readonly name: string;
  /**
   * Languages (ISO 639-1) whose documents the engine's BM25 analyses, besides English, which
   * every engine serves. Default `["en"]`. Core refuses a documents collection whose spec asks for
   * another language before calling `createCollection`. Engines using core's analyser
   * (`TokenizersByLanguage`) claim `supportedLanguages()`.
   */
  readonly languages?: readonly string[];
  /**
   * Creates a collection. Core calls it only after `describeCollection` found none of that name;
   * when another writer creates it in between, throwing is fine: core describes it again and
   * accepts a collection of the same kind.
   */
  createCollection(spec: CollectionSpec): Promise<void>;
  /**
   * The spec the collection was created with; undefined when it does not exist. A collection
   * hardneg did not create reads as kind "records".
   */
  describeCollection(name: string): Promise<CollectionSpec | undefined>;
  /** Deletes the collection with its records and any index; a missing collection is no error. */
  deleteCollection(name: string): Promise<void>;
  /**
   * Inserts or replaces records by id. Core passes at least one record, ids distinct and
   * non-empty, properties plain objects. Searches that follow see the new content.
   * A missing collection throws `MissingCollectionError`.
   */
  upsert(name: string, records: readonly StoredRecord[]): Promise<void>;
  /**
   * Every record once, in a stable order, in non-empty batches of at most `batchSize`. A missing
   * collection throws `MissingCollectionError`.
   */
  iterate(name: string, options: { batchSize: number }): AsyncIterable<StoredRecord[]>;
  /** Records by id (`ids` distinct, non-empty); absent ids are left out of the map. */
  getRecords(name: string, ids: readonly string[]): Promise<Map<string, StoredRecord>>;
  /** Optional: the number of records. Default: counted by `iterate`. */
  count?(name: string): Promise<number>;
  /**
   * Optional: atomically replaces collection `name` (created when absent) by the collection
   * `staging`, which then no longer exists. With it, loads are all-or-nothing.
   */
  replaceCollection?(staging: string, name: string): Promise<void>;
  /** Optional: upserts into several collections in one atomic commit (all or none). */
  upsertTogether?(writes: ReadonlyArray<{ collection: string; records: readonly StoredRecord[] }>): Promise<void>;
  /**
   * Optional: the names of the collections the engine holds, in any order, each once:
   * hardneg's own (`hardneg_runs`, `hardneg_loads`, a load's staging collection) included, and
   * only collections `describeCollection` can describe (an index or class of the user's that
   * hardneg did not create and cannot read is left out). Core checks the answer (distinct,
   * non-empty strings). Without it, `hardneg list` says the engine cannot list its collections
   * and still lists the mining runs.
   */
  listCollections?(): Promise<string[]>;
  close?(): Promise<void>;
}

/** An engine that both searches and stores: what adapters for Weaviate, Elasticsearch and the others implement. */
export type EngineDriver = SearchDriver & StoreDriver;
