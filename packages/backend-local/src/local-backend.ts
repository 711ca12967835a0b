import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import {
  assertCollectionName,
  BadInputError,
  BadOptionError,
  createEngine,
  fuseHits,
  normalizeVector,
  supportedLanguages,
  TokenizersByLanguage,
  UnsupportedCapabilityError,
  type CollectionSpec,
  type Doc,
  type DocumentTarget,
  type Embedder,
  type EngineDriver,
  type EngineOf,
  type Hit,
  type SearchMode,
  type SearchOptions,
  type SearchRequest,
  type StoredRecord,
  type Tokenizer,
  type TokenizerOptions,
} from "@hardneg/core/adapter";
import type { Bm25Index, QueryTermRepeats, TopKStrategy } from "./bm25/bm25-index.js";
import { SearchThreads } from "./bm25/search-threads.js";
import type { RankedDocuments } from "./bm25/top-k.js";
import { ScanWhileLoading } from "./bm25/scan-while-loading.js";
import {
  IndexManager,
  PARALLEL_BUILD_MIN_DOCUMENTS,
  textOf,
  type Bm25IndexStats,
  type IndexSource,
  type ObtainedIndex,
} from "./bm25/index-manager.js";
import { DEFAULT_BUSY_TIMEOUT_MS, SqliteStore, type DocumentFields } from "./sqlite-store.js";
import {
  VECTOR_INDEX_MODES,
  VectorManager,
  type DocumentVectors,
  type VectorIndexMode,
  type VectorIndexStats,
  type VectorStats,
} from "./vectors/vector-manager.js";
import { dotAt } from "./vectors/vector-search.js";
import { removeStaleTemporaries } from "./temporary-files.js";

/** BM25 and analyser options of the local backend. */
export interface Bm25Options extends Omit<TokenizerOptions, "language"> {
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
   * Folder for the BM25 index files and the document vectors. Default `<database file>.bm25`
   * next to the database; ignored for an in-memory database (":memory:"), whose indexes live in
   * memory only.
   */
  indexDirectory?: string;
  /**
   * Computes vectors for the `vector` and `hybrid` modes, which are offered only when it is set.
   * Document vectors are computed on the first vector search of a collection (or by
   * `prepareVectors`), stored next to the BM25 index and recomputed after the collection
   * changes; query vectors are computed from the request text unless the request carries one.
   * Default: none (BM25 only).
   */
  embedder?: Embedder;
  /**
   * How vector and hybrid searches find the nearest documents. "exact": every document is
   * scored. "approximate": an HNSW index (usearch) proposes candidates, which are scored exactly
   * (scores are exact, a true neighbour may be missed); the index is stored next to the vectors
   * (`<collection>@<key>.ann` and its header `.ann.json`), rebuilt after the collection changes.
   * "auto" (default): approximate from `APPROXIMATE_SEARCH_THRESHOLD` (50,000) documents on.
   * `scoreDocuments` in vector mode always scores exactly.
   */
  vectorIndex?: VectorIndexMode;
  /**
   * How many worker threads run BM25 searches, besides the calling thread. Each batch of queries
   * is split among them (the caller's concurrent batches queue for them), over the index shared
   * in memory; results are identical to searching on the calling thread. `0`: every search runs
   * on the calling thread. "auto" (default): one thread per core (`os.availableParallelism()`,
   * at most {@link MAX_SEARCH_THREADS}) for an index of {@link SEARCH_THREADS_MIN_POSTINGS}
   * postings or more, none below, where a query takes less time than a message.
   */
  searchThreads?: number | "auto";
  /**
   * How many threads analyse the texts of a collection of 50,000 documents
   * (`PARALLEL_BUILD_MIN_DOCUMENTS`) or more: while a load writes a new documents collection
   * (see `ScanWhileLoading`), or when `prepareIndex` (which the CLI's `load` calls) builds its
   * index from the database; the index is the same. When `prepareIndex` builds, `0` or `1` is the
   * calling thread; while a load writes, `1` is one build thread (the writing thread analyses
   * only the batches it would otherwise wait on) and `0` none (the records are read back at the
   * end). "auto" (default): one per core, at most {@link MAX_SEARCH_THREADS}, and one fewer while
   * a load writes. Indexes built on demand by a search use one thread.
   */
  buildThreads?: number | "auto";
  /**
   * How long a write waits, in milliseconds, while another process (or connection) writes to
   * the same database, before failing with "database is locked". Default 300,000 (5 minutes,
   * {@link DEFAULT_BUSY_TIMEOUT_MS}): writers take turns instead of failing.
   */
  busyTimeoutMs?: number;
  /**
   * Whether opening may create the database. `true` (default): a missing file is created, with
   * its folder. `false`: the file must already be a hardneg database, else
   * {@link MissingDatabaseError} (a one-line `BAD_OPTION` error naming the path) and nothing is
   * created, no file, no folder; for everything but loading data. Ignored for ":memory:".
   */
  create?: boolean;
  /**
   * Opens the database read-only (SQLite's read-only mode): nothing is written to it, writes throw
   * `BadOptionError`, it must exist (as with `create: false`), and it may sit on read-only
   * storage (a copy in memory is read when SQLite cannot open a WAL database there). Index and
   * vector files are still written to `indexDirectory` when it is writable; otherwise an index
   * that is missing or stale is built in memory with one warning line. Default `false`.
   */
  readOnly?: boolean;
  /**
   * Receives each warning (a damaged index file being rebuilt, an index that could not be saved),
   * one line each. Default: written to stderr.
   */
  onWarning?: (message: string) => void;
  /**
   * Receives the progress lines of long work done inside a call, one line each: today, building
   * an approximate vector index of more than 50,000 vectors (a line per 50,000 and one at the end).
   * Default: written to stderr.
   */
  onProgress?: (message: string) => void;
}

