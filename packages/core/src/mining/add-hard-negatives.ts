import type { Engine } from "../backend.js";
import type { DocsCollection, HardNegativesCollection, QueriesCollection } from "../collections.js";
import { mine, type MineReport } from "./mine.js";
import type { MineConfig } from "./config.js";

/** The original tool's entry point, in TypeScript form. */
export interface AddHardNegativesOptions extends Partial<Omit<MineConfig, "backend" | "docsCollection" | "queriesCollection" | "hardNegativesCollection" | "negativesPerQuery">> {
  /** An engine that searches the documents and stores the collections (e.g. `openLocalBackend`). */
  backend: Engine;
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
