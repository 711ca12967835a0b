import type { BackendCapabilities, SearchBackend, Store } from "../backend.js";
import type { DocsCollection, HardNegativesCollection, QueriesCollection } from "../collections.js";
import { BadOptionError, UnsupportedCapabilityError } from "../errors.js";
import { JUDGE_POLICIES, type Judge, type JudgePolicy } from "../judges/judge.js";
import type { VerdictCache } from "../judges/verdict-cache.js";
import type { FusionType, SearchMode } from "../types.js";
import {
  DEFAULT_NEAR_DUPLICATE_THRESHOLD,
  QUERY_SAMPLINGS,
  SAMPLINGS,
  SHORTFALL_POLICIES,
  STRATEGIES,
  type QuerySampling,
  type Sampling,
  type SearchSettings,
  type SelectionOptions,
  type ShortfallPolicy,
  type Strategy,
} from "./options.js";

/** Progress of a run, reported after every committed batch. */
export interface MineProgress {
  batchesDone: number;
  batchesTotal: number;
  queriesDone: number;
  queriesTotal: number;
}

/** How a run mines, apart from where (engine and collections). Only `negativesPerQuery` is required. */
export interface MiningOptions {
  negativesPerQuery: number;
  /** How many queries to mine. Default: all. */
  querySamples?: number;
  /** Default "first". */
  querySampling?: QuerySampling;
  /** Seed of query sampling, random negative sampling and padding. Default 42. */
  seed?: number;
  /** Default: the backend's best mode (hybrid, else vector, else bm25). */
  mode?: SearchMode;
  /** Hybrid weight (1 = pure vector). Default 0.75 (Weaviate's) when the mode is hybrid. */
  alpha?: number;
  /** Hybrid fusion. Default "relative-score" when the mode is hybrid. */
  fusion?: FusionType;
  /** Candidates asked per query. Default max(100, rangeMax, 2 * negativesPerQuery + 10), capped by the engine. */
  poolSize?: number;
  /** Default "top-k". */
  strategy?: Strategy;
  rangeMin?: number;
  rangeMax?: number;
  relativeMargin?: number;
  absoluteMargin?: number;
  maxScore?: number;
  minScore?: number;
  /** Default "top". */
  sampling?: Sampling;
  /** Default "keep-fewer". */
  shortfall?: ShortfallPolicy;
  /**
   * Drop candidates whose text is a near duplicate of the query, a gold or an earlier negative
   * (above 0, at most 1; see `SelectionOptions.nearDuplicateThreshold`). 1 keeps only the exact
   * text checks. Default {@link DEFAULT_NEAR_DUPLICATE_THRESHOLD} (0.9).
   */
  nearDuplicateThreshold?: number;
  /** Queries per search call and per committed write. Default 64. */
  batchSize?: number;
  /** Batches in flight at once. Default 2. */
  concurrency?: number;
  /** What happens to negatives the judge finds relevant; needs `judge` (MineConfig). Default "flag". */
  judgePolicy?: JudgePolicy;
  /** Policy "relabel": queries with more relabelled candidates than this are reported. Default 2. */
  maxRelabelled?: number;
  /**
   * Policies "drop" / "relabel": most candidates judged per query, replacements included (bounds
   * the cost of a query whose whole pool is relevant). Default 3 × negativesPerQuery.
   */
  maxJudgedPerQuery?: number;
}

/** Everything `mine` accepts: the engine, the three collections and the {@link MiningOptions}. */
export interface MineConfig extends MiningOptions {
  /** The search engine holding the documents. */
  backend: SearchBackend;
  /** Where queries are read and hard negatives written. Default: `backend`, when it is also a Store. */
  store?: Store;
  docsCollection: DocsCollection;
  queriesCollection: QueriesCollection;
  hardNegativesCollection: HardNegativesCollection;
  /**
   * Query collections held out of training (e.g. the test split when mining train queries): every
   * document that is gold for one of their queries is never a negative (drop reason
   * `held_out_gold`), so no evaluation positive leaks into training as a negative. Each must exist
   * in the store. Default: none.
   */
  excludeGoldsOf?: readonly QueriesCollection[];
  onProgress?: (progress: MineProgress) => void;
  /**
   * Judges every selected negative for false negatives (an {@link LlmJudge} or {@link RerankJudge})
   * and applies `judgePolicy`. Default: none (rows carry no judge properties).
   */
  judge?: Judge;
  /** Where verdicts are cached. Default: a {@link StoreVerdictCache} on the run's store (collection "hardneg_judgements"). */
  verdictCache?: VerdictCache;
}

