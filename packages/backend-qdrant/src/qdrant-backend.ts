import {
  BadOptionError,
  COLLECTION_NAME_PATTERN,
  HardnegError,
  searchQueryVectors,
  chunked,
  createEngine,
  documentTextOf,
  documentVectorProperty,
  documentVectorsSourceOf,
  fuseHits,
  mapConcurrently,
  positiveIntegerOption,
  withRetries,
  supportedLanguages,
  TokenizersByLanguage,
  type Tokenizer,
  type CollectionSpec,
  type Doc,
  type DocumentTarget,
  type DocumentVectorsSource,
  type Embedder,
  type EngineDriver,
  type EngineOf,
  type Hit,
  type RetryOptions,
  type SearchMode,
  type SearchOptions,
  type SearchRequest,
  type StoredRecord,
} from "@hardneg/core/adapter";
import { documentSparseVector, querySparseVector, type Bm25Weighting } from "./bm25-sparse-vectors.js";
import { createQdrantClient, type QdrantClientLike, type QdrantPoint } from "./qdrant-client.js";
import { COMPONENT, isQdrantTransient, requestedDelayMs, toHardnegError } from "./qdrant-errors.js";
import { documentOf, hitsOf, holdsSpec, recordOf, specOf } from "./qdrant-mapping.js";
import {
  bm25Query,
  collectionBody,
  hybridQuery,
  idsFilter,
  pointIdOf,
  pointsOf,
  scrollBody,
  vectorQuery,
  type VectorNames,
} from "./qdrant-requests.js";

/** Options of {@link openQdrantBackend} and {@link QdrantBackend}. */
export interface QdrantBackendOptions {
  /** A client to use instead of creating one (tests, custom set-ups). Default: a new `QdrantClient`. */
  client?: QdrantClientLike;
  /** Computes dense vectors; without it only "bm25" is offered. Default: none. */
  embedder?: Embedder;
  /**
   * Document vectors computed elsewhere: taken from this record property on upsert (and left in
   * the payload too). Query vectors must then come with each search request. Default: none.
   */
  documentVectors?: { property: string; dimension: number };
  /** Names of the dense and sparse vectors. Default `{ dense: "dense", sparse: "bm25" }`. */
  vectorNames?: Partial<VectorNames>;
  /** Client-side BM25 weighting of document terms. Defaults: k1 1.5, b 0.75, average length 256. */
  bm25?: Bm25Weighting;
  /** Search requests per `/points/query/batch` call. Default 64. */
  requestsPerCall?: number;
  /** Points per upsert call. Default 256. */
  pointsPerUpsert?: number;
  /** Calls in flight at once. Default 2. */
  concurrency?: number;
  /** Retries of transient failures (timeouts, 429, 5xx). Default: core's `withRetries` defaults. */
  retry?: Omit<RetryOptions, "isTransient">;
  /** Per-request timeout of a client this adapter creates. Default 30 000 ms. */
  requestTimeoutMs?: number;
}

/** Largest page asked of scroll / filtered queries at once. */
const MAX_PAGE = 10_000;

/**
 * hardneg on Qdrant: one collection per hardneg collection, string ids mapped to UUIDv5 point
 * ids (the id kept in the payload), BM25 as sparse vectors with the `idf` modifier (term weights
 * computed here), dense search with an embedder's vectors, hybrid through the Query API's
 * prefetch + RRF, iteration with `scroll`, writes with `upsert` and `wait: true`. A driver: core
 * checks every input (collection names included: core's rule is narrower than Qdrant's) before
 * calling it ({@link openQdrantBackend} wraps it with `createEngine`).
 */
