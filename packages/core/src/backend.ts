import type { Doc, FusionType, Hit, SearchMode, StoredRecord } from "./types.js";
import type { HardNegativeKeys } from "./collections.js";

/** The interface version adapters declare, so core can accept older adapters later. */
export type SpecificationVersion = "v1";

/**
 * Which stored properties make up a searchable document. Core passes it with every call, so an
 * adapter can serve any existing collection whose id and text live under any property names.
 */
export interface DocumentTarget {
  /** Collection (table, index, class) holding the documents. */
  collection: string;
  /** Property holding the benchmark's document id (what gold ids refer to). */
  idKey: string;
  /** Property holding the main text. */
  contentKey: string;
  /** Optional property holding a title, searched together with the content. */
  titleKey?: string;
}

/** One search request of a batch. */
export interface SearchRequest {
  text: string;
  /** A precomputed query vector, for engines that need client-side embeddings. */
  vector?: Float32Array | number[];
}

/** Options shared by every request of one `search` call. */
export interface SearchOptions {
  mode: SearchMode;
  /** How many hits to return per request (the candidate pool size). */
  k: number;
  /** Hybrid weight, 1 = pure vector, 0 = pure keyword. Required for mode "hybrid". */
  alpha?: number;
  /** Hybrid fusion. Required for mode "hybrid". */
  fusion?: FusionType;
}

/** What a backend can do; read once by core before a run, so it can refuse clearly. */
export interface BackendCapabilities {
  /** Search modes this backend serves. */
  modes: readonly SearchMode[];
  /**
   * The modes `scoreDocuments` serves (gold scores outside the pool); empty when the engine has
   * no `scoreDocuments`. In other modes core never asks for a score (gold scores outside the pool
   * stay unknown, and margin filters are refused up front).
   */
  scoreDocumentsModes: readonly SearchMode[];
  /** Largest `k` the engine accepts in one request; undefined means no limit. */
  maxK?: number;
  /** Largest number of requests core puts in one `search` call to the engine. */
  maxBatchSize: number;
}

/**
 * A search engine holding a document collection, as core uses it. Batch-first: one call carries
 * many requests. Adapters do not implement it: they implement a `SearchDriver`
 * (`@hardneg/core/adapter`) and `createSearchBackend` or `createEngine` wraps it, checking inputs.
 */
export interface SearchBackend {
  readonly specificationVersion: SpecificationVersion;
  /** Short name used in messages and run records, e.g. "local". */
  readonly name: string;
  /**
   * Optional: the id of the embedder computing this engine's client-side vectors (see
   * `Embedder.id`). Vector and hybrid runs record it, so runs with different embedders never
   * share a run id (and never resume each other's batches).
   */
  readonly embedderId?: string;
  capabilities(): BackendCapabilities;
  /** Returns one ranked hit list per request, in request order. */
  search(target: DocumentTarget, requests: readonly SearchRequest[], options: SearchOptions): Promise<Hit[][]>;
  /** One round trip for many ids. Missing ids are simply absent from the map, never thrown. */
  getDocuments(target: DocumentTarget, ids: readonly string[]): Promise<Map<string, Doc>>;
  /**
   * The engine's score (same scale as `search`) of given documents for one request, whether or
   * not they would be in the top k. Ids the engine cannot score are absent. Throws
   * `UnsupportedCapabilityError` outside `capabilities().scoreDocumentsModes`.
   */
  scoreDocuments(
    target: DocumentTarget,
    request: SearchRequest,
    ids: readonly string[],
    options: SearchOptions,
  ): Promise<Map<string, number>>;
}