/**
 * How deep each list of a hybrid search goes before fusion: at least 100, or `k` when larger.
 * Relative-score fusion normalises each list by its own minimum and maximum, so the depth is
 * part of what a hybrid score means; `scoreDocuments` rebuilds lists of the same depth.
 */
export const HYBRID_LIST_DEPTH = 100;

const COMPONENT = "local";

/**
 * From this many postings up (about 10,000-15,000 documents), "auto" searches in threads.
 * Measured on 2 cores, k = 100, two batches of 64 in flight: two threads gave ×1.8 at 20k
 * synthetic documents (1.4M postings) and ×1.9 at 100k; on SciFact (0.47M postings) ×1.3-1.6,
 * but its 809 train queries take 0.1 s on one thread, about what starting the threads costs (39 ms)
 * plus their gain. See benchmarks/README.md.
 */
export const SEARCH_THREADS_MIN_POSTINGS = 1_000_000;
/** "auto" never starts more threads than this, however many cores. */
export const MAX_SEARCH_THREADS = 8;

/**
 * hardneg's embedded default backend: collections in one SQLite file, searched by a
 * precomputed BM25 index kept in memory and persisted next to the database. No server.
 *
 * A driver: {@link openLocalBackend} wraps it with core's `createEngine`, which checks every
 * input (modes, k, alpha, fusion, texts, ids, records, collection names) before it is called.
 * What only this engine offers (`prepareIndex`, `prepareVectors`, `lastIndexSource`, `bm25TopK`) is reached
 * through the engine's `driver`.
 *
 * All work is synchronous under the async API (better-sqlite3 and the index are in-process);
 * the promises exist so the local backend is interchangeable with remote ones.
 */
export class LocalBackend implements EngineDriver {
  readonly specificationVersion = "v1" as const;
  readonly name = "local";
  /**
   * "bm25" always; "vector" and "hybrid" too when an embedder is configured. `scoreDocuments`
   * serves every one of them (core's default), and batches keep core's default size.
   */
  readonly modes: readonly SearchMode[];
  /** How the index of the latest search/score/fetch call was obtained; undefined before any. */
  lastIndexSource: IndexSource | undefined;
  /**
   * How BM25 selects the top k: "auto" (default) prunes with MaxScore when that is faster;
   * "exhaustive" and "pruned" force one path, to compare them. Results are identical either way.
   */
  bm25TopK: TopKStrategy = "auto";
  /** How many threads ran the latest BM25 search (0: the calling thread); undefined before any. */
  lastSearchThreads: number | undefined;
  /** The embedder's id when one is configured (recorded by vector and hybrid runs). */
  readonly embedderId?: string;

