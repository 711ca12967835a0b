import {
  BadInputError,
  BadOptionError,
  ConnectionError,
  HardnegError,
  searchQueryVectors,
  chunked,
  createEngine,
  documentTextOf,
  documentVectorProperty,
  documentVectorsSourceOf,
  fuseHits,
  isTransientStatus,
  mapConcurrently,
  positiveIntegerOption,
  withDocumentVectors,
  withRetries,
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
import { createElasticClient, type ElasticClient, type ElasticSearchResponse } from "./elastic-client.js";
import { COMPONENT, isElasticTransient, toHardnegError } from "./elastic-errors.js";
import { assertIndexName } from "./elastic-index-names.js";
import { bulkFailuresOf, documentOf, hardnegIndicesOf, hitsOf, recordOf, scoresOf, specOf } from "./elastic-mapping.js";
import {
  bm25ScoreBody,
  bm25SearchBody,
  bulkOperations,
  denseVectorMapping,
  documentsByIdBody,
  FALLBACK_ANALYZER,
  fallbackAnalysisSettings,
  indexMappings,
  pageBody,
  rrfSearchBody,
  vectorScoreBody,
  vectorSearchBody,
} from "./elastic-requests.js";

/** Options of {@link openElasticBackend} and {@link ElasticBackend}. */
export interface ElasticBackendOptions {
  /** A client to use instead of creating one (tests, custom transports). Default: a new `Client`. */
  client?: ElasticClient;
  /** Computes query and document vectors; without it only "bm25" is offered. Default: none. */
  embedder?: Embedder;
  /**
   * Document vectors computed elsewhere: taken from this record property on upsert (and left in
   * the record too). Query vectors must then come with each search request. Default: none.
   */
  documentVectors?: { property: string; dimension: number };
  /** The `dense_vector` field holding document vectors. Default "hardneg_vector". */
  vectorField?: string;
  /** Search requests per `_msearch` call. Default 64. */
  requestsPerCall?: number;
  /** Records per `_bulk` call. Default 500. */
  recordsPerBulk?: number;
  /** Calls in flight at once. Default 2. */
  concurrency?: number;
  /** Retries of transient failures (timeouts, 429, 5xx). Default: core's `withRetries` defaults (4 retries, 250 ms base). */
  retry?: Omit<RetryOptions, "isTransient">;
  /**
   * How bulk writes become visible to searches. Default "on-read": writes do not wait; the first
   * search, count or scan of an index this backend wrote to refreshes it once, and `close`
   * refreshes what is left, so later readers (other processes too) see every write. "wait_for"
   * makes each bulk call wait for the next periodic refresh (up to a second per call).
   */
  refresh?: "on-read" | "wait_for";
  /** Per-request timeout of a client this adapter creates. Default 30 000 ms. */
  requestTimeoutMs?: number;
  /**
   * Analyzer of the content and title fields of new document indexes. Default "english"
   * (English stop words and stemming, as in BEIR's Elasticsearch baseline) when the cluster has
   * it; a cluster without the analysis-common module (such as Elasticsearch's integration-test
   * distribution) gets the standard tokenizer, lowercase and English stop words, unstemmed.
   */
  analyzer?: string;
}

/** Elasticsearch refuses `from + size` above this (`index.max_result_window`'s default). */
const MAX_K = 10_000;
const POINT_IN_TIME_KEEP_ALIVE = "2m";

/**
 * hardneg on Elasticsearch: one index per collection, `multi_match` BM25 over content (and
 * title), `knn` over a `dense_vector` field, hybrid with the `rrf` retriever, iteration with a
 * point in time and `search_after`, writes through `_bulk` with per-item errors surfaced. A
 * driver: core checks every input before calling it ({@link openElasticBackend} wraps it with
 * `createEngine`).
 */
export class ElasticBackend implements EngineDriver {
  readonly specificationVersion = "v1" as const;
  readonly name = "elastic";
  /** The embedder's id when one computes the vectors; vector and hybrid run ids include it. */
  readonly embedderId?: string;
  /** BM25 always; vector and hybrid (both fusions) when document vectors exist (an embedder or `documentVectors`). */
  readonly modes: readonly SearchMode[];
  /** The search modes but hybrid: a hybrid score depends on the other candidates of the fused lists. */
  readonly scoreDocumentsModes: readonly SearchMode[];
  /** Elasticsearch refuses `from + size` above `index.max_result_window`, 10 000 by default. */
  readonly maxK = MAX_K;
  private readonly client: ElasticClient;
  private readonly embedder: Embedder | undefined;
  private readonly documentVectors: { property: string; dimension: number } | undefined;
  /** False once the cluster refused the `rrf` retriever (licence); hybrid then fuses client-side. */
  private serverRrf = true;
  private readonly vectorField: string;
  private readonly requestsPerCall: number;
  private readonly recordsPerBulk: number;
  private readonly concurrency: number;
  private readonly retry: Omit<RetryOptions, "isTransient">;
  private readonly refresh: "on-read" | "wait_for";
  /** Indexes written since their last refresh (refresh "on-read"). */
  private readonly unrefreshed = new Set<string>();
  private readonly specs = new Map<string, CollectionSpec>();
  private readonly analyzer: string | undefined;
  private defaultAnalyzer: Promise<string> | undefined;

  constructor(client: ElasticClient, options: ElasticBackendOptions = {}) {
    this.client = client;
    this.embedder = options.embedder;
    if (options.embedder !== undefined) this.embedderId = options.embedder.id;
    this.documentVectors = options.documentVectors;
    this.vectorField = options.vectorField ?? "hardneg_vector";
    this.requestsPerCall = positiveIntegerOption(options.requestsPerCall ?? 64, "requestsPerCall", { component: COMPONENT });
    this.recordsPerBulk = positiveIntegerOption(options.recordsPerBulk ?? 500, "recordsPerBulk", { component: COMPONENT });
    this.concurrency = positiveIntegerOption(options.concurrency ?? 2, "concurrency", { component: COMPONENT });
    this.retry = options.retry ?? {};
    this.refresh = options.refresh ?? "on-read";
    this.analyzer = options.analyzer;
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
    if (options.mode === "hybrid") {
      // The rrf retriever is unweighted in 8.x, so it serves alpha 0.5 only; anything else,
      // or a cluster whose licence refuses it, fuses a BM25 and a kNN list with core's fuseHits.
      if (options.fusion === "rrf" && options.alpha === 0.5 && this.serverRrf) {
        try {
          const bodies = texts.map((text, position) => rrfSearchBody(target, this.vectorField, text, vectors![position]!, k));
          return (await this.multiSearch(target.collection, bodies, "hybrid search")).map((response) => hitsOf(response, target.idKey, k));
        } catch (error) {
          if (!isRrfRefusal(error)) throw error;
          this.serverRrf = false;
        }
      }
      const bodies = texts.flatMap((text, position) => [
        bm25SearchBody(target, text, k),
        vectorSearchBody(target, this.vectorField, vectors![position]!, k),
      ]);
      const responses = await this.multiSearch(target.collection, bodies, "hybrid search (keyword and vector lists)");
      return texts.map((_, position) =>
        fuseHits(hitsOf(responses[2 * position]!, target.idKey, k), hitsOf(responses[2 * position + 1]!, target.idKey, k, "knn-cosine"), {
          fusion: options.fusion!,
          alpha: options.alpha!,
          k,
        }),
      );
    }
    const bodies = texts.map((text, position) =>
      options.mode === "bm25" ? bm25SearchBody(target, text, k) : vectorSearchBody(target, this.vectorField, vectors![position]!, k),
    );
    const responses = await this.multiSearch(target.collection, bodies, `${options.mode} search`);
    return responses.map((response) => hitsOf(response, target.idKey, k, options.mode === "vector" ? "knn-cosine" : "engine"));
  }

  async getDocuments(target: DocumentTarget, ids: readonly string[]): Promise<Map<string, Doc>> {
    const bodies = chunked(ids, MAX_K).map((chunk) => documentsByIdBody(target, chunk));
    const responses = await this.multiSearch(target.collection, bodies, "fetch documents by id");
    const documents = new Map<string, Doc>();
    for (const response of responses) {
      for (const hit of response.hits.hits) {
        const document = documentOf(hit, target, this.vectorField);
        if (!documents.has(document.id)) documents.set(document.id, document);
      }
    }
    return documents;
  }

  /** BM25 or vector scores of given documents (BM25 gives 0 when no term matches); core asks only in `scoreDocumentsModes`. */
  async scoreDocuments(
    target: DocumentTarget,
    request: SearchRequest,
    ids: readonly string[],
    options: SearchOptions,
  ): Promise<Map<string, number>> {
    const text = request.text;
    const where = { component: COMPONENT, collection: target.collection };
    const [vector] = (await searchQueryVectors(options.mode, [request], this, this.embedder, where)) ?? [];
    const body = vector === undefined ? bm25ScoreBody(target, text, ids) : vectorScoreBody(target, this.vectorField, vector, ids);
    const [response] = await this.multiSearch(target.collection, [body], "score documents");
    return scoresOf(response!, target.idKey, options.mode === "vector" ? "knn-cosine" : "engine");
  }

  // ---- StoreDriver ----

  /**
   * Creates the index with hardneg's mappings. Core calls it only when `describeCollection` found
   * none; when another writer creates it in between, Elasticsearch answers
   * `resource_already_exists_exception` and core accepts the other's index of the same kind.
   */
  async createCollection(spec: CollectionSpec): Promise<void> {
    assertIndexName(spec.name);
    const vectors = spec.kind === "documents" ? await this.vectorsSource() : undefined;
    const dimensions = vectors?.dimension;
    const analyzer = spec.kind === "documents" ? await this.documentAnalyzer() : undefined;
    // The stored spec records whose vectors the index holds, so searches with another embedder are refused.
    spec = vectors === undefined ? spec : { ...spec, vectors };
    const mappings = indexMappings(spec, {
      vectorField: this.vectorField,
      ...(dimensions === undefined ? {} : { dimensions }),
      ...(analyzer === undefined ? {} : { analyzer }),
    });
    const settings = analyzer === FALLBACK_ANALYZER ? fallbackAnalysisSettings() : undefined;
    await this.call("create index", spec.name, () =>
      this.client.indices.create({ index: spec.name, mappings, ...(settings === undefined ? {} : { settings }) }),
    );
    this.specs.set(spec.name, spec);
  }

  async describeCollection(name: string): Promise<CollectionSpec | undefined> {
    assertIndexName(name);
    const known = this.specs.get(name);
    if (known !== undefined) return known;
    try {
      const response = await this.call("read index mappings", name, () => this.client.indices.getMapping({ index: name }));
      const spec = specOf(name, Object.values(response)[0]?.mappings?._meta);
      this.specs.set(name, spec);
      return spec;
    } catch (error) {
      if (HardnegError.isInstance(error) && error.code === "MISSING_COLLECTION") return undefined;
      throw error;
    }
  }

  /**
   * The indices holding hardneg's spec in their mappings' `_meta`, read in one get-mapping over
   * the open, non-hidden indices (system indices are hidden); the user's other indices are left out.
   */
  async listCollections(): Promise<string[]> {
    const response = await this.call("list indices", undefined, () =>
      this.client.indices.getMapping({ index: "*", expand_wildcards: "open", filter_path: "*.mappings._meta" }),
    );
    const specs = hardnegIndicesOf(response ?? {});
    for (const spec of specs) this.specs.set(spec.name, spec);
    return specs.map((spec) => spec.name);
  }

  /** Deletes the index; deleting a missing one does nothing. */
  async deleteCollection(name: string): Promise<void> {
    assertIndexName(name);
    this.specs.delete(name);
    this.unrefreshed.delete(name);
    try {
      await this.call("delete index", name, () => this.client.indices.delete({ index: name }));
    } catch (error) {
      if (!(HardnegError.isInstance(error) && error.code === "MISSING_COLLECTION")) throw error;
    }
  }

  async count(name: string): Promise<number> {
    assertIndexName(name);
    await this.refreshIfWritten(name);
    const response = await this.call("count", name, () => this.client.count({ index: name }));
    return response.count;
  }

  /**
   * Writes records with `_bulk` `index` actions (create or replace by id). Items refused with a
   * transient status (429 when the write queue is full, 5xx) are resent with backoff; any other
   * refused item fails the call with a BadInputError naming the first records and reasons.
   */
  async upsert(name: string, records: readonly StoredRecord[]): Promise<void> {
    assertIndexName(name);
    const spec = await this.describeCollection(name);
    if (spec === undefined)
      throw toHardnegError({ meta: { statusCode: 404, body: { error: { type: "index_not_found_exception" } } } }, "upsert", name);
    // Core passes distinct ids (the last write of each), so chunks written concurrently cannot reorder two writes of one id.
    await mapConcurrently(chunked(records, this.recordsPerBulk), this.concurrency, async (chunk) => {
      const vectors =
        spec.kind === "documents" && spec.target !== undefined ? await this.documentVectorsOf(name, chunk, spec.target) : undefined;
      if (vectors !== undefined) await this.recordVectors(this.specs.get(name) ?? spec);
      if (this.refresh === "on-read") this.unrefreshed.add(name);
      await this.bulkWithItemRetries(name, chunk, vectors);
    });
  }

  /** Records in `_shard_doc` order through a point in time, `batchSize` per batch (at most 10 000). */
  async *iterate(name: string, options: { batchSize: number }): AsyncIterable<StoredRecord[]> {
    assertIndexName(name);
    const batchSize = Math.min(options.batchSize, MAX_K);
    await this.refreshIfWritten(name);
    let pitId = (
      await this.call("open point in time", name, () => this.client.openPointInTime({ index: name, keep_alive: POINT_IN_TIME_KEEP_ALIVE }))
    ).id;
    try {
      let searchAfter: unknown[] | undefined;
      for (;;) {
        const body = pageBody(pitId, batchSize, searchAfter, POINT_IN_TIME_KEEP_ALIVE);
        const response = await this.call("iterate", name, () => this.client.search(body));
        pitId = response.pit_id ?? pitId;
        const hits = response.hits.hits;
        if (hits.length > 0) yield hits.map((hit) => recordOf(hit._id, hit._source, this.vectorField));
        if (hits.length < batchSize) return;
        searchAfter = hits[hits.length - 1]!.sort;
      }
    } finally {
      // Best effort: an unclosed point in time expires after its keep-alive anyway.
      await this.client.closePointInTime({ id: pitId }).catch(() => undefined);
    }
  }

  async getRecords(name: string, ids: readonly string[]): Promise<Map<string, StoredRecord>> {
    assertIndexName(name);
    const records = new Map<string, StoredRecord>();
    await mapConcurrently(chunked(ids, 1000), this.concurrency, async (chunk) => {
      const response = await this.call("get records", name, () => this.client.mget({ index: name, ids: chunk }));
      // _mget answers 200 for a missing index, with the index_not_found error on each document.
      const missing = response.docs.find((document) => document.error?.type === "index_not_found_exception");
      if (missing !== undefined) throw toHardnegError({ meta: { statusCode: 404, body: { error: missing.error } } }, "get records", name);
      for (const document of response.docs) {
        if (document.found === true) records.set(document._id, recordOf(document._id, document._source, this.vectorField));
      }
    });
    return records;
  }

  async close(): Promise<void> {
    for (const index of [...this.unrefreshed]) await this.refreshIfWritten(index).catch(() => undefined);
    await this.client.close?.();
  }

  // ---- internals ----

  /** The configured analyzer, else "english" when the cluster has it (asked once), else the fallback. */
  private documentAnalyzer(): Promise<string> {
    if (this.analyzer !== undefined) return Promise.resolve(this.analyzer);
    this.defaultAnalyzer ??= this.call("check the english analyzer", undefined, () =>
      this.client.indices.analyze({ analyzer: "english", text: "probe" }),
    ).then(
      () => "english",
      (error: unknown) => {
        if (HardnegError.isInstance(error) && error.code === "BAD_INPUT" && /analyzer/i.test(error.message)) return FALLBACK_ANALYZER;
        this.defaultAnalyzer = undefined; // a failure to ask is asked again next time
        throw error;
      },
    );
    return this.defaultAnalyzer;
  }

  /**
   * Where this backend's document vectors come from: the configured property, else the embedder
   * (a model learns its dimension on its first call).
   */
  private vectorsSource(): Promise<DocumentVectorsSource | undefined> {
    return documentVectorsSourceOf(this.documentVectors, this.embedder);
  }

  /**
   * Before vectors are written into a documents index, makes sure it maps them and records their
   * source: an index created without vectors (loaded before an embedder was used) gets the vector
   * field now; one holding another embedder's vectors is refused.
   */
  private async recordVectors(spec: CollectionSpec): Promise<void> {
    const source = (await this.vectorsSource())!;
    const updated = withDocumentVectors(spec, source, { component: COMPONENT, collection: spec.name });
    if (updated === undefined) return;
    await this.call("add the vector field", spec.name, () =>
      this.client.indices.putMapping({
        index: spec.name,
        _meta: { hardneg: updated },
        properties: { [this.vectorField]: denseVectorMapping(source.dimension) },
      }),
    );
    this.specs.set(spec.name, updated);
  }

  /** Vectors for document records: from the configured property, else from the embedder, else none. */
  private async documentVectorsOf(
    collection: string,
    records: readonly StoredRecord[],
    target: Omit<DocumentTarget, "collection">,
  ): Promise<ArrayLike<number>[] | undefined> {
    if (this.documentVectors !== undefined) {
      const { property, dimension } = this.documentVectors;
      return records.map((record) => documentVectorProperty(record, property, dimension, { collection, component: COMPONENT }));
    }
    return this.embedder?.embedDocuments(records.map((record) => documentTextOf(record, target)));
  }

  /**
   * Runs bodies through `_msearch`, `requestsPerCall` per call, `concurrency` calls at once.
   * A refused sub-search fails its whole call (retried when transient), so results stay aligned.
   */
  private async multiSearch(index: string, bodies: Record<string, unknown>[], action: string): Promise<ElasticSearchResponse[]> {
    assertIndexName(index);
    await this.refreshIfWritten(index);
    const chunks = chunked(bodies, this.requestsPerCall);
    const answered = await mapConcurrently(chunks, this.concurrency, (chunk) =>
      this.call(action, index, () =>
        this.client.msearch({ searches: chunk.flatMap((body) => [{ index }, body]) }).then((response) => {
          for (const item of response.responses) if (item.error !== undefined) throw { status: item.status, error: item.error };
          return response.responses;
        }),
      ),
    );
    return answered.flat();
  }

  private async bulkWithItemRetries(
    index: string,
    records: readonly StoredRecord[],
    vectors: readonly ArrayLike<number>[] | undefined,
  ): Promise<void> {
    let pending = records.map((record, position) => ({ record, vector: vectors?.[position] }));
    await this.call("bulk write", index, async () => {
      const response = await this.client.bulk({
        operations: bulkOperations(
          index,
          pending.map((item) => item.record),
          this.vectorField,
          vectors === undefined ? undefined : pending.map((item) => item.vector!),
        ),
        refresh: this.refresh === "wait_for" ? "wait_for" : false,
      });
      const failures = bulkFailuresOf(
        response,
        pending.map((item) => item.record.id),
      );
      const permanent = failures.filter((failure) => !isTransientStatus(failure.status));
      if (permanent.length > 0) {
        const listed = permanent
          .slice(0, 5)
          .map((failure) => `"${failure.id}": ${failure.type} ${failure.reason}`)
          .join("; ");
        throw new BadInputError(`${permanent.length} of ${pending.length} records were refused: ${listed}`, {
          component: COMPONENT,
          collection: index,
        });
      }
      if (failures.length > 0) {
        pending = failures.map((failure) => pending[failure.position]!);
        const first = failures[0]!;
        throw { status: first.status, error: { type: first.type, reason: `${failures.length} records refused (${first.reason})` } };
      }
    });
  }

  /** Makes this backend's unrefreshed writes to `index` searchable (read-your-writes without a wait per bulk call). */
  private async refreshIfWritten(index: string): Promise<void> {
    if (!this.unrefreshed.delete(index)) return;
    try {
      await this.call("refresh", index, () => this.client.indices.refresh({ index }));
    } catch (error) {
      this.unrefreshed.add(index);
      throw error;
    }
  }

  /** One engine call with retries of transient failures, failures mapped to hardneg errors. */
  private async call<T>(action: string, collection: string | undefined, operation: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(operation, { ...this.retry, isTransient: isElasticTransient });
    } catch (error) {
      throw toHardnegError(error, action, collection);
    }
  }
}