export class QdrantBackend implements EngineDriver {
  readonly specificationVersion = "v1" as const;
  readonly name = "qdrant";
  /** The embedder's id when one computes the vectors; vector and hybrid run ids include it. */
  readonly embedderId?: string;
  /** BM25 always (on collections this adapter created); vector and hybrid with document vectors (an embedder or `documentVectors`). */
  readonly modes: readonly SearchMode[];
  /** The search modes but hybrid: a hybrid score depends on the other candidates of the fused lists. */
  readonly scoreDocumentsModes: readonly SearchMode[];
  private readonly client: QdrantClientLike;
  private readonly embedder: Embedder | undefined;
  private readonly documentVectors: { property: string; dimension: number } | undefined;
  private readonly names: VectorNames;
  private readonly bm25: Bm25Weighting;
  private readonly requestsPerCall: number;
  private readonly pointsPerUpsert: number;
  private readonly concurrency: number;
  private readonly retry: Omit<RetryOptions, "isTransient">;
  private readonly specs = new Map<string, CollectionSpec>();

  /** Every language core's analyser knows: BM25 terms are computed client-side, in each collection's language. */
  get languages(): readonly string[] {
    return supportedLanguages();
  }
  /** BM25 terms are computed here, in the language each documents collection records. */
  private readonly tokenizers = new TokenizersByLanguage();

  constructor(client: QdrantClientLike, options: QdrantBackendOptions = {}) {
    this.client = client;
    this.embedder = options.embedder;
    if (options.embedder !== undefined) this.embedderId = options.embedder.id;
    this.documentVectors = options.documentVectors;
    this.names = { dense: options.vectorNames?.dense ?? "dense", sparse: options.vectorNames?.sparse ?? "bm25" };
    this.bm25 = options.bm25 ?? {};
    this.requestsPerCall = positiveIntegerOption(options.requestsPerCall ?? 64, "requestsPerCall", { component: COMPONENT });
    this.pointsPerUpsert = positiveIntegerOption(options.pointsPerUpsert ?? 256, "pointsPerUpsert", { component: COMPONENT });
    this.concurrency = positiveIntegerOption(options.concurrency ?? 2, "concurrency", { component: COMPONENT });
    this.retry = options.retry ?? {};
    const hasVectors = options.embedder !== undefined || options.documentVectors !== undefined;
    this.modes = hasVectors ? ["bm25", "vector", "hybrid"] : ["bm25"];
    this.scoreDocumentsModes = this.modes.filter((mode) => mode !== "hybrid");
  }

  // ---- SearchDriver ----

  async search(target: DocumentTarget, requests: readonly SearchRequest[], options: SearchOptions): Promise<Hit[][]> {
    const k = options.k;
    const texts = requests.map((request) => request.text);
    const where = { component: COMPONENT, collection: target.collection };
    const vectors = await searchQueryVectors(options.mode, requests, this, this.embedder, where);
    const tokenizer = await this.tokenizerOf(target.collection);
    const sparse = options.mode === "vector" ? undefined : texts.map((text) => querySparseVector(text, tokenizer));
    if (options.mode === "hybrid" && options.fusion === "relative-score") {
      // Qdrant has no min-max fusion: both lists come back in one batch and core fuses them.
      const searches = texts.flatMap((_, position) => [
        bm25Query(target, sparse![position]!, k, this.names),
        vectorQuery(target, vectors![position]!, k, this.names),
      ]);
      const answers = await this.queryBatch(target.collection, searches, "hybrid search (keyword and vector lists)");
      return texts.map((_, position) => {
        const keyword = sparse![position]!.indices.length === 0 ? [] : hitsOf(answers[2 * position]!.points, target.idKey, k);
        return fuseHits(keyword, hitsOf(answers[2 * position + 1]!.points, target.idKey, k), {
          fusion: "relative-score",
          alpha: options.alpha!,
          k,
        });
      });
    }
    // A BM25 query with no terms left (only stop words) matches nothing; it is not sent.
    const queries = texts.map((_, position) => {
      if (options.mode === "bm25")
        return sparse![position]!.indices.length === 0 ? undefined : bm25Query(target, sparse![position]!, k, this.names);
      if (options.mode === "vector") return vectorQuery(target, vectors![position]!, k, this.names);
      return hybridQuery(target, sparse![position]!, vectors![position]!, k, options.alpha!, this.names);
    });
    const sent = queries.flatMap((query) => (query === undefined ? [] : [query]));
    const answers = await this.queryBatch(target.collection, sent, `${options.mode} search`);
    let next = 0;
    return queries.map((query) => (query === undefined ? [] : hitsOf(answers[next++]!.points, target.idKey, k)));
  }

