import type { FtsOptions } from "@lancedb/lancedb";
import {
  BadInputError,
  BadOptionError,
  chunked,
  createEngine,
  fuseHits,
  mapConcurrently,
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
} from "@hardneg/core/adapter";
import { COLUMNS, type DocumentLayout } from "./lancedb-schema.js";
import { idFilter, keywordHits, vectorHits } from "./lancedb-search.js";
import { LanceDbTables, type OpenCollection } from "./lancedb-store.js";

/** Options of {@link openLanceDbBackend}. */
export interface LanceDbBackendOptions {
  /** Document property holding a record's vector (stored in a float32 vector column). Default "vector". */
  vectorKey?: string;
  /**
   * Computes query vectors for requests that carry none (only `embedQueries` is used: document
   * vectors are the records' own). With it, "vector" and "hybrid" are offered (so mining and eval
   * pick hybrid by default) and runs record its id; without it only "bm25". Default: none.
   */
  embedder?: Embedder;
  /**
   * LanceDB FTS index options, applied when the index is (re)built. Default LanceDB's: "simple"
   * tokenizer, lower-casing, ASCII folding, English stemming and stop words, no positions.
   */
  fts?: Partial<FtsOptions>;
  /** Requests of one `search` call run at once (LanceDB runs each on its own thread pool). Default 4. */
  searchConcurrency?: number;
  /**
   * Whether opening may create the folder and hardneg's metadata table. `true` (default): a
   * missing folder is created. `false`: a local folder must exist and hold a hardneg database,
   * else `MissingDatabaseError` (one line naming the path) and nothing is created; for
   * everything but loading data.
   */
  create?: boolean;
  /**
   * Accepted for the CLI's read-only commands and treated as `create: false`. LanceDB has no
   * read-only mode, so the folder is otherwise opened as usual (a search may still rebuild a
   * stale full-text index). Default `false`.
   */
  readOnly?: boolean;
}

const COMPONENT = "lancedb";
const LOOKUP_CHUNK_SIZE = 1000;

/**
 * hardneg's adapter for LanceDB, an embedded vector database: each collection is a LanceDB
 * table in the folder given to {@link openLanceDbBackend}; bm25 runs on LanceDB's native
 * full-text index, vector on an exact cosine scan, hybrid fuses both in core ({@link fuseHits}).
 * A driver: {@link openLanceDbBackend} wraps it with core's `createEngine`, which checks every
 * input (modes, k, alpha, fusion, texts, ids, records, collection names) before it is called.
 */
export class LanceDbBackend implements EngineDriver {
  readonly specificationVersion = "v1" as const;
  readonly name = "lancedb";
  /** "bm25" always; "vector" and "hybrid" too with an embedder (core's mining and eval send text only). */
  readonly modes: readonly SearchMode[];
  /** A hybrid score depends on the other candidates of the fused lists, so `scoreDocuments` leaves it out. */
  readonly scoreDocumentsModes: readonly SearchMode[] = ["bm25", "vector"];
  /** The embedder's id, when one computes query vectors (vector and hybrid runs record it). */
  readonly embedderId?: string;

  /** Prefer {@link openLanceDbBackend}. */
  constructor(
    private readonly tables: LanceDbTables,
    private readonly options: LanceDbBackendOptions = {},
  ) {
    this.modes = options.embedder === undefined ? ["bm25"] : ["bm25", "vector", "hybrid"];
    if (options.embedder !== undefined) this.embedderId = options.embedder.id;
  }

  // ---- StoreDriver ----

  async createCollection(spec: CollectionSpec): Promise<void> {
    await this.tables.createCollection(spec);
  }

  async describeCollection(name: string): Promise<CollectionSpec | undefined> {
    return this.tables.specOf(name);
  }

  /** Tables with a hardneg spec; the spec table `_hardneg_collections` is not one. */
  async listCollections(): Promise<string[]> {
    return this.tables.listCollections();
  }

  /** Drops the table. Deleting a missing collection does nothing. */
  async deleteCollection(name: string): Promise<void> {
    await this.tables.deleteCollection(name);
  }

  async count(name: string): Promise<number> {
    return this.tables.count(name);
  }

