import type { ShingleCache } from "../near-duplicates.js";
import { seededRandom, shuffled } from "../random.js";
import { textFingerprint } from "../text.js";
import type { Hit } from "../types.js";
import { nearDuplicateRuleOf } from "./near-duplicate-rule.js";
import type { SelectionOptions } from "./options.js";

/** Why a pool candidate was not taken. Counted per run in the report. */
export type DropReason =
  | "gold"
  | "held_out_gold"
  | "outside_strategy"
  | "relative_margin"
  | "absolute_margin"
  | "max_score"
  | "min_score"
  | "missing_document"
  | "same_as_query"
  | "same_as_gold"
  | "duplicate"
  | "near_duplicate"
  | "not_sampled";

export const DROP_REASONS: readonly DropReason[] = [
  "gold",
  "held_out_gold",
  "outside_strategy",
  "relative_margin",
  "absolute_margin",
  "max_score",
  "min_score",
  "missing_document",
  "same_as_query",
  "same_as_gold",
  "duplicate",
  "near_duplicate",
  "not_sampled",
];

/** A chosen negative. `rank` and `score` are null for random padding outside the pool without a score. */
export interface SelectedNegative {
  id: string;
  text: string;
  rank: number | null;
  score: number | null;
  /** True when the negative came from random padding, not from the engine's pool. */
  padded: boolean;
}

/** Document text by id; undefined when the document is unknown. */
export interface TextLookup {
  get(id: string): string | undefined;
}

/** Everything the selection of one query needs, already fetched. */
export interface SelectionInput {
  queryId: string;
  queryText: string;
  goldIds: readonly string[];
  /** The engine's ranked candidate pool (golds included). */
  pool: readonly Hit[];
  /** Texts of pool candidates and golds, by document id (a Map fits). */
  texts: TextLookup;
  /** Score of the lowest-scoring gold, or null when unknown. */
  goldScore: number | null;
  /** Golds of held-out queries (`excludeGoldsOf`): never negatives, dropped as `held_out_gold`. Default: none. */
  heldOutGoldIds?: ReadonlySet<string>;
  /** The query's shingle cache, shared by its repeated selections. Default: a new one per call. */
  shingles?: ShingleCache;
}

export interface Selection {
  negatives: SelectedNegative[];
  /** Eligible candidates left after every filter (before sampling). */
  eligible: number;
  dropped: Partial<Record<DropReason, number>>;
}

/**
 * Picks the hard negatives of one query from its candidate pool, in DESIGN.md's order:
 * mask golds and held-out golds (by id), strategy window, positive-aware score filters, text
 * checks (same as the query or a gold, duplicates, near duplicates), then sampling. Pure and
 * deterministic for a seed.
 */
export function selectNegatives(input: SelectionInput, options: SelectionOptions): Selection {
  const dropped: Partial<Record<DropReason, number>> = {};
  const drop = (reason: DropReason, count = 1) => {
    dropped[reason] = (dropped[reason] ?? 0) + count;
  };
  const rules = rulesOf(input, options);
  const fingerprintOf = fingerprinterOf(input);
  const forbiddenTexts = forbiddenTextsOf(input, fingerprintOf);
  const nearDuplicates = nearDuplicateRuleOf(options, input.queryText, goldTextsOf(input), input.shingles);
  const seenTexts = new Set<string>();
  const seenIds = new Set<string>();
  const eligible: SelectedNegative[] = [];
  // With "top" sampling nothing past the N-th eligible candidate can be chosen, so the scan stops
  // there (the rest counts as not sampled) and only the texts it reads need fetching.
  const stopAt = options.sampling === "top" ? options.negativesPerQuery : Number.POSITIVE_INFINITY;

  for (const [position, hit] of input.pool.entries()) {
    if (eligible.length >= stopAt) {
      drop("not_sampled", input.pool.length - position);
      break;
    }
    const verdict = rules(hit);
    if (verdict !== undefined) {
      drop(verdict);
      continue;
    }
    if (seenIds.has(hit.id)) {
      drop("duplicate");
      continue;
    }
    seenIds.add(hit.id);
    const text = input.texts.get(hit.id);
    if (text === undefined) {
      drop("missing_document");
      continue;
    }
    const fingerprint = fingerprintOf(text);
    const forbidden = forbiddenTexts.get(fingerprint);
    if (forbidden !== undefined) {
      drop(forbidden);
      continue;
    }
    if (seenTexts.has(fingerprint)) {
      drop("duplicate");
      continue;
    }
    seenTexts.add(fingerprint);
    if (nearDuplicates?.matches(text)) {
      drop("near_duplicate");
      continue;
    }
    nearDuplicates?.keep(text);
    eligible.push({ id: hit.id, text, rank: hit.rank, score: hit.score, padded: false });
  }

  const negatives = sample(eligible, input.queryId, options);
  if (eligible.length > negatives.length) drop("not_sampled", eligible.length - negatives.length);
  return { negatives, eligible: eligible.length, dropped };
}