  /** Every language core's analyser knows: each collection is analysed in the one its spec records. */
  get languages(): readonly string[] {
    return supportedLanguages();
  }

  private readonly store: SqliteStore;
  /** Each documents collection is analysed in the language its spec records (English by default). */
  private readonly tokenizers: TokenizersByLanguage;
  private readonly indexes: IndexManager;
  private readonly queryTermRepeats: QueryTermRepeats;
  private readonly embedder: Embedder | undefined;
  private readonly vectors: VectorManager | undefined;
  private readonly searchThreads: number | "auto";
  private readonly buildThreads: number | "auto";
  /** Started on the first search that uses threads. */
  private threads: SearchThreads | undefined;
  /** Documents collections being written by a load, analysed as they arrive, by name. */
  private readonly scansWhileLoading = new Map<string, ScanWhileLoading>();

  /** Prefer {@link openLocalBackend}. `path` is a database file, or ":memory:". */
  constructor(path: string, options: LocalBackendOptions = {}) {
    const bm25 = options.bm25 ?? {};
    const k1 = bm25.k1 ?? 1.5;
    const b = bm25.b ?? 0.75;
    if (typeof k1 !== "number" || !Number.isFinite(k1) || k1 < 0)
      throw new BadOptionError("bm25.k1", `must be a finite number ≥ 0, got ${String(k1)}`, { component: COMPONENT });
    if (typeof b !== "number" || !(b >= 0 && b <= 1))
      throw new BadOptionError("bm25.b", `must be a number from 0 to 1, got ${String(b)}`, { component: COMPONENT });
    this.queryTermRepeats = bm25.queryTermRepeats ?? "sum";
    if (this.queryTermRepeats !== "sum" && this.queryTermRepeats !== "once") {
      throw new BadOptionError("bm25.queryTermRepeats", `must be "sum" or "once", got ${JSON.stringify(this.queryTermRepeats)}`, {
        component: COMPONENT,
      });
    }
    const { k1: _k1, b: _b, queryTermRepeats: _repeats, ...analysis } = bm25;
    this.tokenizers = new TokenizersByLanguage(analysis);

    const inMemory = path === ":memory:" || path === "";
    if (typeof path !== "string") throw new BadOptionError("path", 'must be a database file path or ":memory:"', { component: COMPONENT });
    for (const option of ["create", "readOnly"] as const) {
      if (options[option] !== undefined && typeof options[option] !== "boolean") {
        throw new BadOptionError(option, `must be true or false, got ${JSON.stringify(options[option])}`, { component: COMPONENT });
      }
    }
    const warn = options.onWarning ?? writeWarningLine;
    const vectorIndex = options.vectorIndex ?? "auto";
    if (!VECTOR_INDEX_MODES.includes(vectorIndex)) {
      throw new BadOptionError("vectorIndex", `must be "auto", "exact" or "approximate", got ${JSON.stringify(vectorIndex)}`, {
        component: COMPONENT,
      });
    }
    this.searchThreads = threadCountOption(options.searchThreads, "searchThreads");
    this.buildThreads = threadCountOption(options.buildThreads, "buildThreads");
    const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0 || busyTimeoutMs > 0x7fffffff) {
      throw new BadOptionError(
        "busyTimeoutMs",
        `must be a whole number of milliseconds from 0 to 2147483647, got ${String(busyTimeoutMs)}`,
        { component: COMPONENT },
      );
    }
    this.store = new SqliteStore(inMemory ? ":memory:" : path, {
      busyTimeoutMs,
      create: options.create ?? true,
      readOnly: options.readOnly ?? false,
    });
    const indexDirectory = inMemory ? undefined : resolve(options.indexDirectory ?? `${path}.bm25`);
    // Opening the index folder clears what killed writers left (never a live writer's file).
    if (indexDirectory !== undefined) removeStaleTemporaries(indexDirectory);
    this.indexes = new IndexManager(this.store, (collection) => this.tokenizerOf(collection), { k1, b }, indexDirectory, warn);
    const embedder = options.embedder;
    if (embedder !== undefined) {
      if (
        typeof embedder?.id !== "string" ||
        typeof embedder.embedQueries !== "function" ||
        typeof embedder.embedDocuments !== "function"
      ) {
        throw new BadOptionError("embedder", "must be an Embedder (id, embedQueries, embedDocuments)", { component: COMPONENT });
      }
      this.embedder = embedder;
      this.embedderId = embedder.id;
      this.vectors = new VectorManager(this.store, embedder, indexDirectory, warn, vectorIndex, options.onProgress ?? writeWarningLine);
    }
    this.modes = embedder === undefined ? ["bm25"] : ["bm25", "vector", "hybrid"];
  }

  // ---- StoreDriver ----

  async createCollection(spec: CollectionSpec): Promise<void> {
    this.store.createCollection(spec);
    if (spec.kind === "documents" && spec.target !== undefined) {
      // A load writes new documents collections (a staging one, swapped in at the end): the
      // index is analysed as the records arrive, see ScanWhileLoading.
      const threadCount = this.scanThreadCount();
      const fields = { idKey: spec.target.idKey, contentKey: spec.target.contentKey, titleKey: spec.target.titleKey };
      this.scansWhileLoading.set(
        spec.name,
        new ScanWhileLoading(fields, this.tokenizerOf(spec.name), this.store.collectionVersion(spec.name), {
          threadCount,
          threadsFrom: PARALLEL_BUILD_MIN_DOCUMENTS,
        }),
      );
    }
  }

  async describeCollection(name: string): Promise<CollectionSpec | undefined> {
    return this.store.describeCollection(name);
  }

  /** Deletes the collection, its records and its index files. Deleting a missing collection does nothing. */
  async deleteCollection(name: string): Promise<void> {
    this.abandonScan(name);
    this.store.deleteCollection(name);
    this.indexes.forget(name);
    this.vectors?.forget(name);
  }

  /** Every collection of the database file, hardneg's own (`hardneg_runs`...) included. */
  async listCollections(): Promise<string[]> {
    return this.store.listCollections();
  }

  async count(name: string): Promise<number> {
    return this.store.count(name);
  }

  async upsert(name: string, records: readonly StoredRecord[]): Promise<void> {
    const written = this.store.upsert(name, records);
    this.scansWhileLoading.get(name)?.follow(records, written);
  }

  /** Upserts into several collections in one SQLite transaction (a mining batch's rows and progress). */
  async upsertTogether(writes: ReadonlyArray<{ collection: string; records: readonly StoredRecord[] }>): Promise<void> {
    for (const { collection } of writes) this.abandonScan(collection);
    this.store.upsertTogether(writes);
  }

  /** Swaps a fully written staging collection in for `name` in one SQLite transaction (all-or-nothing loads). */
  async replaceCollection(staging: string, name: string): Promise<void> {
    this.abandonScan(name);
    const { stagingVersion, version } = this.store.replaceCollection(staging, name);
    const scan = this.scansWhileLoading.get(staging);
    if (scan !== undefined) {
      this.scansWhileLoading.delete(staging);
      this.scansWhileLoading.set(name, scan);
      scan.renamed(stagingVersion, version);
    }
    // The index files of both names describe collections that no longer exist as they were.
    for (const collection of [staging, name]) {
      this.indexes.forget(collection);
      this.vectors?.forget(collection);
    }
  }

  /** Records in insertion order, in batches of `batchSize`. */
  async *iterate(name: string, options: { batchSize: number }): AsyncIterable<StoredRecord[]> {
    yield* this.store.iterate(name, options.batchSize);
  }

  async getRecords(name: string, ids: readonly string[]): Promise<Map<string, StoredRecord>> {
    return this.store.getRecords(name, ids);
  }

  async close(): Promise<void> {
    for (const collection of [...this.scansWhileLoading.keys()]) this.abandonScan(collection);
    await this.threads?.close();
    this.threads = undefined;
    this.store.close();
  }

  // ---- SearchDriver ----

  /**
   * One hit list per request, in request order: at most `k` hits, best first, ranks from 1.
   * bm25: BM25 scores. vector: cosine similarity (over every document, or the approximate index's
   * candidates, see `vectorIndex`). hybrid: the
   * fusion (core's `fuseHits`) of the BM25 and vector lists, each {@link HYBRID_LIST_DEPTH} deep.
   */
  async search(target: DocumentTarget, requests: readonly SearchRequest[], options: SearchOptions): Promise<Hit[][]> {
    const { mode, k } = options;
    const texts = requests.map((request) => request.text);
    const { index, tokenizer } = this.obtainIndex(target);
    if (mode === "bm25") return this.keywordSearch(index, tokenizer, texts, k);
    const { vectors } = await this.obtainVectors(target);
    const queries = await this.queryVectors(requests, vectors, target.collection);
    if (mode === "vector") return this.vectorHits(target, index, vectors, queries, k);
    const depth = Math.max(k, HYBRID_LIST_DEPTH);
    const vectorLists = this.vectorHits(target, index, vectors, queries, depth);
    return texts.map((text, position) =>
      fuseHits(this.keywordHits(index, tokenizer, text, depth), vectorLists[position]!, hybridOptions(options, k)),
    );
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

  /**
   * The score `search` gives (or would give) each document, whether or not it is in the top k;
   * unknown ids are absent. bm25: its BM25 score (0 when no query term matches). vector: its
   * cosine similarity. hybrid: its fused score against the same two lists `search` fuses for this
   * request and `k` (each {@link HYBRID_LIST_DEPTH} or `k` deep, same normalisation bounds); a
   * document in neither list scores 0, which is what its own scores would normalise to (they are
   * at most each list's minimum), so the gold's score stays comparable with the candidates'.
   */
  async scoreDocuments(
    target: DocumentTarget,
    request: SearchRequest,
    ids: readonly string[],
    options: SearchOptions,
  ): Promise<Map<string, number>> {
    const { mode } = options;
    const text = request.text;
    const { index, tokenizer } = this.obtainIndex(target);
    const known = ids.flatMap((id) => {
      const documentIndex = index.documentIndexOf(id);
      return documentIndex === undefined ? [] : [[id, documentIndex] as const];
    });
    if (mode === "bm25") {
      const termIds = index.termIdsOf(tokenizer.tokenize(text), this.queryTermRepeats);
      const scores = index.scoreDocuments(
        termIds,
        known.map(([, documentIndex]) => documentIndex),
      );
      return new Map(known.map(([id], position) => [id, scores[position]!]));
    }
    const { vectors } = await this.obtainVectors(target);
    const [query] = await this.queryVectors([request], vectors, target.collection);
    if (mode === "vector") {
      return new Map(
        known.map(([id, documentIndex]) => [id, dotAt(vectors.matrix, documentIndex * vectors.dimension, query!, vectors.dimension)]),
      );
    }
    const depth = Math.max(options.k, HYBRID_LIST_DEPTH);
    const keyword = this.keywordHits(index, tokenizer, text, depth);
    const [vector] = this.vectorHits(target, index, vectors, [query!], depth);
    const fused = fuseHits(keyword, vector!, hybridOptions(options, Math.max(1, keyword.length + vector!.length)));
    const fusedById = new Map(fused.map((hit) => [hit.id, hit.score]));
    return new Map(known.map(([id]) => [id, fusedById.get(id) ?? 0]));
  }

  /**
   * Makes sure the document vectors of `target` are ready (loading or computing them with the
   * embedder) and reports how they were obtained. Vector search does this on its own; call it to
   * embed at load time or to measure.
   */
  async prepareVectors(target: DocumentTarget): Promise<VectorStats> {
    return (await this.obtainVectors(target)).stats;
  }

  /**
   * Makes sure the approximate vector index of `target` is ready (after its vectors: loading or
   * building it) when `vectorIndex` and the collection's size call for one, and reports how it
   * was obtained; undefined when its searches are exact.
   */
  async prepareVectorIndex(target: DocumentTarget): Promise<VectorIndexStats | undefined> {
    const { vectors } = await this.obtainVectors(target);
    return this.vectors!.approximateIndex(target.collection, fieldsOf(target), vectors)?.stats;
  }

  /**
   * Makes sure the BM25 index of `target` is ready (loading or building it) and reports how
   * it was obtained and how long that took. Searching does this on its own; call it to build
   * ahead of time or to measure.
   */
  async prepareIndex(target: DocumentTarget): Promise<Bm25IndexStats> {
    const threadCount = this.buildThreadCount();
    const fields = fieldsOf(target);
    const scan = this.scansWhileLoading.get(target.collection);
    this.scansWhileLoading.delete(target.collection);
    const obtained =
      (scan === undefined ? undefined : await this.indexes.obtainScanned(target.collection, fields, scan)) ??
      (await this.indexes.obtainBuildingInThreads(target.collection, fields, threadCount));
    this.lastIndexSource = obtained.stats.source;
    return obtained.stats;
  }

  /** BM25 hit lists of a batch: analysed here, ranked here or, on a large index, in search threads. */
  private async keywordSearch(index: Bm25Index, tokenizer: Tokenizer, texts: readonly string[], k: number): Promise<Hit[][]> {
    const threadCount = this.searchThreads === "auto" ? autoSearchThreads(index) : this.searchThreads;
    this.lastSearchThreads = threadCount;
    if (threadCount === 0) return texts.map((text) => this.keywordHits(index, tokenizer, text, k));
    // Created synchronously, so concurrent first batches share one pool; a backend's non-zero
    // thread count never changes (the option, or one per core).
    this.threads ??= new SearchThreads(threadCount);
    const termIds = texts.map((text) => index.termIdsOf(tokenizer.tokenize(text), this.queryTermRepeats));
    const ranked = await this.threads.search(index.sharedPostingLists(), termIds, k, this.bm25TopK);
    return ranked.map((list) => hitsOf(index, list));
  }

  private keywordHits(index: Bm25Index, tokenizer: Tokenizer, text: string, k: number): Hit[] {
    const termIds = index.termIdsOf(tokenizer.tokenize(text), this.queryTermRepeats);
    if (termIds.length === 0) return [];
    return hitsOf(index, index.search(termIds, k, this.bm25TopK));
  }

  /** The vector lists of vector and hybrid search: exact or approximate, as `vectorIndex` and the size say. */
  private vectorHits(
    target: DocumentTarget,
    index: Bm25Index,
    vectors: DocumentVectors,
    queries: readonly Float32Array[],
    k: number,
  ): Hit[][] {
    return this.vectors!.search(target.collection, fieldsOf(target), vectors, queries, k).map((ranked) =>
      Array.from(ranked.documentIndexes, (documentIndex, position) => ({
        id: index.data.documentIds[documentIndex]!,
        score: ranked.scores[position]!,
        rank: position + 1,
      })),
    );
  }

  /** Unit-length query vectors: the request's own, else embedded from its text (one embedder call per batch). */
  private async queryVectors(requests: readonly SearchRequest[], vectors: DocumentVectors, collection: string): Promise<Float32Array[]> {
    const missing = requests.flatMap((request, position) => (request.vector === undefined ? [position] : []));
    const embedded = missing.length === 0 ? [] : await this.embedder!.embedQueries(missing.map((position) => requests[position]!.text));
    const byPosition = new Map(missing.map((position, order) => [position, embedded[order]!]));
    return requests.map((request, position) => {
      const vector = Float32Array.from(request.vector ?? byPosition.get(position)!);
      if (vectors.documentCount > 0 && vector.length !== vectors.dimension) {
        throw new BadInputError(
          `query vector at position ${position} has ${vector.length} dimensions, the documents' vectors ${vectors.dimension}`,
          { collection, component: COMPONENT },
        );
      }
      if (!vector.every(Number.isFinite))
        throw new BadInputError(`query vector at position ${position} holds a non-finite number`, { collection, component: COMPONENT });
      return normalizeVector(vector);
    });
  }

  private async obtainVectors(target: DocumentTarget): Promise<{ vectors: DocumentVectors; stats: VectorStats }> {
    if (this.vectors === undefined)
      throw new UnsupportedCapabilityError("document vectors need an embedder: open the backend with { embedder }", {
        component: COMPONENT,
      });
    const fields = fieldsOf(target);
    const { index, stats } = this.obtainIndex(target);
    return this.vectors.obtain(target.collection, fields, index, stats.collectionVersion);
  }

  /** The analyser of a documents collection: the language its spec records, English when it records none. */
  private tokenizerOf(collection: string): Tokenizer {
    return this.tokenizers.of(this.store.describeCollection(collection)?.language);
  }

  /** The `buildThreads` option resolved: "auto" is one per core. */
  private buildThreadCount(): number {
    return this.buildThreads === "auto" ? coreThreads() : this.buildThreads;
  }

  /**
   * Build threads for a scan while a load writes: as many as asked, since the loading thread is
   * busy writing the records and analyses only the batches it would otherwise wait on (0: none,
   * the records are read back at the end). "auto" leaves that thread a core of its own: a build
   * thread per core made the three share two cores, 4 s slower at 1M documents
   * (benchmarks/README.md).
   */
  private scanThreadCount(): number {
    return this.buildThreads === "auto" ? Math.max(0, coreThreads() - 1) : this.buildThreads;
  }

  private abandonScan(collection: string): void {
    this.scansWhileLoading.get(collection)?.abandon();
    this.scansWhileLoading.delete(collection);
  }

  private indexFor(target: DocumentTarget): Bm25Index {
    return this.obtainIndex(target).index;
  }

  private obtainIndex(target: DocumentTarget): ObtainedIndex {
    // Only prepareIndex waits for a scan's threads; a search builds from the database.
    this.abandonScan(target?.collection);
    const obtained = this.indexes.obtain(target?.collection, fieldsOf(target));
    this.lastIndexSource = obtained.stats.source;
    return obtained;
  }
}