  /** Inserts or replaces records by id in one merge (atomic per call); an updated record keeps its position. */
  async upsert(name: string, records: readonly StoredRecord[]): Promise<void> {
    await this.tables.upsert(name, records);
  }

  /** Records in insertion order, in batches of `batchSize`. */
  async *iterate(name: string, options: { batchSize: number }): AsyncIterable<StoredRecord[]> {
    yield* this.tables.iterate(name, options.batchSize);
  }

  async getRecords(name: string, ids: readonly string[]): Promise<Map<string, StoredRecord>> {
    return this.tables.getRecords(name, ids);
  }

  async close(): Promise<void> {
    this.tables.close();
  }

  // ---- SearchDriver ----

  /** One hit list per request, in request order: at most `k` hits, best first, ranks from 1. */
  async search(target: DocumentTarget, requests: readonly SearchRequest[], options: SearchOptions): Promise<Hit[][]> {
    const { mode, k } = options;
    const texts = requests.map((request) => request.text);
    const collection = await this.documents(target);
    const vectors = mode === "bm25" ? [] : await this.queryVectors(requests, texts, collection, target.collection);
    const indexed = mode === "vector" || (await this.tables.ensureSearchIndex(collection, target.collection));
    const concurrency = this.options.searchConcurrency ?? 4;
    return mapConcurrently(texts, concurrency, async (text, index) => {
      const keyword = () => (indexed ? keywordHits(collection.table, text, k) : Promise.resolve([]));
      const vector = () => vectorHits(collection.table, vectors[index]!, k);
      if (mode === "bm25") return keyword();
      if (mode === "vector") return vector();
      const [keywordList, vectorList] = await Promise.all([keyword(), vector()]);
      return fuseHits(keywordList, vectorList, { fusion: options.fusion!, alpha: options.alpha!, k });
    });
  }

  /** Documents by their benchmark id (the `idKey` property), one query per 1000 ids. */
  async getDocuments(target: DocumentTarget, ids: readonly string[]): Promise<Map<string, Doc>> {
    const collection = await this.documents(target);
    const documents = new Map<string, Doc>();
    for (const chunk of chunked(ids, LOOKUP_CHUNK_SIZE)) {
      const rows = await collection.table.query().where(idFilter(chunk)).select([COLUMNS.documentId, COLUMNS.properties]).toArray();
      for (const row of rows) {
        const id = String(row[COLUMNS.documentId]);
        documents.set(id, toDoc(id, JSON.parse(String(row[COLUMNS.properties])) as Record<string, unknown>, collection.layout!));
      }
    }
    return documents;
  }

  /**
   * The engine's score of given documents for one request: BM25 (0 for a document no query word
   * matches) or cosine similarity, computed by a search restricted to those ids. Core never asks
   * for hybrid ({@link LanceDbBackend.scoreDocumentsModes}). Unknown ids are absent.
   */
  async scoreDocuments(
    target: DocumentTarget,
    request: SearchRequest,
    ids: readonly string[],
    options: SearchOptions,
  ): Promise<Map<string, number>> {
    const { mode } = options;
    const text = request.text;
    const collection = await this.documents(target);
    const known = [...(await this.getDocuments(target, ids)).keys()];
    const scores = new Map<string, number>();
    if (mode === "bm25") {
      for (const id of known) scores.set(id, 0);
      if (!(await this.tables.ensureSearchIndex(collection, target.collection))) return scores;
    }
    const [vector] = mode === "vector" ? await this.queryVectors([request], [text], collection, target.collection) : [];
    for (const chunk of chunked(known, LOOKUP_CHUNK_SIZE)) {
      const hits =
        mode === "bm25"
          ? await keywordHits(collection.table, text, chunk.length, chunk)
          : await vectorHits(collection.table, vector!, chunk.length, chunk);
      for (const hit of hits) scores.set(hit.id, hit.score);
    }
    return scores;
  }

