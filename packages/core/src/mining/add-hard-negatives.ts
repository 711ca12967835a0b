import type { SearchBackend, Store } from "../backend.js";
import type { DocsCollection, HardNegativesCollection, QueriesCollection } from "../collections.js";
import { mine, type MineReport } from "./mine.js";
import type { MineConfig } from "./config.js";

/** The original tool's entry point, in TypeScript form. */
export interface AddHardNegativesOptions
  extends Partial<
    Omit<MineConfig, "backend" | "store" | "docsCollection" | "queriesCollection" | "hardNegativesCollection" | "negativesPerQuery">
  > {
  /** The engine that searches the documents (e.g. `openLocalBackend`'s); it also stores the collections unless `store` is given. */
  backend: SearchBackend;
  /**
   * Where the queries are read and the hard negatives (and run records) are written. Default:
   * `backend`, when it is also a store (the original's "store negatives back in the engine").
   * Give one to mine a search-only engine, e.g. `new MemoryStore()` or a local database.
   */
  store?: Store;
  negativesPerQuery: number;
  docsCollection: DocsCollection;
  queriesCollection: QueriesCollection;
  hardNegativesCollection: HardNegativesCollection;
  /** How many queries to mine, first in collection order. Default 100, as the original. */
  querySamples?: number;
}

/**
 * Mines `negativesPerQuery` hard negatives for the first `querySamples` queries (default 100)
 * with the backend's best search mode and stores them in `hardNegativesCollection`: the
 * original API's defaults. Every option of {@link mine} may be passed too.
 */
export function addHardNegatives(options: AddHardNegativesOptions): Promise<MineReport> {
  return mine({ ...options, querySamples: options.querySamples ?? 100 });
}