  /** Documents whose id property is one of `ids`, through a filtered scroll (one call per 10 000 ids). */
  async getDocuments(target: DocumentTarget, ids: readonly string[]): Promise<Map<string, Doc>> {
    const documents = new Map<string, Doc>();
    await mapConcurrently(chunked(ids, MAX_PAGE), this.concurrency, async (chunk) => {
      const page = await this.call("fetch documents by id", target.collection, () =>
        this.client.scroll(target.collection, scrollBody(chunk.length, undefined, idsFilter(target.idKey, chunk))),
      );
      for (const point of page.points) {
        const document = documentOf(point, target);
        if (!documents.has(document.id)) documents.set(document.id, document);
      }
    });
    return documents;
  }

  /**
   * BM25 or vector scores of given documents, searched within a filter on their ids. A document
   * that shares no term with the query is not returned by a sparse search; it scores 0, as in
   * backend-local. Core asks only in `scoreDocumentsModes` (bm25 and vector).
   */
  async scoreDocuments(
    target: DocumentTarget,
    request: SearchRequest,
    ids: readonly string[],
    options: SearchOptions,
  ): Promise<Map<string, number>> {
    const text = request.text;
    const filter = idsFilter(target.idKey, ids);
    const scores = new Map<string, number>();
    if (options.mode === "bm25") {
      const sparse = querySparseVector(text, await this.tokenizerOf(target.collection));
      if (sparse.indices.length > 0) {
        const [answer] = await this.queryBatch(
          target.collection,
          [bm25Query(target, sparse, ids.length, this.names, filter)],
          "score documents",
        );
        for (const hit of hitsOf(answer!.points, target.idKey, ids.length)) scores.set(hit.id, hit.score);
      }
      const unmatched = ids.filter((id) => !scores.has(id));
      if (unmatched.length > 0) {
        for (const id of (await this.getDocuments(target, unmatched)).keys()) if (!scores.has(id)) scores.set(id, 0);
      }
      return scores;
    }
    const where = { component: COMPONENT, collection: target.collection };
    const [vector] = (await searchQueryVectors(options.mode, [request], this, this.embedder, where))!;
    const [answer] = await this.queryBatch(
      target.collection,
      [vectorQuery(target, vector!, ids.length, this.names, filter)],
      "score documents",
    );
    for (const hit of hitsOf(answer!.points, target.idKey, ids.length)) scores.set(hit.id, hit.score);
    return scores;
  }

  // ---- StoreDriver ----

  /**
   * Creates the collection (vectors for documents, payload only otherwise). Core calls it only
   * when `describeCollection` found none; when another writer creates it in between, Qdrant
   * refuses this create and core accepts the other's collection of the same kind.
   */
  async createCollection(spec: CollectionSpec): Promise<void> {
    // The stored spec records whose vectors the collection holds (Qdrant fixes the dense vector at
    // creation), so searches with another embedder, or on a collection without vectors, are refused.
    const vectors = spec.kind === "documents" ? await this.vectorsSource() : undefined;
    spec = vectors === undefined ? spec : { ...spec, vectors };
    await this.call("create collection", spec.name, () =>
      this.client.createCollection(spec.name, collectionBody(spec, this.names, vectors?.dimension)),
    );
    if (spec.kind === "documents" && spec.target !== undefined) {
      // A keyword index makes the gold-document filter on the id property fast.
      await this.call("create id index", spec.name, () =>
        this.client.createPayloadIndex(spec.name, { field_name: spec.target!.idKey, field_schema: "keyword", wait: true }),
      );
    }
    this.specs.set(spec.name, spec);
  }