/**
 * Pool candidates that pass every check needing no document text (gold mask, strategy window,
 * score filters), in rank order: the ones whose texts are worth fetching.
 */
export function candidatesNeedingText(input: Omit<SelectionInput, "texts">, options: SelectionOptions): Hit[] {
  const rules = rulesOf(input, options);
  return input.pool.filter((hit) => rules(hit) === undefined);
}

/** The checks of one candidate that need no text; returns why it is dropped, if it is. */
function rulesOf(input: Omit<SelectionInput, "texts">, options: SelectionOptions): (hit: Hit) => DropReason | undefined {
  const golds = new Set(input.goldIds);
  const heldOut = input.heldOutGoldIds ?? new Set<string>();
  const bestGoldRank = input.pool.find((hit) => golds.has(hit.id))?.rank ?? null;
  return (hit) => {
    if (golds.has(hit.id)) return "gold";
    if (heldOut.has(hit.id)) return "held_out_gold";
    if (!inStrategyWindow(hit.rank, bestGoldRank, options)) return "outside_strategy";
    return scoreFilterVerdict(hit.score, input.goldScore, options);
  };
}

/**
 * Adds random corpus documents to a short selection (shortfall policy "pad-random"), applying
 * the same gold, held-out gold, self-match, duplicate and near-duplicate checks. Candidates come
 * in the caller's random order.
 */
export function padNegatives(
  input: SelectionInput,
  selection: Selection,
  randomCandidates: readonly { id: string; text: string; score: number | null }[],
  options: Pick<SelectionOptions, "negativesPerQuery" | "nearDuplicateThreshold">,
): SelectedNegative[] {
  const { negativesPerQuery } = options;
  const golds = new Set(input.goldIds);
  const heldOut = input.heldOutGoldIds ?? new Set<string>();
  const fingerprintOf = fingerprinterOf(input);
  const forbiddenTexts = forbiddenTextsOf(input, fingerprintOf);
  const nearDuplicates = nearDuplicateRuleOf(options, input.queryText, goldTextsOf(input), input.shingles);
  for (const negative of selection.negatives) nearDuplicates?.keep(negative.text);
  const taken = new Set(selection.negatives.map((negative) => negative.id));
  const takenTexts = new Set(selection.negatives.map((negative) => fingerprintOf(negative.text)));
  const poolIds = new Set(input.pool.map((hit) => hit.id));
  const padded = selection.negatives.slice();
  for (const candidate of randomCandidates) {
    if (padded.length >= negativesPerQuery) break;
    // Pool documents were already judged by the strategy and filters; padding must not undo that.
    if (golds.has(candidate.id) || heldOut.has(candidate.id) || taken.has(candidate.id) || poolIds.has(candidate.id)) continue;
    const fingerprint = fingerprintOf(candidate.text);
    if (forbiddenTexts.has(fingerprint) || takenTexts.has(fingerprint)) continue;
    if (nearDuplicates?.matches(candidate.text)) continue;
    nearDuplicates?.keep(candidate.text);
    taken.add(candidate.id);
    takenTexts.add(fingerprint);
    padded.push({ id: candidate.id, text: candidate.text, rank: null, score: candidate.score, padded: true });
  }
  return padded;
}