  private async documents(target: DocumentTarget): Promise<OpenCollection & { layout: DocumentLayout }> {
    const collection = await this.tables.collection(target.collection);
    const { layout } = collection;
    if (layout === undefined)
      throw new BadOptionError("collection", `is a ${collection.spec.kind} collection; search needs a documents collection`, {
        component: COMPONENT,
        collection: target.collection,
      });
    for (const key of ["idKey", "contentKey"] as const) {
      if (target[key] !== layout.keys[key]) {
        throw new BadOptionError(
          key,
          `is "${String(target[key])}" but the collection was loaded with ${key} "${layout.keys[key]}" ` +
            `(its searchable columns are built from it); use the same key or reload the collection`,
          { component: COMPONENT, collection: target.collection },
        );
      }
    }
    return { ...collection, layout };
  }

  private async queryVectors(
    requests: readonly SearchRequest[],
    texts: readonly string[],
    collection: OpenCollection & { layout: DocumentLayout },
    name: string,
  ): Promise<number[][]> {
    const dimension = collection.layout.vectorDimension;
    if (dimension === undefined) {
      throw new UnsupportedCapabilityError(
        `vector and hybrid search need document vectors, and this collection has none ` +
          `(its records had no "${collection.layout.vectorKey}" property when first loaded); use mode "bm25"`,
        { component: COMPONENT, collection: name },
      );
    }
    const missing = requests.flatMap((request, index) => (request.vector === undefined ? [index] : []));
    const embedded = new Map<number, ArrayLike<number>>();
    if (missing.length > 0) {
      // Vector modes are offered only with an embedder, so core never sends one here without it.
      const vectors = await this.options.embedder!.embedQueries(missing.map((index) => texts[index]!));
      missing.forEach((requestIndex, position) => {
        embedded.set(requestIndex, vectors[position]!);
      });
    }
    return requests.map((request, index) => {
      const vector = Array.from(request.vector ?? embedded.get(index) ?? []);
      // Core checked the requests' own vectors are finite; the embedder's are checked here too.
      if (vector.length !== dimension || !vector.every(Number.isFinite)) {
        throw new BadInputError(
          `query vector of request ${index} must be ${dimension} finite numbers (the collection's dimension), got ${vector.length}`,
          { component: COMPONENT, collection: name },
        );
      }
      return vector;
    });
  }
}

/**
 * Opens (creating if needed) a LanceDB database in the folder at `path` (a LanceDB URI such as
 * `s3://...` works too, as far as LanceDB's `connect` supports it). The engine's `driver` is the
 * {@link LanceDbBackend}.
 */
export async function openLanceDbBackend(path: string, options: LanceDbBackendOptions = {}): Promise<EngineOf<LanceDbBackend>> {
  if (typeof path !== "string" || path === "")
    throw new BadOptionError("path", "must be a LanceDB folder path or URI", { component: COMPONENT });
  const concurrency = options.searchConcurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new BadOptionError("searchConcurrency", `must be a positive integer, got ${String(concurrency)}`, { component: COMPONENT });
  for (const option of ["create", "readOnly"] as const) {
    if (options[option] !== undefined && typeof options[option] !== "boolean")
      throw new BadOptionError(option, `must be true or false, got ${JSON.stringify(options[option])}`, { component: COMPONENT });
  }
  const embedder = options.embedder;
  if (embedder !== undefined && (typeof embedder?.id !== "string" || typeof embedder.embedQueries !== "function")) {
    throw new BadOptionError("embedder", "must be an Embedder (its id and embedQueries are used)", { component: COMPONENT });
  }
  const create = (options.create ?? true) && options.readOnly !== true;
  const tables = await LanceDbTables.open(path, options.vectorKey ?? "vector", options.fts ?? {}, create);
  return createEngine(new LanceDbBackend(tables, options));
}

function toDoc(id: string, properties: Record<string, unknown>, layout: DocumentLayout): Doc {
  const { keys } = layout;
  const { [keys.idKey]: _id, [keys.contentKey]: content, ...rest } = properties;
  const document: Doc = {
    id,
    text: typeof content === "string" ? content : content === undefined || content === null ? "" : String(content),
  };
  let fields = rest;
  if (keys.titleKey !== undefined && keys.titleKey in rest) {
    const { [keys.titleKey]: title, ...others } = rest;
    if (typeof title === "string") document.title = title;
    fields = others;
  }
  if (Object.keys(fields).length > 0) document.fields = fields;
  return document;
}