  async describeCollection(name: string): Promise<CollectionSpec | undefined> {
    const known = this.specs.get(name);
    if (known !== undefined) return known;
    const metadata = await this.metadataOf(name);
    if (metadata === undefined) return undefined;
    const spec = specOf(name, metadata);
    this.specs.set(name, spec);
    return spec;
  }

  /** A collection's metadata (null when it has none), or undefined when it does not exist. */
  private async metadataOf(name: string): Promise<Record<string, unknown> | null | undefined> {
    try {
      const info = await this.call("read collection", name, () => this.client.getCollection(name));
      return info.config?.metadata ?? null;
    } catch (error) {
      if (HardnegError.isInstance(error) && error.code === "MISSING_COLLECTION") return undefined;
      throw error;
    }
  }

  /**
   * The collections whose metadata holds hardneg's spec: Qdrant lists names only, so each
   * collection is read (`concurrency` at a time). The user's other collections, names hardneg
   * could not address, and collections deleted while listing are left out.
   */
  async listCollections(): Promise<string[]> {
    const { collections } = await this.call("list collections", undefined, () => this.client.getCollections());
    const names = collections.map((collection) => collection.name).filter((name) => COLLECTION_NAME_PATTERN.test(name));
    const specs = await mapConcurrently(names, this.concurrency, async (name) => {
      const metadata = await this.metadataOf(name);
      return holdsSpec(metadata) ? specOf(name, metadata) : undefined;
    });
    const found = specs.filter((spec) => spec !== undefined);
    for (const spec of found) this.specs.set(spec.name, spec);
    return found.map((spec) => spec.name);
  }

  /** Deletes the collection; deleting a missing one does nothing (Qdrant answers false, not 404). */
  async deleteCollection(name: string): Promise<void> {
    this.specs.delete(name);
    try {
      await this.call("delete collection", name, () => this.client.deleteCollection(name));
    } catch (error) {
      if (!(HardnegError.isInstance(error) && error.code === "MISSING_COLLECTION")) throw error;
    }
  }

  async count(name: string): Promise<number> {
    return (await this.call("count", name, () => this.client.count(name, { exact: true }))).count;
  }

  /**
   * Upserts points with `wait: true`, `pointsPerUpsert` per call. Documents get their BM25
   * sparse vector (and a dense one with an embedder). Qdrant applies or refuses a call as a
   * whole: a refused batch fails with the reason Qdrant gave; transient failures are retried.
   */
  async upsert(name: string, records: readonly StoredRecord[]): Promise<void> {
    const spec = await this.describeCollection(name);
    if (spec === undefined) throw toHardnegError({ status: 404 }, "upsert", name);
    // Core passes distinct ids (the last write of each), so the order Qdrant applies one request in cannot matter.
    await mapConcurrently(chunked(records, this.pointsPerUpsert), this.concurrency, async (chunk) => {
      const vectors =
        spec.kind === "documents" && spec.target !== undefined
          ? await this.vectorsOf(name, chunk, spec.target, this.tokenizers.of(spec.language))
          : undefined;
      await this.call("upsert", name, () => this.client.upsert(name, { wait: true, points: pointsOf(chunk, vectors) }));
    });
  }

  /** Records in point-id order (UUIDv5 order, stable but not insertion order), `batchSize` per batch (at most 10 000). */
  async *iterate(name: string, options: { batchSize: number }): AsyncIterable<StoredRecord[]> {
    const batchSize = Math.min(options.batchSize, MAX_PAGE);
    let offset: string | number | undefined;
    for (;;) {
      const page = await this.call("iterate", name, () => this.client.scroll(name, scrollBody(batchSize, offset)));
      if (page.points.length > 0) yield page.points.map(recordOf);
      if (page.next_page_offset === undefined || page.next_page_offset === null) return;
      offset = page.next_page_offset;
    }
  }

