/**
 * Embedders turn texts into vectors on the client side, for engines that search vectors but do
 * not compute them (the local backend, LanceDB, Qdrant, ...). Engines receive one when opened.
 */

/** Whether a text is embedded as a query or as a document (models may prefix them differently). */
export type EmbeddingKind = "query" | "document";

/** Turns texts into vectors. Implementations batch, cache on disk and retry on their own. */
export interface Embedder {
  /**
   * Identifies the vectors this embedder produces (model, and anything that changes them, such as
   * prefixes or a requested dimension). Engines key stored vectors by it, and runs record it.
   */
  readonly id: string;
  /** Vector length; 0 until known (after the model has loaded or the server has answered once). */
  readonly dimension: number;
  /** One vector per text, in order. */
  embedQueries(texts: readonly string[]): Promise<Float32Array[]>;
  /** One vector per text, in order. */
  embedDocuments(texts: readonly string[]): Promise<Float32Array[]>;
}

/** How many texts an embedder has computed and how many it found in its cache. */
export interface EmbedderUsage {
  /** Texts sent to the model or server. */
  embedded: number;
  /** Texts answered from the on-disk cache (or repeated within one call). */
  cached: number;
}

/** The on-disk cache's options, shared by every embedder. */
export interface EmbeddingCacheOptions {
  /**
   * Folder holding one append-only cache file per embedder id. Default
   * `.hardneg-cache/embeddings` in the working directory.
   */
  directory?: string;
}

/** Options every embedder accepts. */
export interface EmbedderBaseOptions {
  /** Prepended to every query text before embedding, e.g. "query: ". Default none. */
  queryPrefix?: string;
  /** Prepended to every document text before embedding, e.g. "passage: ". Default none. */
  documentPrefix?: string;
  /** Texts per model call or request. */
  batchSize?: number;
  /** Batches in flight at once. */
  concurrency?: number;
  /** The on-disk cache, or `false` for none. Default: on, in `.hardneg-cache/embeddings`. */
  cache?: EmbeddingCacheOptions | false;
}

/** L2-normalises `vector` in place (a zero vector stays zero) and returns it. */
export function normalizeVector(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let index = 0; index < vector.length; index++) sum += vector[index]! * vector[index]!;
  if (sum === 0) return vector;
  const scale = 1 / Math.sqrt(sum);
  for (let index = 0; index < vector.length; index++) vector[index] = vector[index]! * scale;
  return vector;
}

/**
 * The vector length `embedder` produces: its `dimension` once known, else the length of one
 * probe embedding (a model learns its dimension when it first runs). Engines that declare a
 * vector size when creating a collection (Elasticsearch `dense_vector`, Qdrant) need it first.
 */
export async function embedderDimension(embedder: Embedder): Promise<number> {
  if (embedder.dimension > 0) return embedder.dimension;
  const [probe] = await embedder.embedDocuments(["dimension probe"]);
  return probe?.length ?? 0;
}