/** What a collection holds; stored so tools can tell a corpus from a query set or a run. */
export interface CollectionSpec {
  name: string;
  kind: "documents" | "queries" | "hard-negatives" | "records";
  /** For documents: the properties searched (id, content, optional title). */
  target?: Omit<DocumentTarget, "collection">;
  /**
   * For documents: the ISO 639-1 code of their language, which chooses the BM25 analyser (stemmer,
   * stop words, word segmentation). Absent: English, the default. Engines that cannot analyse it
   * refuse the collection (see `StoreDriver.languages`).
   */
  language?: string;
  /** For queries: the properties holding id, text, gold ids and grades (a QueriesCollection's keys). */
  queryKeys?: { idKey: string; queryContentKey: string; goldIdsKey: string; gradesKey: string };
  /** For hard-negative runs: the user-named row properties (exporters read rows with them). */
  hardNegativeKeys?: HardNegativeKeys;
  /**
   * For documents in engines that keep one vector per document (Weaviate, Elasticsearch,
   * Qdrant): where the stored vectors come from (an embedder's id, or `property:<name>` for
   * precomputed ones) and their dimension. Absent: the collection holds no document vectors.
   */
  vectors?: DocumentVectorsSource;
}

/** Where a collection's document vectors come from; see {@link CollectionSpec.vectors}. */
export interface DocumentVectorsSource {
  embedderId: string;
  dimension: number;
}

/** Options of `Store.iterate`. */
export interface IterateOptions {
  /** Records per yielded batch. Default 1000. */
  batchSize?: number;
}

/**
 * Collections of records, as core uses them (adapters implement a `StoreDriver` and
 * `createStore` or `createEngine` wraps it). Writes are idempotent: `upsert` with the same ids twice leaves the
 * same records. `iterate` streams in batches and never loads a whole collection.
 */
export interface Store {
  readonly specificationVersion: SpecificationVersion;
  readonly name: string;
  /** Creates the collection; does nothing when it already exists with the same kind. */
  createCollection(spec: CollectionSpec): Promise<void>;
  hasCollection(name: string): Promise<boolean>;
  /** The spec a collection was created with, or undefined if it does not exist. */
  describeCollection(name: string): Promise<CollectionSpec | undefined>;
  deleteCollection(name: string): Promise<void>;
  count(name: string): Promise<number>;
  /** Inserts or replaces records by id, atomically per call where the engine allows. */
  upsert(name: string, records: readonly StoredRecord[]): Promise<void>;
  /** Records in a stable order (insertion order where the engine has one), in batches. */
  iterate(name: string, options?: IterateOptions): AsyncIterable<StoredRecord[]>;
  /** Records by id; missing ids are absent from the map. */
  getRecords(name: string, ids: readonly string[]): Promise<Map<string, StoredRecord>>;
  /**
   * Optional: atomically replaces collection `name` (created when absent) by the collection
   * `staging`, which then no longer exists. Readers see the old collection or the new one,
   * never a mix. With it, loads are all-or-nothing: they write a staging collection and swap it
   * in on success. Without it, core marks a collection being loaded in `hardneg_loads`, and mining
   * refuses one a failed load left incomplete.
   */
  replaceCollection?(staging: string, name: string): Promise<void>;
  /**
   * Optional: upserts into several collections in one atomic commit (all or none). Mining
   * writes a batch's rows and its progress record together with it, so a kill between the two
   * cannot happen. Without it, they are two writes (still safe: rows are idempotent).
   */
  upsertTogether?(writes: ReadonlyArray<{ collection: string; records: readonly StoredRecord[] }>): Promise<void>;
  /**
   * Optional: the names of the collections the store holds (hardneg's own, such as
   * `hardneg_runs`, included), each once, in no particular order. `hardneg list` uses it; without
   * it, a store's collections can only be found by name.
   */
  listCollections?(): Promise<string[]>;
  /** Releases files, sockets and caches. */
  close?(): Promise<void>;
}

/** A backend that both searches documents and stores collections: what `addHardNegatives` takes. */
export type Engine = SearchBackend & Store;

/** True when `backend` gives document scores in `mode`. */
export function scoresDocumentsIn(backend: SearchBackend, mode: SearchMode): boolean {
  return backend.capabilities().scoreDocumentsModes.includes(mode);
}
