export { LocalBackend, openLocalBackend, type LocalBackendOptions, type Bm25Options } from "./local-backend.js";
export { Tokenizer, type TokenizerOptions, type StemmingOption, type StopwordsOption } from "@hardneg/core";
export { ENGLISH_STOPWORDS } from "@hardneg/core";
export type { QueryTermRepeats, Bm25Parameters } from "./bm25/bm25-index.js";
export type { Bm25IndexStats, IndexSource } from "./bm25/index-manager.js";
export { COLLECTION_NAME_PATTERN } from "./collection-names.js";
export { HYBRID_LIST_DEPTH } from "./local-backend.js";
export type { VectorStats, VectorSource } from "./vectors/vector-manager.js";
export { DEFAULT_BUSY_TIMEOUT_MS } from "./sqlite-store.js";