/** The judge settings of a run, checked. */
export interface ResolvedJudgeSettings {
  policy: JudgePolicy;
  maxRelabelled: number;
  maxJudgedPerQuery: number;
}

/** The config with every default applied and checked against the backend. */
export interface ResolvedMineConfig {
  search: SearchSettings;
  selection: SelectionOptions;
  querySamples: number;
  querySampling: QuerySampling;
  batchSize: number;
  concurrency: number;
  needsGoldScore: boolean;
  /** Present when the run has a judge. */
  judging?: ResolvedJudgeSettings;
}

export function resolveMineConfig(config: MineConfig, capabilities: BackendCapabilities): ResolvedMineConfig {
  const negativesPerQuery = positiveInteger(config.negativesPerQuery, "negativesPerQuery");
  const strategy = oneOf(config.strategy ?? "top-k", STRATEGIES, "strategy");
  const sampling = oneOf(config.sampling ?? "top", SAMPLINGS, "sampling");
  const shortfall = oneOf(config.shortfall ?? "keep-fewer", SHORTFALL_POLICIES, "shortfall");
  const querySampling = oneOf(config.querySampling ?? "first", QUERY_SAMPLINGS, "querySampling");
  const rangeMin = optionalPositiveInteger(config.rangeMin, "rangeMin");
  const rangeMax = optionalPositiveInteger(config.rangeMax, "rangeMax");
  if (strategy === "range") {
    if (rangeMin === undefined && rangeMax === undefined)
      throw new BadOptionError("rangeMin", 'strategy "range" needs rangeMin and/or rangeMax (1-based pool ranks)');
    if (rangeMin !== undefined && rangeMax !== undefined && rangeMin > rangeMax)
      throw new BadOptionError("rangeMin", `is ${rangeMin}, above rangeMax ${rangeMax}`);
  } else if (rangeMin !== undefined || rangeMax !== undefined) {
    const given = rangeMin !== undefined ? "rangeMin" : "rangeMax";
    throw new BadOptionError(given, `rangeMin/rangeMax only apply to strategy "range" (got strategy "${strategy}")`);
  }
  for (const option of ["relativeMargin", "absoluteMargin", "maxScore", "minScore"] as const) {
    const value = config[option];
    if (value !== undefined && !Number.isFinite(value)) throw new BadOptionError(option, `must be a number, got ${String(value)}`);
  }
  if (config.relativeMargin !== undefined && (config.relativeMargin < 0 || config.relativeMargin >= 1)) {
    throw new BadOptionError("relativeMargin", "must be in [0, 1): 0.05 keeps candidates scoring at most 95% of the gold's score");
  }

  const mode = config.mode ?? bestMode(capabilities);
  if (!capabilities.modes.includes(mode)) {
    throw new UnsupportedCapabilityError(
      `search mode "${mode}" is not offered by this backend (it offers: ${capabilities.modes.join(", ")})`,
      { option: "mode" },
    );
  }
  const alpha = mode === "hybrid" ? (config.alpha ?? 0.75) : undefined;
  if (alpha !== undefined && !(alpha >= 0 && alpha <= 1)) throw new BadOptionError("alpha", "must be between 0 (keyword) and 1 (vector)");
  const fusion = mode === "hybrid" ? (config.fusion ?? "relative-score") : undefined;

  const defaultPool = Math.max(100, rangeMax ?? 0, 2 * negativesPerQuery + 10);
  const poolSize =
    config.poolSize === undefined ? Math.min(defaultPool, capabilities.maxK ?? defaultPool) : positiveInteger(config.poolSize, "poolSize");
  if (capabilities.maxK !== undefined && poolSize > capabilities.maxK) {
    throw new BadOptionError("poolSize", `is ${poolSize}, above the backend's maximum k of ${capabilities.maxK}`);
  }
  if (rangeMax !== undefined && rangeMax > poolSize)
    throw new BadOptionError("rangeMax", `is ${rangeMax}, beyond the candidate pool (${poolSize}); raise poolSize`);

  const needsGoldScore = config.relativeMargin !== undefined || config.absoluteMargin !== undefined;
  if (needsGoldScore && !capabilities.scoreDocumentsModes.includes(mode)) {
    const why = `no scoreDocuments in mode "${mode}"`;
    throw new UnsupportedCapabilityError(
      `relativeMargin/absoluteMargin compare candidates with the gold's score, ` +
        `which this backend cannot give for golds outside the pool (${why}); use maxScore/minScore instead`,
      { option: config.relativeMargin !== undefined ? "relativeMargin" : "absoluteMargin" },
    );
  }

  const nearDuplicateThreshold = config.nearDuplicateThreshold ?? DEFAULT_NEAR_DUPLICATE_THRESHOLD;
  // 0 would drop every candidate sharing a single shingle with the query or a gold.
  if (typeof nearDuplicateThreshold !== "number" || !(nearDuplicateThreshold > 0 && nearDuplicateThreshold <= 1))
    throw new BadOptionError(
      "nearDuplicateThreshold",
      `must be above 0 and at most 1 (1 = exact duplicates only), got ${String(config.nearDuplicateThreshold)}`,
    );

  const judging = resolveJudging(config, negativesPerQuery);
  const selection: SelectionOptions = {
    negativesPerQuery,
    strategy,
    sampling,
    shortfall,
    seed: config.seed ?? 42,
    ...defined({
      rangeMin,
      rangeMax,
      relativeMargin: config.relativeMargin,
      absoluteMargin: config.absoluteMargin,
      maxScore: config.maxScore,
      minScore: config.minScore,
      // Left out at 1 (exact checks only), so such runs keep the run ids they had before the rule existed.
      nearDuplicateThreshold: nearDuplicateThreshold < 1 ? nearDuplicateThreshold : undefined,
    }),
  };
  return {
    search: { mode, poolSize, ...defined({ alpha, fusion }) },
    selection,
    querySamples: config.querySamples === undefined ? Number.POSITIVE_INFINITY : positiveInteger(config.querySamples, "querySamples"),
    querySampling,
    batchSize: config.batchSize === undefined ? 64 : positiveInteger(config.batchSize, "batchSize"),
    concurrency: config.concurrency === undefined ? 2 : positiveInteger(config.concurrency, "concurrency"),
    needsGoldScore,
    ...(judging === undefined ? {} : { judging }),
  };
}

