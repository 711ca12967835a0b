import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { BadInputError, BadOptionError, normalizeVector, type Embedder } from "@hardneg/core/adapter";
import type { Bm25Index } from "../bm25/bm25-index.js";
import { textOf } from "../bm25/index-manager.js";
import type { DocumentFields, SqliteStore } from "../sqlite-store.js";
import { readVectorFile, writeVectorFile } from "./vector-file.js";
import { removeStaleTemporaries } from "../temporary-files.js";
import type { RankedDocuments } from "../bm25/top-k.js";
import { loadUsearch, VectorIndex, VECTORS_PER_BUILD_STEP } from "./vector-index.js";
import { searchVectors } from "./vector-search.js";

/**
 * Which search serves vector (and hybrid) lists: "exact" scores every document; "approximate"
 * asks the HNSW index for candidates and rescores them exactly; "auto" (the default) is
 * approximate from {@link APPROXIMATE_SEARCH_THRESHOLD} documents on, exact below.
 */
export type VectorIndexMode = "auto" | "exact" | "approximate";
export const VECTOR_INDEX_MODES: readonly VectorIndexMode[] = ["auto", "exact", "approximate"];

/**
 * From this many documents "auto" searches approximately. Below it exact search is fast enough
 * (6.7 queries/s on one busy core at 50,000 × 384, hundreds at SciFact's size) and never misses; above
 * it it slows down in proportion (0.7 queries/s at 1M × 384). See benchmarks/README.md.
 */
export const APPROXIMATE_SEARCH_THRESHOLD = 50_000;

/** Whether `mode` searches `documentCount` documents through the approximate index. */
export function usesApproximateIndex(mode: VectorIndexMode, documentCount: number): boolean {
  return mode === "approximate" || (mode === "auto" && documentCount >= APPROXIMATE_SEARCH_THRESHOLD);
}

/** Facts about an approximate index, as returned by `LocalBackend.prepareVectorIndex`. */
export interface VectorIndexStats {
  source: "built" | "loaded" | "cached";
  /** The index file (usearch's; its header is `<file>.json`), or undefined for an in-memory database. */
  file: string | undefined;
  collectionVersion: number;
  documentCount: number;
  /** Time spent building or loading (0 when cached). */
  milliseconds: number;
}

/** Documents embedded per call to the embedder (it batches further on its own). */
const EMBED_CHUNK = 512;

/** How the vectors of a call were obtained: embedded now, read from their file, or already in memory. */
export type VectorSource = "embedded" | "loaded" | "cached";

/** One collection's document vectors: row i belongs to BM25 document index i. */
export interface DocumentVectors {
  /** Unit-length rows, `documentCount × dimension` floats. */
  matrix: Float32Array;
  dimension: number;
  documentCount: number;
  collectionVersion: number;
}

/** Facts about document vectors, as returned by `LocalBackend.prepareVectors`. */
export interface VectorStats {
  source: VectorSource;
  /** The vectors file, or undefined for an in-memory database. */
  file: string | undefined;
  embedderId: string;
  collectionVersion: number;
  documentCount: number;
  dimension: number;
  /** Time spent embedding or loading (0 when cached). */
  milliseconds: number;
}

/**
 * Keeps the document vectors of each (collection, target, embedder): from memory, else from
 * `<collection>@<key>.vectors` next to the BM25 index when computed at the current collection
 * version, else embedded (through the embedder's own cache) and written there. Rows follow the
 * BM25 index's document order, so hybrid search addresses both by one document index.
 */
export class VectorManager {
  private readonly cache = new Map<string, DocumentVectors>();
  /** Approximate indexes by the same key as `cache`, each for the vectors it was built from. */
  private readonly indexes = new Map<string, { index: VectorIndex; vectors: DocumentVectors }>();
  /** Set once "auto" found usearch unusable here (said once, then exact search). */
  private usearchUnavailable = false;
  /** Computations in flight, so concurrent first searches embed the corpus once. */
  private readonly pending = new Map<string, Promise<DocumentVectors>>();

  constructor(
    private readonly store: SqliteStore,
    private readonly embedder: Embedder,
    private readonly directory: string | undefined,
    /** Receives one line per problem worth telling (vectors not saved, a damaged file). */
    private readonly warn: (message: string) => void,
    private readonly mode: VectorIndexMode = "auto",
    /** Receives the progress lines of a long approximate-index build. */
    private readonly progress: (message: string) => void = () => {},
  ) {}

  /**
   * The top `k` of each query among `vectors` (from {@link obtain}): exact, or through the
   * approximate index when the mode and size call for it. Vector and hybrid lists both come from here.
   */
  search(
    collection: string,
    fields: DocumentFields,
    vectors: DocumentVectors,
    queries: readonly Float32Array[],
    k: number,
  ): RankedDocuments[] {
    const approximate = this.approximateIndex(collection, fields, vectors);
    if (approximate === undefined) return searchVectors(vectors.matrix, vectors.dimension, queries, k);
    return approximate.index.search(vectors.matrix, vectors.dimension, queries, k);
  }