/** Texts of the query's golds that were found (a gold missing from the corpus has none). */
function goldTextsOf(input: SelectionInput): string[] {
  return input.goldIds.flatMap((goldId) => input.texts.get(goldId) ?? []);
}

/** `textFingerprint`, through the input's cache when it has one. */
function fingerprinterOf(input: SelectionInput): (text: string) => string {
  const cache = input.shingles;
  return cache === undefined ? textFingerprint : (text) => cache.fingerprint(text);
}

function forbiddenTextsOf(input: SelectionInput, fingerprintOf: (text: string) => string): Map<string, DropReason> {
  const forbidden = new Map<string, DropReason>();
  for (const goldId of input.goldIds) {
    const goldText = input.texts.get(goldId);
    if (goldText !== undefined) forbidden.set(fingerprintOf(goldText), "same_as_gold");
  }
  forbidden.set(fingerprintOf(input.queryText), "same_as_query");
  return forbidden;
}

function inStrategyWindow(rank: number, bestGoldRank: number | null, options: SelectionOptions): boolean {
  switch (options.strategy) {
    case "top-k":
      return true;
    case "ahead-of-gold":
      // A gold outside the pool ranks below every candidate, so every candidate is ahead of it.
      return bestGoldRank === null || rank < bestGoldRank;
    case "range":
      return rank >= (options.rangeMin ?? 1) && rank <= (options.rangeMax ?? Number.POSITIVE_INFINITY);
  }
}

function scoreFilterVerdict(score: number, goldScore: number | null, options: SelectionOptions): DropReason | undefined {
  if (options.maxScore !== undefined && score > options.maxScore) return "max_score";
  if (options.minScore !== undefined && score < options.minScore) return "min_score";
  if (goldScore !== null) {
    if (options.relativeMargin !== undefined && score > goldScore - Math.abs(goldScore) * options.relativeMargin) return "relative_margin";
    if (options.absoluteMargin !== undefined && score > goldScore - options.absoluteMargin) return "absolute_margin";
  }
  return undefined;
}

function sample(eligible: SelectedNegative[], queryId: string, options: SelectionOptions): SelectedNegative[] {
  // Both branches give the same negatives here: "top" never holds more than N eligible (its scan stops at N), and a
  // random draw of every one of N or fewer candidates, sorted by (distinct, as searches return them) rank, is rank order.
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,BlockStatement: equivalent, see above
  if (options.sampling === "top" || eligible.length <= options.negativesPerQuery) {
    // Stryker disable next-line MethodExpression: equivalent, at most N candidates reach this line
    return eligible.slice(0, options.negativesPerQuery);
  }
  const chosen = drawOrder(eligible, queryId, options).slice(0, options.negativesPerQuery);
  return chosen.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
}

/** Eligible candidates (in rank order) in the order sampling takes them: rank order, or the query's seeded shuffle. */
function drawOrder(eligible: readonly SelectedNegative[], queryId: string, options: SelectionOptions): SelectedNegative[] {
  return options.sampling === "top" ? eligible.slice() : shuffled(eligible, seededRandom(querySeed(options.seed, queryId)));
}

/**
 * Every eligible candidate of the pool in the order sampling draws them: the first
 * `negativesPerQuery` are the ones {@link selectNegatives} picks (as a set), the rest are the
 * replacements, in order, when a judge removes some. Pure, like `selectNegatives`.
 */
export function eligibleInDrawOrder(input: SelectionInput, options: SelectionOptions): SelectedNegative[] {
  // Sampling "top" with room for the whole pool returns every eligible candidate in rank order,
  // the same list selectNegatives samples from.
  const everyEligible = selectNegatives(input, {
    ...options,
    sampling: "top",
    negativesPerQuery: Math.max(1, input.pool.length),
  }).negatives;
  return drawOrder(everyEligible, input.queryId, options);
}

/** A per-query seed, so each query's draw is independent of which other queries run. */
export function querySeed(seed: number, queryId: string): number {
  let hash = (seed ^ 0x811c9dc5) >>> 0;
  for (let index = 0; index < queryId.length; index++) {
    hash ^= queryId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
