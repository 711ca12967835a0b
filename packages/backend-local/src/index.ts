import type { EngineOpener } from "@hardneg/core/adapter";
import { openLocalBackend } from "./local-backend.js";

export {
  LocalBackend,
  MAX_SEARCH_THREADS,
  openLocalBackend,
  SEARCH_THREADS_MIN_POSTINGS,
  type LocalBackendOptions,
  type Bm25Options,
} from "./local-backend.js";
export { PARALLEL_BUILD_MIN_DOCUMENTS } from "./bm25/index-manager.js";
export { Tokenizer, type TokenizerOptions, type StemmingOption, type StopwordsOption } from "@hardneg/core";
export { ENGLISH_STOPWORDS } from "@hardneg/core";
export type { QueryTermRepeats, Bm25Parameters, TopKStrategy } from "./bm25/bm25-index.js";
export type { Bm25IndexStats, IndexSource } from "./bm25/index-manager.js";
/** Core's collection name rule, which this engine keeps (names become parts of index file names). */
export { COLLECTION_NAME_PATTERN } from "@hardneg/core/adapter";
export { HYBRID_LIST_DEPTH } from "./local-backend.js";
export type { VectorStats, VectorSource, VectorIndexMode, VectorIndexStats } from "./vectors/vector-manager.js";
export { APPROXIMATE_SEARCH_THRESHOLD, VECTOR_INDEX_MODES } from "./vectors/vector-manager.js";
export { VECTOR_INDEX_PARAMETERS } from "./vectors/vector-index.js";
export { DEFAULT_BUSY_TIMEOUT_MS } from "./sqlite-store.js";
export { MissingDatabaseError } from "./missing-database-error.js";

/**
 * The opener the CLI finds by convention (`--engine local:<database file>`): `create`, `readOnly`,
 * `embedder`, `busyTimeoutMs`, `vectorIndex` and `searchThreads` are passed on to {@link openLocalBackend}, other options ignored.
 */
export const openEngine: EngineOpener = (location, options) => openLocalBackend(location, options);

/** The files the CLI refuses to write an export or report over (`engineFiles`, by convention). */
export { engineFiles } from "./local-files.js";