  /**
   * The approximate index over `vectors` when the mode and size call for one (else undefined):
   * from memory, else from `<collection>@<key>.ann` (with its header `.ann.json`) when built
   * from the same vectors at the same collection version, else built and written there. A
   * damaged file is rebuilt with one warning and never read by usearch.
   */
  approximateIndex(
    collection: string,
    fields: DocumentFields,
    vectors: DocumentVectors,
  ): { index: VectorIndex; stats: VectorIndexStats } | undefined {
    // An empty collection (no vectors, no dimension) has nothing to index: exact search answers it.
    if (!usesApproximateIndex(this.mode, vectors.documentCount) || vectors.documentCount === 0 || this.usearchUnavailable) return undefined;
    const loaded = loadUsearch();
    if (loaded instanceof Error) {
      if (this.mode === "approximate")
        throw new BadOptionError("vectorIndex", `"approximate" needs the usearch module, which does not load here (${loaded.message})`, {
          component: "local",
        });
      this.usearchUnavailable = true;
      this.warn(`[hardneg] [local] warning: the usearch module does not load here (${loaded.message}); searching vectors exactly`);
      return undefined;
    }
    const key = this.keyOf(collection, fields);
    const cacheKey = `${collection}\u0000${key}`;
    const file = this.directory === undefined ? undefined : join(this.directory, `${collection}@${key}.ann`);
    const started = performance.now();
    const result = (source: VectorIndexStats["source"], index: VectorIndex) => ({
      index,
      stats: {
        source,
        file,
        collectionVersion: vectors.collectionVersion,
        documentCount: vectors.documentCount,
        milliseconds: source === "cached" ? 0 : performance.now() - started,
      },
    });
    const cached = this.indexes.get(cacheKey);
    if (cached !== undefined && cached.vectors === vectors) return result("cached", cached.index);
    const identity = {
      key,
      databaseId: this.store.databaseId,
      collectionVersion: vectors.collectionVersion,
      embedderId: this.embedder.id,
      documentCount: vectors.documentCount,
      dimension: vectors.dimension,
    };
    if (file !== undefined) {
      const read = VectorIndex.load(file, identity);
      if (read.status === "read") {
        this.indexes.set(cacheKey, { index: read.index, vectors });
        return result("loaded", read.index);
      }
      if (read.status === "damaged")
        this.warn(`[hardneg] [local] warning: approximate vector index ${file} is damaged (${read.reason}); rebuilding it`);
    }
    const index = this.buildIndex(collection, vectors);
    this.indexes.set(cacheKey, { index, vectors });
    if (file !== undefined) {
      try {
        mkdirSync(this.directory!, { recursive: true });
        removeStaleTemporaries(this.directory!);
        index.save(file, identity);
      } catch (cause) {
        this.warn(
          `[hardneg] [local] warning: could not write approximate vector index ${file} ` +
            `(${(cause as Error).message}); using it from memory, the next process builds it again`,
        );
      }
    }
    return result("built", index);
  }

  /** The vectors for `index` (the BM25 index of the same collection version), and how they were obtained. */
  async obtain(
    collection: string,
    fields: DocumentFields,
    index: Bm25Index,
    collectionVersion: number,
  ): Promise<{ vectors: DocumentVectors; stats: VectorStats }> {
    const key = this.keyOf(collection, fields);
    const cacheKey = `${collection}\u0000${key}`;
    const file = this.directory === undefined ? undefined : join(this.directory, `${collection}@${key}.vectors`);
    const started = performance.now();
    const result = (source: VectorSource, vectors: DocumentVectors) => ({
      vectors,
      stats: {
        source,
        file,
        embedderId: this.embedder.id,
        collectionVersion,
        documentCount: vectors.documentCount,
        dimension: vectors.dimension,
        milliseconds: source === "cached" ? 0 : performance.now() - started,
      },
    });
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined && cached.collectionVersion === collectionVersion) return result("cached", cached);

    if (file !== undefined) {
      const read = readVectorFile(file, { key, databaseId: this.store.databaseId, collectionVersion, embedderId: this.embedder.id });
      if (read.status === "read" && read.header.documentCount === index.documentCount) {
        const vectors = {
          matrix: read.matrix,
          dimension: read.header.dimension,
          documentCount: read.header.documentCount,
          collectionVersion,
        };
        this.cache.set(cacheKey, vectors);
        return result("loaded", vectors);
      }
      // Damaged vectors are never served: recomputed (the embedder's cache makes that cheap), said once.
      if (read.status === "damaged")
        this.warn(`[hardneg] [local] warning: document vectors file ${file} is damaged (${read.reason}); computing them again`);
    }