  async getRecords(name: string, ids: readonly string[]): Promise<Map<string, StoredRecord>> {
    const records = new Map<string, StoredRecord>();
    await mapConcurrently(chunked(ids, 1000), this.concurrency, async (chunk) => {
      const points = await this.call("get records", name, () =>
        this.client.retrieve(name, { ids: chunk.map(pointIdOf), with_payload: true, with_vector: false }),
      );
      for (const point of points) {
        const record = recordOf(point);
        records.set(record.id, record);
      }
    });
    return records;
  }

  // ---- internals ----

  /** The analyser of a documents collection: the language its spec records, English when none (or no collection). */
  private async tokenizerOf(collection: string): Promise<Tokenizer> {
    return this.tokenizers.of((await this.describeCollection(collection))?.language);
  }

  /** Where document vectors come from: the configured property, else the embedder (a model learns its dimension on its first call). */
  private vectorsSource(): Promise<DocumentVectorsSource | undefined> {
    return documentVectorsSourceOf(this.documentVectors, this.embedder);
  }

  private async vectorsOf(
    collection: string,
    records: readonly StoredRecord[],
    target: Omit<DocumentTarget, "collection">,
    tokenizer: Tokenizer,
  ): Promise<Record<string, unknown>[]> {
    const texts = records.map((record) => documentTextOf(record, target));
    const property = this.documentVectors;
    const dense =
      property !== undefined
        ? records.map((record) =>
            documentVectorProperty(record, property.property, property.dimension, { collection, component: COMPONENT }),
          )
        : this.embedder === undefined
          ? undefined
          : await this.embedder.embedDocuments(texts);
    return texts.map((text, position) => {
      const vector: Record<string, unknown> = { [this.names.sparse]: documentSparseVector(text, this.bm25, tokenizer) };
      if (dense !== undefined) vector[this.names.dense] = Array.from(dense[position]!);
      return vector;
    });
  }

  /** Query API batches: `requestsPerCall` searches per call, `concurrency` calls at once, answers in order. */
  private async queryBatch(
    collection: string,
    searches: Record<string, unknown>[],
    action: string,
  ): Promise<Array<{ points: QdrantPoint[] }>> {
    const answers = await mapConcurrently(chunked(searches, this.requestsPerCall), this.concurrency, (chunk) =>
      this.call(action, collection, () => this.client.queryBatch(collection, { searches: chunk })),
    );
    return answers.flat();
  }

  /** One engine call with retries of transient failures, failures mapped to hardneg errors. */
  private async call<T>(action: string, collection: string | undefined, operation: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(operation, { requestedDelayMs, ...this.retry, isTransient: isQdrantTransient });
    } catch (error) {
      throw toHardnegError(error, action, collection);
    }
  }
}

/**
 * Connects to the Qdrant server at `url` (e.g. "http://localhost:6333") and returns the engine
 * core checks: a {@link QdrantBackend} wrapped by `createEngine` (`.driver` is the backend). The
 * API key comes from the environment only (`QDRANT_API_KEY`). Nothing is sent until the first call.
 */
export async function openQdrantBackend(url: string, options: QdrantBackendOptions = {}): Promise<EngineOf<QdrantBackend>> {
  if (options.client !== undefined) return createEngine(new QdrantBackend(options.client, options));
  if (typeof url !== "string" || !/^https?:\/\//.test(url)) {
    throw new BadOptionError("url", `must be an http(s) URL such as "http://localhost:6333", got ${JSON.stringify(url)}`, {
      component: COMPONENT,
    });
  }
  const client = createQdrantClient(url, options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs });
  return createEngine(new QdrantBackend(client, options));
}
