import {
  BadInputError,
  BadOptionError,
  HardnegError,
  checkDocumentVectors,
  chunked,
  createEngine,
  documentTextOf,
  documentVectorProperty,
  documentVectorsSourceOf,
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
import {
  connectWeaviate,
  type WeaviateClientLike,
  type WeaviateCollectionLike,
  type WeaviateConnectionOptions,
} from "./weaviate-client.js";
import { COMPONENT, isWeaviateTransient, toHardnegError } from "./weaviate-errors.js";
import { documentOf, hardnegCollectionsOf, hitsOf, recordOf, specOf } from "./weaviate-mapping.js";
import { weaviateCollectionName } from "./weaviate-names.js";
import {
  bm25Options,
  collectionConfig,
  collectionDescription,
  fetchOptions,
  hybridOptions,
  nearOptions,
  objectIdOf,
  objectsOf,
  pageOptions,
} from "./weaviate-requests.js";

/** Options of {@link openWeaviateBackend} and {@link WeaviateBackend}. */
export interface WeaviateBackendOptions extends WeaviateConnectionOptions {
  /** A connected client to use instead of connecting (tests, custom set-ups). Default: connect to the location. */
  client?: WeaviateClientLike;
  /**
   * The vectorizer config given to `collections.create` for new documents, queries and
   * hard-negatives collections, e.g. `weaviate.configure.vectors.text2VecOpenAI()`. Default none.
   */
  vectorizers?: unknown;
  /**
   * True when the searched collections have a Weaviate vectorizer (nearText, hybrid without
   * client vectors). Default: true when `vectorizers` is given, else false.
   */
  serverVectorizer?: boolean;
  /** Computes query and document vectors client-side (nearVector, hybrid with a vector). Default none. */
  embedder?: Embedder;
  /**
   * Document vectors computed elsewhere, taken from this record property on upsert (and kept in
   * the properties too). Query vectors must then come with each request. Default none.
   */
  documentVectors?: { property: string; dimension: number };
  /** Queries in flight at once (Weaviate has no batch query). Default 4. */
  concurrency?: number;
  /** Objects per `insertMany`. Default 200. */
  objectsPerInsert?: number;
  /** Retries of transient failures and of failed batch objects. Default: core's `withRetries` defaults. */
  retry?: Omit<RetryOptions, "isTransient">;
}

/** Weaviate's default `QUERY_MAXIMUM_RESULTS`. */
const MAX_K = 10_000;

/** A batch in which some objects failed: retried for those objects only. */
class FailedObjects extends Error {
  constructor(readonly failures: Array<{ id: string; message: string }>) {
    super(`${failures.length} objects failed`);
  }
}

/**
 * hardneg on Weaviate (weaviate-client v3), the reference engine: `bm25`, `nearText` /
 * `nearVector` and `hybrid` (alpha and fusion type always explicit) with score metadata, gold
 * documents by a `containsAny` filter in one request per batch, cursor iteration, batch inserts
 * with failed objects retried and reported, UUIDv5 object ids. A driver: core checks every input
 * before calling it (open it with {@link openWeaviateBackend}, which wraps it with `createEngine`).
 */
export class WeaviateBackend implements EngineDriver {
  readonly specificationVersion = "v1" as const;
  readonly name = "weaviate";
  /** The embedder's id when client-side vectors are computed; vector and hybrid run ids include it. */
  readonly embedderId?: string;
  /** BM25 always; vector and hybrid when vectors exist (server vectorizer, embedder or document vectors). */
  readonly modes: readonly SearchMode[];
  /** The search modes but hybrid: a hybrid score depends on the other candidates of the fused lists. */
  readonly scoreDocumentsModes: readonly SearchMode[];
  /** Weaviate's default `QUERY_MAXIMUM_RESULTS`. */
  readonly maxK = MAX_K;
  private readonly client: WeaviateClientLike;
  private readonly options: WeaviateBackendOptions;
  private readonly serverVectorizer: boolean;
  private readonly concurrency: number;
  private readonly objectsPerInsert: number;
  private readonly specs = new Map<string, CollectionSpec>();

  constructor(client: WeaviateClientLike, options: WeaviateBackendOptions = {}) {
    this.client = client;
    this.options = options;
    if (options.embedder !== undefined) this.embedderId = options.embedder.id;
    this.serverVectorizer = options.serverVectorizer ?? options.vectorizers !== undefined;
    this.concurrency = positiveIntegerOption(options.concurrency ?? 4, "concurrency", { component: COMPONENT });
    this.objectsPerInsert = positiveIntegerOption(options.objectsPerInsert ?? 200, "objectsPerInsert", { component: COMPONENT });
    const hasVectors = this.serverVectorizer || options.embedder !== undefined || options.documentVectors !== undefined;
    this.modes = hasVectors ? ["bm25", "vector", "hybrid"] : ["bm25"];
    this.scoreDocumentsModes = this.modes.filter((mode) => mode !== "hybrid");
  }

  // ---- SearchDriver ----

  /** One query per request (Weaviate has no batch query), `concurrency` at a time, answers in request order. */
  async search(target: DocumentTarget, requests: readonly SearchRequest[], options: SearchOptions): Promise<Hit[][]> {
    const collection = this.collectionOf(target);
    const k = options.k;
    const texts = requests.map((request) => request.text);
    if (options.mode !== "bm25") await this.checkVectors(target.collection);
    const vectors = options.mode === "bm25" ? undefined : await this.queryVectors(requests, texts, target.collection);
    return mapConcurrently(texts, this.concurrency, (text, position) =>
      this.call(`${options.mode} search`, target.collection, async () => {
        const vector = vectors?.[position];
        if (options.mode === "bm25")
          return hitsOf((await collection.query.bm25(text, bm25Options(target, k))).objects, target.idKey, k, "score");
        if (options.mode === "hybrid")
          return hitsOf(
            (await collection.query.hybrid(text, hybridOptions(target, k, options.alpha!, options.fusion!, vector))).objects,
            target.idKey,
            k,
            "score",
          );
        const answer =
          vector === undefined
            ? await collection.query.nearText(text, nearOptions(target, k))
            : await collection.query.nearVector(Array.from(vector), nearOptions(target, k));
        return hitsOf(answer.objects, target.idKey, k, "distance");
      }),
    );
  }

  /** Documents whose id property is one of `ids`: one `containsAny` filter request per 1000 ids. */
  async getDocuments(target: DocumentTarget, ids: readonly string[]): Promise<Map<string, Doc>> {
    const collection = this.collectionOf(target);
    const documents = new Map<string, Doc>();
    await mapConcurrently(chunked(ids, 1000), this.concurrency, async (chunk) => {
      const answer = await this.call("fetch documents by id", target.collection, () =>
        collection.query.fetchObjects(fetchOptions(chunk.length, collection.filter.byProperty(target.idKey).containsAny(chunk))),
      );
      for (const object of answer.objects) {
        const document = documentOf(object, target);
        if (!documents.has(document.id)) documents.set(document.id, document);
      }
    });
    return documents;
  }

  /**
   * BM25 or vector scores of given documents, searched within a `containsAny` filter on their
   * ids; a BM25 search skips documents sharing no term, which score 0 (as in backend-local).
   * Core asks only in `scoreDocumentsModes` (bm25 and vector).
   */
  async scoreDocuments(
    target: DocumentTarget,
    request: SearchRequest,
    ids: readonly string[],
    options: SearchOptions,
  ): Promise<Map<string, number>> {
    const collection = this.collectionOf(target);
    const text = request.text;
    const filters = collection.filter.byProperty(target.idKey).containsAny([...ids]);
    const scores = new Map<string, number>();
    if (options.mode === "bm25") {
      const answer = await this.call("score documents", target.collection, () =>
        collection.query.bm25(text, bm25Options(target, ids.length, filters)),
      );
      for (const hit of hitsOf(answer.objects, target.idKey, ids.length, "score")) scores.set(hit.id, hit.score);
      const unmatched = ids.filter((id) => !scores.has(id));
      if (unmatched.length > 0)
        for (const id of (await this.getDocuments(target, unmatched)).keys()) if (!scores.has(id)) scores.set(id, 0);
      return scores;
    }
    await this.checkVectors(target.collection);
    const [vector] = await this.queryVectors([request], [text], target.collection);
    const answer = await this.call("score documents", target.collection, () =>
      vector === undefined
        ? collection.query.nearText(text, nearOptions(target, ids.length, filters))
        : collection.query.nearVector(Array.from(vector), nearOptions(target, ids.length, filters)),
    );
    for (const hit of hitsOf(answer.objects, target.idKey, ids.length, "distance")) scores.set(hit.id, hit.score);
    return scores;
  }

  // ---- StoreDriver ----

  /**
   * Creates the collection with hardneg's schema (and the configured vectorizer). Core calls it
   * only when `describeCollection` found none; when another writer creates it in between,
   * Weaviate refuses this create and core accepts the other's collection of the same kind.
   */
  async createCollection(spec: CollectionSpec): Promise<void> {
    const weaviateName = weaviateCollectionName(spec.name);
    // The stored spec records whose vectors the collection holds, so searches with another embedder are refused.
    const vectors = spec.kind === "documents" ? await this.vectorsSource() : undefined;
    spec = vectors === undefined ? spec : { ...spec, vectors };
    await this.call("create collection", undefined, () =>
      this.client.collections.create(collectionConfig(spec, weaviateName, this.options.vectorizers)),
    );
    this.specs.set(weaviateName, spec);
  }

  async describeCollection(name: string): Promise<CollectionSpec | undefined> {
    const weaviateName = weaviateCollectionName(name);
    const known = this.specs.get(weaviateName);
    if (known !== undefined) return { ...known, name };
    if (!(await this.exists(weaviateName))) return undefined;
    const config = await this.call("read collection", name, () => this.client.collections.get(weaviateName).config.get());
    const spec = specOf(name, config.description);
    this.specs.set(weaviateName, spec);
    return spec;
  }

  /**
   * The collections hardneg created (their description holds its spec), under hardneg's names
   * ("hardneg_runs", not Weaviate's "Hardneg_runs"); the user's other collections are left out.
   */
  async listCollections(): Promise<string[]> {
    const configs = await this.call("list collections", undefined, () => this.client.collections.listAll());
    const collections = hardnegCollectionsOf(configs);
    for (const { weaviateName, spec } of collections) this.specs.set(weaviateName, spec);
    return collections.map(({ spec }) => spec.name);
  }

  /** Deletes the collection; deleting a missing one does nothing. */
  async deleteCollection(name: string): Promise<void> {
    const weaviateName = weaviateCollectionName(name);
    this.specs.delete(weaviateName);
    if (await this.exists(weaviateName)) await this.call("delete collection", name, () => this.client.collections.delete(weaviateName));
  }

  async count(name: string): Promise<number> {
    const collection = this.client.collections.get(weaviateCollectionName(name));
    return (await this.call("count", name, () => collection.aggregate.overAll())).totalCount;
  }

  /**
   * Inserts objects with `insertMany` (a batch replaces objects with the same UUID, so writes
   * are idempotent). Objects Weaviate reports as failed are resent with backoff; those still
   * failing after the retries fail the call with a BadInputError naming records and messages.
   */
  async upsert(name: string, records: readonly StoredRecord[]): Promise<void> {
    const weaviateName = weaviateCollectionName(name);
    const spec = await this.describeCollection(name);
    if (spec === undefined) throw toHardnegError(new Error("no such collection"), "upsert", name, false);
    const collection = this.client.collections.get(weaviateName);
    // Core passes distinct ids (the last write of each), which matters: Weaviate writes one batch's objects in parallel.
    await mapConcurrently(chunked(records, this.objectsPerInsert), Math.min(this.concurrency, 2), async (chunk) => {
      const vectors =
        spec.kind === "documents" && spec.target !== undefined ? await this.documentVectorsOf(name, chunk, spec.target) : undefined;
      if (vectors !== undefined) await this.recordVectors(this.specs.get(weaviateName) ?? spec);
      let pending = objectsOf(chunk, spec, vectors);
      try {
        await withRetries(
          async () => {
            const result = await collection.data.insertMany(pending);
            if (!result.hasErrors) return;
            const positions = Object.keys(result.errors)
              .map(Number)
              .sort((left, right) => left - right);
            const failures = positions.map((position) => ({
              id: String(pending[position]!.properties.hardneg_id),
              message: result.errors[position]!.message,
            }));
            pending = positions.map((position) => pending[position]!);
            throw new FailedObjects(failures);
          },
          { ...this.options.retry, isTransient: (error) => error instanceof FailedObjects || isWeaviateTransient(error) },
        );
      } catch (error) {
        if (error instanceof FailedObjects) {
          const listed = error.failures
            .slice(0, 5)
            .map((failure) => `"${failure.id}": ${failure.message}`)
            .join("; ");
          throw new BadInputError(`${error.failures.length} of ${chunk.length} objects still failed after retries: ${listed}`, {
            component: COMPONENT,
            collection: name,
            cause: error,
          });
        }
        throw toHardnegError(error, "upsert", name, await this.existsQuietly(weaviateName));
      }
    });
  }

  /** Records in UUID order through the cursor API (`after`), `batchSize` per batch (at most Weaviate's 10 000). */
  async *iterate(name: string, options: { batchSize: number }): AsyncIterable<StoredRecord[]> {
    const collection = this.client.collections.get(weaviateCollectionName(name));
    const batchSize = Math.min(options.batchSize, MAX_K);
    let after: string | undefined;
    for (;;) {
      const page = await this.call("iterate", name, () => collection.query.fetchObjects(pageOptions(batchSize, after)));
      if (page.objects.length > 0) yield page.objects.map(recordOf);
      if (page.objects.length < batchSize) return;
      after = page.objects[page.objects.length - 1]!.uuid;
    }
  }

  async getRecords(name: string, ids: readonly string[]): Promise<Map<string, StoredRecord>> {
    const collection = this.client.collections.get(weaviateCollectionName(name));
    const records = new Map<string, StoredRecord>();
    await mapConcurrently(chunked(ids, 1000), this.concurrency, async (chunk) => {
      const answer = await this.call("get records", name, () =>
        collection.query.fetchObjects(fetchOptions(chunk.length, collection.filter.byId().containsAny(chunk.map(objectIdOf)))),
      );
      for (const object of answer.objects) {
        const record = recordOf(object);
        records.set(record.id, record);
      }
    });
    return records;
  }

  async close(): Promise<void> {
    await this.client.close?.();
  }

  // ---- internals ----

  private collectionOf(target: DocumentTarget): WeaviateCollectionLike {
    return this.client.collections.get(weaviateCollectionName(target.collection));
  }

  private exists(weaviateName: string): Promise<boolean> {
    return this.call("check collection", undefined, () => this.client.collections.exists(weaviateName));
  }

  /** Query vectors: the request's own, else the embedder's; undefined entries let the server vectorise. */
  private async queryVectors(
    requests: readonly SearchRequest[],
    texts: string[],
    collection: string,
  ): Promise<Array<ArrayLike<number> | undefined>> {
    const vectors: Array<ArrayLike<number> | undefined> = requests.map((request) => request.vector);
    const missing = vectors.flatMap((vector, position) => (vector === undefined ? [position] : []));
    if (missing.length === 0) return vectors;
    if (this.options.embedder !== undefined) {
      const computed = await this.options.embedder.embedQueries(missing.map((position) => texts[position]!));
      missing.forEach((position, index) => {
        vectors[position] = computed[index];
      });
    } else if (!this.serverVectorizer) {
      throw new BadInputError(`search request ${missing[0]} has no vector, and there is no embedder or server vectorizer to compute it`, {
        component: COMPONENT,
        collection,
      });
    }
    return vectors;
  }

  /** Where client-side document vectors come from: the configured property, else the embedder; none with a server vectorizer. */
  private vectorsSource(): Promise<DocumentVectorsSource | undefined> {
    return documentVectorsSourceOf(this.options.documentVectors, this.options.embedder);
  }

  /** Records in the collection's description whose vectors it now holds (refusing another embedder's) before they are written. */
  private async recordVectors(spec: CollectionSpec): Promise<void> {
    const updated = withDocumentVectors(spec, (await this.vectorsSource())!, { component: COMPONENT, collection: spec.name });
    if (updated === undefined) return;
    const weaviateName = weaviateCollectionName(spec.name);
    await this.call("record the document vectors", spec.name, () =>
      this.client.collections.get(weaviateName).config.update({ description: collectionDescription(updated) }),
    );
    this.specs.set(weaviateName, updated);
  }

  /** Refuses a vector or hybrid search the collection's stored vectors cannot serve (none, or another embedder's). */
  private async checkVectors(collection: string): Promise<void> {
    if (this.serverVectorizer) return;
    checkDocumentVectors(await this.describeCollection(collection), this.embedderId, { component: COMPONENT, collection });
  }

  private async documentVectorsOf(
    collection: string,
    records: readonly StoredRecord[],
    target: Omit<DocumentTarget, "collection">,
  ): Promise<ArrayLike<number>[] | undefined> {
    const property = this.options.documentVectors;
    if (property !== undefined)
      return records.map((record) =>
        documentVectorProperty(record, property.property, property.dimension, { collection, component: COMPONENT }),
      );
    if (this.options.embedder === undefined) return undefined;
    return this.options.embedder.embedDocuments(records.map((record) => documentTextOf(record, target)));
  }

  private async existsQuietly(weaviateName: string): Promise<boolean | undefined> {
    return this.client.collections.exists(weaviateName).catch(() => undefined);
  }

  /**
   * One engine call with retries of transient failures. On any other failure the collection's
   * existence is checked, so a missing collection is reported as such whatever the wording.
   */
  private async call<T>(action: string, collection: string | undefined, operation: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(operation, { ...this.options.retry, isTransient: isWeaviateTransient });
    } catch (error) {
      if (HardnegError.isInstance(error)) throw error;
      const exists = collection === undefined ? undefined : await this.existsQuietly(weaviateCollectionName(collection));
      throw toHardnegError(error, action, collection, exists);
    }
  }
}

/**
 * Connects to Weaviate at `location`, an http(s) URL ("http://localhost:8080", or a Weaviate
 * Cloud URL), and returns the engine core checks: a {@link WeaviateBackend} wrapped by
 * `createEngine` (`.driver` is the backend). gRPC goes to the same host (port 50051 by default,
 * 443 over https). The API key comes from `WEAVIATE_API_KEY` only.
 */
export async function openWeaviateBackend(location: string, options: WeaviateBackendOptions = {}): Promise<EngineOf<WeaviateBackend>> {
  if (options.client !== undefined) return createEngine(new WeaviateBackend(options.client, options));
  if (typeof location !== "string" || !/^https?:\/\//.test(location)) {
    throw new BadOptionError("location", `must be an http(s) URL such as "http://localhost:8080", got ${JSON.stringify(location)}`, {
      component: COMPONENT,
    });
  }
  try {
    return createEngine(new WeaviateBackend(await connectWeaviate(location, options), options));
  } catch (error) {
    throw toHardnegError(error, `connect to ${new URL(location).origin}`, undefined, undefined);
  }
}