/**
 * Connects to the Elasticsearch cluster at `url` (e.g. "http://localhost:9200") and returns the
 * engine core checks: an {@link ElasticBackend} wrapped by `createEngine` (`.driver` is the
 * backend). Credentials come from the environment only: `ELASTICSEARCH_API_KEY`, else
 * `ELASTICSEARCH_USERNAME` and `ELASTICSEARCH_PASSWORD`. Nothing is sent until the first call.
 */
export async function openElasticBackend(url: string, options: ElasticBackendOptions = {}): Promise<EngineOf<ElasticBackend>> {
  if (options.client !== undefined) return createEngine(new ElasticBackend(options.client, options));
  if (typeof url !== "string" || !/^https?:\/\//.test(url)) {
    throw new BadOptionError("url", `must be an http(s) URL such as "http://localhost:9200", got ${JSON.stringify(url)}`, {
      component: COMPONENT,
    });
  }
  let client: ElasticClient;
  try {
    client = createElasticClient(url, options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs });
  } catch (error) {
    throw new ConnectionError(`cannot create a client for ${new URL(url).origin}`, { component: COMPONENT, cause: error });
  }
  return createEngine(new ElasticBackend(client, options));
}

/** The cluster cannot run the `rrf` retriever: its licence refuses it, or it predates retrievers (400). */
function isRrfRefusal(error: unknown): boolean {
  if (!HardnegError.isInstance(error)) return false;
  return error.code === "UNSUPPORTED_CAPABILITY" || (error.code === "BAD_INPUT" && /retriever|rrf/i.test(error.message));
}
