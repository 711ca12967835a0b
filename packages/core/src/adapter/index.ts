/**
 * `@hardneg/core/adapter`: exactly what an adapter author needs. Implement a `SearchDriver`,
 * a `StoreDriver` or both (`EngineDriver`), and return `createEngine(driver)` (or
 * `createSearchBackend` / `createStore`) from your opener; core checks every input and answer.
 * The conformance suite is at `@hardneg/core/testkit`. See CONTRIBUTING.md.
 */

// The contract.
export type { EngineDriver, SearchDriver, StoreDriver } from "./driver.js";
export { createEngine, createSearchBackend, createStore, type EngineOf } from "./create-engine.js";
export type {
  BackendCapabilities,
  CollectionSpec,
  DocumentTarget,
  DocumentVectorsSource,
  Engine,
  IterateOptions,
  SearchBackend,
  SearchOptions,
  SearchRequest,
  SpecificationVersion,
  Store,
} from "../backend.js";
export type { Doc, FusionType, Hit, SearchMode, StoredRecord } from "../types.js";
export type { Embedder } from "../embedders/embedder.js";
export type { EngineFile, EngineFilesOf, EngineOpener, EngineOpenOptions } from "./opener.js";

// Errors.
export { AdapterContractError } from "./answer-checks.js";
export {
  AuthError,
  BadInputError,
  BadOptionError,
  ConnectionError,
  HardnegError,
  MissingCollectionError,
  UnsupportedCapabilityError,
  type HardnegErrorCode,
  type HardnegErrorOptions,
} from "../errors.js";

// The name rule.
export { assertCollectionName, COLLECTION_NAME_PATTERN, PORTABLE_COLLECTION_NAME_PATTERN } from "./collection-names.js";

// Helpers: inputs, records, vectors, retries, batching, fusion, the BM25 analyser.
export { positiveIntegerOption, queryVectorsOf } from "../adapter-inputs.js";
export { documentFromProperties, documentTextOf, documentVectorProperty } from "../adapter-records.js";
export { checkDocumentVectors, documentVectorsSourceOf, searchQueryVectors, withDocumentVectors } from "../document-vectors.js";
export { withRetries, isTransientError, isTransientStatus, parseRetryAfterMs, type RetryOptions } from "../retry.js";
export { chunked, mapConcurrently } from "../concurrency.js";
export { fuseHits, type FuseHitsOptions } from "../fusion.js";
export { Tokenizer, TokenizersByLanguage, type TokenizerOptions } from "../analysis/tokenizer.js";
export { DEFAULT_LANGUAGE, supportedLanguages } from "../analysis/languages.js";
export { normalizeVector } from "../embedders/embedder.js";
export { uuidV5, HARDNEG_NAMESPACE } from "../ids.js";

// A store kept in memory, for search-only engines and tests.
export { MemoryStore, MemoryStoreDriver, type MemoryStoreOptions } from "./memory-store.js";