function resolveJudging(config: MineConfig, negativesPerQuery: number): ResolvedJudgeSettings | undefined {
  if (config.judge === undefined) {
    for (const option of ["judgePolicy", "maxRelabelled", "maxJudgedPerQuery"] as const) {
      if (config[option] !== undefined) throw new BadOptionError(option, "needs a judge (--judge llm|rerank)");
    }
    return undefined;
  }
  const maxJudgedPerQuery =
    config.maxJudgedPerQuery === undefined ? 3 * negativesPerQuery : positiveInteger(config.maxJudgedPerQuery, "maxJudgedPerQuery");
  if (maxJudgedPerQuery < negativesPerQuery)
    throw new BadOptionError("maxJudgedPerQuery", `is ${maxJudgedPerQuery}, below negativesPerQuery (${negativesPerQuery})`);
  const maxRelabelled = config.maxRelabelled ?? 2;
  if (!Number.isInteger(maxRelabelled) || maxRelabelled < 0)
    throw new BadOptionError("maxRelabelled", `must be a whole number of at least 0, got ${String(maxRelabelled)}`);
  return { policy: oneOf(config.judgePolicy ?? "flag", JUDGE_POLICIES, "judgePolicy"), maxRelabelled, maxJudgedPerQuery };
}

/** The backend's best mode for mining: hybrid, else vector, else bm25 (the original used hybrid). */
export function bestMode(capabilities: BackendCapabilities): SearchMode {
  for (const mode of ["hybrid", "vector", "bm25"] as const) if (capabilities.modes.includes(mode)) return mode;
  throw new UnsupportedCapabilityError("the backend offers no search mode");
}

function positiveInteger(value: unknown, option: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new BadOptionError(option, `must be a whole number of at least 1, got ${String(value)}`);
  }
  return value;
}

function optionalPositiveInteger(value: unknown, option: string): number | undefined {
  return value === undefined ? undefined : positiveInteger(value, option);
}

function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if (!allowed.includes(value as T)) throw new BadOptionError(option, `"${value}" is not one of ${allowed.join(", ")}`);
  return value as T;
}

function defined<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
