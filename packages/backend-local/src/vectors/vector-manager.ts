import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { BadInputError, normalizeVector, type Embedder } from "@hardneg/core/adapter";
import type { Bm25Index } from "../bm25/bm25-index.js";
import { textOf } from "../bm25/index-manager.js";
import type { DocumentFields, SqliteStore } from "../sqlite-store.js";
import { readVectorFile, writeVectorFile } from "./vector-file.js";
import { removeStaleTemporaries } from "../temporary-files.js";

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
  /** Computations in flight, so concurrent first searches embed the corpus once. */
  private readonly pending = new Map<string, Promise<DocumentVectors>>();

  constructor(
    private readonly store: SqliteStore,
    private readonly embedder: Embedder,
    private readonly directory: string | undefined,
    /** Receives one line per problem worth telling (vectors not saved, a damaged file). */
    private readonly warn: (message: string) => void,
  ) {}

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

  /** Forgets the in-memory vectors of `collection` (its files go with the BM25 index files). */
  forget(collection: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${collection}\u0000`)) this.cache.delete(key);
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