/**
 * Opens a local backend on the SQLite database at `path`, or an in-memory one for ":memory:".
 * By default a missing file is created (and its folder); with `{ create: false }` or
 * `{ readOnly: true }` the database must exist, else {@link MissingDatabaseError}, and nothing is created.
 * The engine's `driver` is the {@link LocalBackend}, for `prepareIndex`, `prepareVectors` and `lastIndexSource`.
 */
export async function openLocalBackend(path: string, options?: LocalBackendOptions): Promise<EngineOf<LocalBackend>> {
  return createEngine(new LocalBackend(path, options));
}

/** "auto"'s search thread count for this index: one per core on a large index, none on a small one. */
function autoSearchThreads(index: Bm25Index): number {
  return index.postingCount < SEARCH_THREADS_MIN_POSTINGS ? 0 : coreThreads();
}

/** One thread per core, at most {@link MAX_SEARCH_THREADS}; none on a single core. */
function coreThreads(): number {
  const cores = availableParallelism();
  return cores < 2 ? 0 : Math.min(cores, MAX_SEARCH_THREADS);
}

/** A thread-count option: "auto" (the default) or a whole number from 0 to 64. */
function threadCountOption(value: number | "auto" | undefined, option: string): number | "auto" {
  if (value === undefined || value === "auto") return "auto";
  if (Number.isInteger(value) && value >= 0 && value <= 64) return value;
  throw new BadOptionError(option, `must be "auto" or a whole number from 0 to 64, got ${JSON.stringify(value)}`, { component: COMPONENT });
}

