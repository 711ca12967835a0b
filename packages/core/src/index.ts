// Contracts: types, errors and the interfaces adapters implement.
export * from "./errors.js";
export * from "./types.js";
export * from "./backend.js";
export * from "./collections.js";

// Small shared pieces: ids, randomness, text, concurrency, retries, fusion, the BM25 analyser.
export { uuidV5, contentId, HARDNEG_NAMESPACE } from "./ids.js";
export { seededRandom, shuffled } from "./random.js";
export * from "./text.js";
export { containedAtLeast, SHINGLE_LENGTH, ShingleCache, type Shingles, shareAtLeast, shinglesOf } from "./near-duplicates.js";
export { chunked, forEachConcurrently, mapConcurrently } from "./concurrency.js";
export { processExists } from "./process-exists.js";
export {
  withRetries,
  backoffDelayMs,
  isTransientError,
  isTransientStatus,
  parseRetryAfterMs,
  type RetryAttempt,
  type RetryOptions,
} from "./retry.js";
export { fuseHits, type FuseHitsOptions } from "./fusion.js";
export {
  Tokenizer,
  TokenizersByLanguage,
  type TokenizerOptions,
  type StemmingOption,
  type StopwordsOption,
} from "./analysis/tokenizer.js";
export { checkLanguage, DEFAULT_LANGUAGE, supportedLanguages } from "./analysis/languages.js";
export { DETECTION_SAMPLE, detectLanguage, UndetectedLanguage, type DetectedLanguage } from "./analysis/language-detection.js";
export { ENGLISH_STOPWORDS } from "./analysis/stopwords.js";
export { scanWords, type WordVisitor } from "./analysis/word-scanner.js";

// Metrics, mining, evaluation and engine comparison.
export * from "./metrics.js";
export * from "./mining/options.js";
export {
  resolveMineConfig,
  bestMode,
  type MineConfig,
  type MineProgress,
  type MiningOptions,
  type ResolvedJudgeSettings,
  type ResolvedMineConfig,
} from "./mining/config.js";
export {
  selectNegatives,
  padNegatives,
  eligibleInDrawOrder,
  DROP_REASONS,
  type DropReason,
  type Selection,
  type SelectionInput,
  type SelectedNegative,
} from "./mining/select-negatives.js";
export { queryFromRecord, sampleQueries, type QueryOrSkip, type UnusableQuery } from "./mining/query-source.js";
export { mine, type MineJudgeReport, type MineReport } from "./mining/mine.js";
export { addHardNegatives, type AddHardNegativesOptions } from "./mining/add-hard-negatives.js";
export { evaluate, type EvaluateConfig, type EvaluationReport, type QueryEvaluation } from "./mining/evaluate.js";
export { RUNS_COLLECTION, rowIdOf, runIdOf } from "./mining/run-records.js";
export { GOLD_RANK_BUCKETS, type GoldRankBucket, type ScoreSummary, type SkippedQuery } from "./mining/run-stats.js";
export { compareNegatives, jaccard, type Disagreement, type MinedNegatives, type NegativeOverlap } from "./compare/negative-overlap.js";

// Loading benchmarks into a store.
export { ingestDocuments, ingestQueries, stageDocuments, stageQueries, type IngestOptions, type StagedLoad } from "./ingest.js";
export { LOADS_COLLECTION, requireCompleteCollection } from "./load-records.js";
export * from "./loaders/beir-dataset.js";
export * from "./loaders/documents-loader.js";
export * from "./loaders/queries-loader.js";
export * from "./loaders/qrels-loader.js";
export * from "./loaders/load-report.js";
export * from "./loaders/record-reader.js";
export * from "./loaders/jsonl-reader.js";
export * from "./loaders/delimited-reader.js";
export { documentToRecord, documentFromRecord, queryToRecord, type DocumentRecordKeys } from "./loaders/record-mapping.js";
export { readLines, type TextLine } from "./loaders/line-reader.js";
export { parseGoldIds } from "./loaders/gold-ids.js";

// Exporting for trainers.
export { exportHardNegatives, type ExportOptions, type ExportResult } from "./exporters/export-hard-negatives.js";
export { EXPORT_FORMATS, isExportFormat, NTUPLE_POSITIVES, type ExportFormat, type NtuplePositives } from "./exporters/export-formats.js";
export { writeLinesAtomically } from "./exporters/atomic-write.js";

// Embedders (client-side vectors).
export {
  embedderDimension,
  normalizeVector,
  type Embedder,
  type EmbedderBaseOptions,
  type EmbedderUsage,
  type EmbeddingCacheOptions,
  type EmbeddingKind,
} from "./embedders/embedder.js";
export { EmbeddingCache, DEFAULT_EMBEDDING_CACHE_DIRECTORY } from "./embedders/embedding-cache.js";
export {
  OpenAiCompatibleEmbedder,
  EMBEDDER_API_KEY_VARIABLES,
  type OpenAiCompatibleEmbedderOptions,
} from "./embedders/openai-compatible-embedder.js";
export { OnnxEmbedder, type OnnxEmbedderOptions } from "./embedders/onnx-embedder.js";

// Judges (false-negative control).
export * from "./judges/judge.js";
export {
  PROMPT_VERSION,
  judgeMessages,
  parseJudgeAnswer,
  MAX_DOCUMENT_CHARACTERS,
  type ChatMessage,
  type JudgeAnswer,
} from "./judges/judge-prompt.js";
export { judgeApiKeyFromEnvironment, RejectedRequestError, type JudgeHttpOptions } from "./judges/judge-http.js";
export { LlmJudge, type LlmJudgeOptions } from "./judges/llm-judge.js";
export { RerankJudge, RERANK_APIS, RERANK_JUDGE_VERSION, type RerankApi, type RerankJudgeOptions } from "./judges/rerank-judge.js";
export { createJudge, DEFAULT_LLM_BASE_URL, type CreateJudgeOptions } from "./judges/create-judge.js";
export { JUDGEMENTS_COLLECTION, StoreVerdictCache, judgementIdOf, type VerdictCache } from "./judges/verdict-cache.js";
export { judgeWithCache, estimateWithCache, type JudgingStats, type CachedJudgingOptions } from "./judges/cached-judging.js";
export { JUDGE_ROW_KEYS, judgeRowProperties } from "./judges/judge-row.js";
export { judgeCollection, type JudgeCollectionOptions, type JudgeCollectionReport } from "./judges/judge-collection.js";

// Wrapping drivers (the adapter contract is at `@hardneg/core/adapter`), and a store in memory.
export { createEngine, createSearchBackend, createStore, type EngineOf } from "./adapter/create-engine.js";
export type { EngineDriver, SearchDriver, StoreDriver } from "./adapter/driver.js";
export type { EngineFile, EngineFilesOf, EngineOpener, EngineOpenOptions } from "./adapter/opener.js";
export { AdapterContractError } from "./adapter/answer-checks.js";
export { MemoryStore, type MemoryStoreOptions } from "./adapter/memory-store.js";
