import { BadOptionError } from "../errors.js";
import { forEachConcurrently } from "../concurrency.js";
import type { EmbedderBaseOptions, EmbedderUsage, EmbeddingKind } from "./embedder.js";
import { EmbeddingCache } from "./embedding-cache.js";

/** Embeds one batch of (already prefixed) texts; the model or server call of an embedder. */
export type EmbedBatch = (texts: string[]) => Promise<Float32Array[]>;

/**
 * The part every embedder shares: prefixes, the cache, de-duplication, batching and bounded
 * concurrency. An embedder owns one and gives it the function that embeds one batch.
 * Texts are batched longest first, so each batch pads to similar lengths (cheaper for local models).
 */
export class CachedEmbedding {
  readonly usage: EmbedderUsage = { embedded: 0, cached: 0 };
  private readonly cache: EmbeddingCache | undefined;
  private readonly batchSize: number;
  private readonly concurrency: number;

  constructor(
    embedderId: string,
    options: EmbedderBaseOptions,
    defaults: { batchSize: number; concurrency: number },
    private readonly embedBatch: EmbedBatch,
  ) {
    this.batchSize = positiveInteger(options.batchSize ?? defaults.batchSize, "batchSize");
    this.concurrency = positiveInteger(options.concurrency ?? defaults.concurrency, "concurrency");
    this.cache = options.cache === false ? undefined : new EmbeddingCache(embedderId, options.cache?.directory);
    this.prefixes = { query: options.queryPrefix ?? "", document: options.documentPrefix ?? "" };
  }

  private readonly prefixes: Record<EmbeddingKind, string>;

  /** The cache file, or undefined when caching is off. */
  get cacheFile(): string | undefined {
    return this.cache?.file;
  }

  /** One vector per text, in order: from the cache where present, else from `embedBatch`. */
  async embed(texts: readonly string[], kind: EmbeddingKind): Promise<Float32Array[]> {
    if (!Array.isArray(texts)) throw new BadOptionError("texts", "must be an array of strings");
    const prefixed = texts.map((text, position) => {
      if (typeof text !== "string") throw new BadOptionError("texts", `text at position ${position} is not a string`);
      return this.prefixes[kind] + text;
    });
    const keys = prefixed.map((text) => EmbeddingCache.keyOf(kind, text));
    const vectors = this.cache?.get(keys) ?? new Map<string, Float32Array>();
    const missing = new Map<string, string>();
    keys.forEach((key, position) => {
      if (!vectors.has(key) && !missing.has(key)) missing.set(key, prefixed[position]!);
    });
    this.usage.cached += texts.length - missing.size;
    const pending = [...missing].sort(([, left], [, right]) => right.length - left.length);
    const batches: Array<Array<[string, string]>> = [];
    for (let start = 0; start < pending.length; start += this.batchSize) batches.push(pending.slice(start, start + this.batchSize));
    await forEachConcurrently(batches, this.concurrency, async (batch) => {
      const embedded = await this.embedBatch(batch.map(([, text]) => text));
      if (embedded.length !== batch.length) throw new Error(`embedder returned ${embedded.length} vectors for ${batch.length} texts`);
      const fresh = new Map(batch.map(([key], position) => [key, embedded[position]!]));
      // Cached batch by batch: an interrupted run keeps what it paid for.
      this.cache?.put(fresh);
      for (const [key, vector] of fresh) vectors.set(key, vector);
      this.usage.embedded += batch.length;
    });
    return keys.map((key) => vectors.get(key)!);
  }

  close(): void {
    this.cache?.close();
  }
}

function positiveInteger(value: unknown, option: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1)
    throw new BadOptionError(option, `must be a whole number of at least 1, got ${String(value)}`);
  return value;
}