/** A ranked list as hits: benchmark ids, scores, ranks from 1. */
function hitsOf(index: Bm25Index, ranked: RankedDocuments): Hit[] {
  const hits: Hit[] = new Array(ranked.documentIndexes.length);
  for (let position = 0; position < hits.length; position++) {
    hits[position] = {
      id: index.data.documentIds[ranked.documentIndexes[position]!]!,
      score: ranked.scores[position]!,
      rank: position + 1,
    };
  }
  return hits;
}

/** The default `onWarning` and `onProgress`: one line on stderr, with no stack and no Node prefix. */
function writeWarningLine(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** The fusion options of a hybrid request; core has checked that `alpha` and `fusion` are there. */
function hybridOptions(options: SearchOptions, k: number): { fusion: "relative-score" | "rrf"; alpha: number; k: number } {
  return { fusion: options.fusion!, alpha: options.alpha!, k };
}

/**
 * The target's properties as the SQLite layer reads them. The collection name becomes part of
 * index file names (core's rule keeps "@" out of it, so `<collection>@<hash>` files are found by
 * prefix unambiguously), and `prepareIndex` / `prepareVectors` are called on the driver, where
 * core's checks do not run, so it is checked here; keys must also fit in SQL JSON paths (no `"`).
 */
function fieldsOf(target: DocumentTarget): DocumentFields {
  assertCollectionName(target?.collection, COMPONENT);
  const check = (option: string, key: unknown, required: boolean) => {
    if (key === undefined && !required) return;
    if (typeof key !== "string" || key === "" || key.includes('"')) {
      throw new BadOptionError(option, `must be a non-empty property name without double quotes, got ${JSON.stringify(key)}`, {
        component: COMPONENT,
        collection: target.collection,
      });
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
