import type { CachedEmbedding } from "./cached-embedding.js";
import type { Embedder, EmbedderUsage } from "./embedder.js";

/**
 * The members every embedder built on a {@link CachedEmbedding} serves the same way, so each
 * embedder only writes its id, its batch call and how it learns its dimension.
 */
export abstract class CachingEmbedder implements Embedder {
  abstract readonly id: string;
  /** Vector length learned from the model or server; 0 until known. */
  protected currentDimension = 0;
  protected abstract readonly embedding: CachedEmbedding;

  get dimension(): number {
    return this.currentDimension;
  }

  /** Texts embedded by the model or server, and texts answered from the cache, so far. */
  get usage(): EmbedderUsage {
    return this.embedding.usage;
  }

  embedQueries(texts: readonly string[]): Promise<Float32Array[]> {
    return this.embedding.embed(texts, "query");
  }

  embedDocuments(texts: readonly string[]): Promise<Float32Array[]> {
    return this.embedding.embed(texts, "document");
  }
}