    const pendingKey = `${cacheKey}@${collectionVersion}`;
    let computation = this.pending.get(pendingKey);
    if (computation === undefined) {
      computation = this.compute(collection, fields, index, collectionVersion, key, cacheKey, file).finally(() =>
        this.pending.delete(pendingKey),
      );
      this.pending.set(pendingKey, computation);
    }
    return result("embedded", await computation);
  }

  /**
   * Builds the approximate index; one that takes more than one step (more than
   * {@link VECTORS_PER_BUILD_STEP} vectors: minutes, up to an hour at 1M) reports each step and
   * its end, since it runs inside the first vector search.
   */
  private buildIndex(collection: string, vectors: DocumentVectors): VectorIndex {
    const { documentCount } = vectors;
    const reported = documentCount > VECTORS_PER_BUILD_STEP;
    const started = performance.now();
    const prefix = `[hardneg] [local] building the approximate vector index of ${collection}`;
    const index = VectorIndex.build(vectors.matrix, vectors.dimension, documentCount, undefined, (added) => {
      if (!reported) return;
      const seconds = (performance.now() - started) / 1000;
      const share = Math.floor((100 * added) / documentCount);
      const counts = `${added.toLocaleString("en")} of ${documentCount.toLocaleString("en")} vectors`;
      this.progress(`${prefix}: ${counts} (${share}%, ${seconds.toFixed(0)} s)`);
    });
    if (reported) this.progress(`${prefix}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return index;
  }

  /** Forgets the in-memory vectors of `collection` (its files go with the BM25 index files). */
  forget(collection: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${collection}\u0000`)) this.cache.delete(key);
    for (const key of this.indexes.keys()) if (key.startsWith(`${collection}\u0000`)) this.indexes.delete(key);
  }

  private async compute(
    collection: string,
    fields: DocumentFields,
    index: Bm25Index,
    collectionVersion: number,
    key: string,
    cacheKey: string,
    file: string | undefined,
  ): Promise<DocumentVectors> {
    const { recordRowIds } = index.data;
    let matrix = new Float32Array(0);
    let dimension = 0;
    for (let start = 0; start < index.documentCount; start += EMBED_CHUNK) {
      const rowIds = Array.from(recordRowIds.subarray(start, Math.min(index.documentCount, start + EMBED_CHUNK)));
      const properties = this.store.getPropertiesByRowIds(collection, rowIds);
      const texts = rowIds.map((rowId) => {
        const record = properties.get(rowId);
        if (record === undefined)
          throw new BadInputError("a document changed while its vectors were computed; search again", { collection, component: "local" });
        // The same text the BM25 index searches: title, then content.
        const content = textOf(record[fields.contentKey]);
        const title = fields.titleKey === undefined ? "" : textOf(record[fields.titleKey]);
        return title === "" ? content : `${title} ${content}`;
      });
      const embedded = await this.embedder.embedDocuments(texts);
      if (start === 0) {
        dimension = embedded[0]?.length ?? 0;
        if (dimension === 0)
          throw new BadInputError(`embedder ${this.embedder.id} returned an empty vector`, { collection, component: "local" });
        matrix = new Float32Array(index.documentCount * dimension);
      }
      embedded.forEach((vector, position) => {
        if (vector.length !== dimension)
          throw new BadInputError(
            `embedder ${this.embedder.id} returned vectors of different lengths (${vector.length} and ${dimension})`,
            { collection, component: "local" },
          );
        const row = matrix.subarray((start + position) * dimension, (start + position + 1) * dimension);
        row.set(vector);
        normalizeVector(row);
      });
    }
    const vectors: DocumentVectors = { matrix, dimension, documentCount: index.documentCount, collectionVersion };
    // Written (and kept) only if nothing was written to the collection meanwhile.
    if (this.store.collectionVersion(collection) !== collectionVersion) return vectors;
    this.cache.set(cacheKey, vectors);
    if (file !== undefined && dimension > 0) {
      try {
        mkdirSync(this.directory!, { recursive: true });
        // Whenever the folder is written: temporaries of killed writers go (live ones stay).
        removeStaleTemporaries(this.directory!);
        writeVectorFile(
          file,
          {
            key,
            databaseId: this.store.databaseId,
            collectionVersion,
            embedderId: this.embedder.id,
            dimension,
            documentCount: index.documentCount,
          },
          matrix,
        );
      } catch (cause) {
        this.warn(
          `[hardneg] [local] warning: could not write document vectors ${file} ` +
            `(${(cause as Error).message}); using them from memory, the next process computes them again`,
        );
      }
    }
    return vectors;
  }

  private keyOf(collection: string, fields: DocumentFields): string {
    const identity = JSON.stringify({
      collection,
      idKey: fields.idKey,
      contentKey: fields.contentKey,
      titleKey: fields.titleKey ?? null,
      embedder: this.embedder.id,
    });
    return createHash("sha256").update(identity).digest("hex").slice(0, 20);
  }
}
