import type { DocumentTarget, SearchBackend } from "../backend.js";
import type { HardNegativeKeys } from "../collections.js";
import { gradesOf, mrrAtK, ndcgAtK, recallAtK } from "../metrics.js";
import { ShingleCache } from "../near-duplicates.js";
import { seededRandom, shuffled } from "../random.js";
import type { Doc, Hit, Query, StoredRecord } from "../types.js";
import { judgeRowProperties } from "../judges/judge-row.js";
import { countVerdict } from "../judges/judge.js";
import type { ResolvedMineConfig } from "./config.js";
import { judgeQueries, type JudgedNegative, type JudgedQuery, type ResolvedJudging } from "./judge-negatives.js";
import { rowIdOf } from "./run-records.js";
import { emptyCounters, emptyJudgeCounters, goldRankBucket, increment, MAX_EXAMPLES, type RunCounters } from "./run-stats.js";
import {
  candidatesNeedingText,
  eligibleInDrawOrder,
  padNegatives,
  querySeed,
  selectNegatives,
  type SelectedNegative,
  type SelectionInput,
} from "./select-negatives.js";

/** What one batch needs besides its queries. */
export interface BatchContext {
  backend: SearchBackend;
  target: DocumentTarget;
  keys: HardNegativeKeys;
  runId: string;
  strategyLabel: string;
  resolved: ResolvedMineConfig;
  /** Golds of the held-out query collections (`excludeGoldsOf`), never negatives. */
  heldOutGoldIds: ReadonlySet<string>;
  /** True when the backend scores documents in the run's mode (gold scores outside the pool, padded negatives). */
  scoresDocuments: boolean;
  /** All document ids of the corpus, loaded once on first need (only for "pad-random"). */
  corpusIds: () => Promise<readonly string[]>;
  /** Present when the run judges its negatives. */
  judging?: ResolvedJudging;
  /** Shingles and fingerprints of the texts met so far, shared by the run's batches. Default: one per batch. */
  shingles?: ShingleCache;
}

export interface BatchResult {
  rows: StoredRecord[];
  counters: RunCounters;
}

/** Searches, filters and selects the negatives of one batch of queries. Writes nothing. */
export async function mineBatch(queries: readonly Query[], context: BatchContext): Promise<BatchResult> {
  const { backend, target, resolved } = context;
  const counters = emptyCounters();
  counters.queries = queries.length;
  const pools = await backend.search(
    target,
    queries.map((query) => ({ text: query.text })),
    {
      mode: resolved.search.mode,
      k: resolved.search.poolSize,
      ...(resolved.search.alpha === undefined ? {} : { alpha: resolved.search.alpha }),
      ...(resolved.search.fusion === undefined ? {} : { fusion: resolved.search.fusion }),
    },
  );
  const golds = await backend.getDocuments(target, [...new Set(queries.flatMap((query) => query.goldIds))]);
  const shingles = context.shingles ?? new ShingleCache();
  const plans: QueryPlan[] = [];
  for (const [index, query] of queries.entries()) {
    const pool = pools[index] ?? [];
    const goldsInCorpus = query.goldIds.filter((id) => golds.has(id));
    if (goldsInCorpus.length === 0) {
      skip(counters, query.id, "gold_not_in_corpus", `none of ${query.goldIds.join(", ")} is in collection "${target.collection}"`);
      continue;
    }
    recordRanking(counters, query, pool);
    const goldScore = await lowestGoldScore(query, goldsInCorpus, pool, context);
    const heldOutGoldIds = context.heldOutGoldIds;
    const candidates = candidatesNeedingText(
      { queryId: query.id, queryText: query.text, goldIds: query.goldIds, pool, goldScore, heldOutGoldIds },
      resolved.selection,
    );
    plans.push({ query, pool, goldsInCorpus, goldScore, candidates, shingles });
  }
  const documents = new FetchedDocuments(golds, context);
  await documents.fetch(plans.flatMap((plan) => firstTextsNeeded(plan, resolved.selection)));
  const drafts: QueryDraft[] = [];
  for (const plan of plans) {
    const { query, pool, goldScore, candidates, shingles } = plan;
    const texts = { get: (id: string) => documents.get(id)?.text };
    let input: SelectionInput = {
      queryId: query.id,
      queryText: query.text,
      goldIds: query.goldIds,
      pool: documents.fetchedPrefix(pool, candidates),
      texts,
      goldScore,
      heldOutGoldIds: context.heldOutGoldIds,
      shingles,
    };
    let selection = selectNegatives(input, resolved.selection);
    if (selection.negatives.length < resolved.selection.negativesPerQuery && input.pool.length < pool.length) {
      // Text checks removed too many of the first candidates: read the rest and select again.
      await documents.fetch(candidates.map((hit) => hit.id));
      input = { ...input, pool };
      selection = selectNegatives(input, resolved.selection);
    } else if (input.pool.length < pool.length) {
      increment(selection.dropped, "not_sampled", pool.length - input.pool.length);
    }
    for (const [reason, count] of Object.entries(selection.dropped))
      increment(counters.dropped, reason as keyof RunCounters["dropped"], count);
    let negatives = selection.negatives;
    const wanted = resolved.selection.negativesPerQuery;
    if (negatives.length < wanted && resolved.selection.shortfall === "pad-random") {
      negatives = padNegatives(input, selection, await randomCandidates(query, wanted * 3 + 10, documents, context), resolved.selection);
      if (negatives.length > selection.negatives.length) counters.queries_padded++;
    }
    drafts.push({ plan, negatives });
  }

  const judged = context.judging === undefined ? undefined : await judgeDrafts(drafts, context.judging, documents, counters, context);
  const rows: StoredRecord[] = [];
  for (const { plan, negatives: selected } of drafts) {
    const { query, pool, goldsInCorpus, goldScore } = plan;
    const judgedQuery = judged?.get(query.id);
    const negatives: (SelectedNegative | JudgedNegative)[] = judgedQuery?.negatives ?? selected;
    const relabelled = judgedQuery?.relabelled ?? [];
    const wanted = resolved.selection.negativesPerQuery;
    if (negatives.length < wanted) {
      // A query left without any row is skipped under every policy: the report's "short" queries
      // are the ones kept, and every query is either mined or skipped.
      if (resolved.selection.shortfall === "skip-query" || negatives.length + relabelled.length === 0) {
        skip(counters, query.id, "shortfall", `${negatives.length} of ${wanted} negatives`);
        continue;
      }
      counters.queries_short++;
      if (counters.short_examples.length < MAX_EXAMPLES) counters.short_examples.push(query.id);
    }
    counters.queries_mined++;
    if (goldScore !== null) counters.gold_scores.push(goldScore);
    const goldRank = pool.find((hit) => query.goldIds.includes(hit.id))?.rank ?? null;
    for (const negative of [...negatives, ...relabelled]) {
      if (negative.score !== null) counters.negative_scores.push(negative.score);
      rows.push(rowOf(query, goldsInCorpus, documents, negative, goldRank, goldScore, context));
    }
  }
  counters.rows_written = rows.length;
  return { rows, counters };
}

/** A query's negatives after selection and padding, before judging and the shortfall policy. */
interface QueryDraft {
  plan: QueryPlan;
  negatives: SelectedNegative[];
}

/**
 * Judges the drafts' negatives (replacing dropped or relabelled ones from the pool) and counts
 * the verdicts. A query skipped by the shortfall policy afterwards still paid for its verdicts,
 * which stay cached.
 */
async function judgeDrafts(
  drafts: readonly QueryDraft[],
  judging: ResolvedJudging,
  documents: FetchedDocuments,
  counters: RunCounters,
  context: BatchContext,
): Promise<Map<string, JudgedQuery>> {
  const plans = new Map(drafts.map((draft) => [draft.plan.query.id, draft.plan]));
  const texts = { get: (id: string) => documents.get(id)?.text };
  const judged = await judgeQueries(
    drafts.map(({ plan, negatives }) => ({
      queryId: plan.query.id,
      queryText: plan.query.text,
      goldIds: plan.goldsInCorpus,
      goldTexts: plan.goldsInCorpus.map((id) => documents.get(id)!.text),
      negatives,
    })),
    judging,
    {
      prepare: (queryIds) => documents.fetch(queryIds.flatMap((queryId) => plans.get(queryId)!.candidates.map((hit) => hit.id))),
      drawOrder: (queryId) => {
        const { query, pool, goldScore, shingles } = plans.get(queryId)!;
        const heldOutGoldIds = context.heldOutGoldIds;
        return eligibleInDrawOrder(
          { queryId, queryText: query.text, goldIds: query.goldIds, pool, texts, goldScore, heldOutGoldIds, shingles },
          context.resolved.selection,
        );
      },
    },
  );
  counters.judge ??= emptyJudgeCounters();
  const judgeCounters = counters.judge;
  for (const [queryId, result] of judged) {
    for (const negative of [...result.negatives, ...result.relabelled]) countVerdict(judgeCounters.verdicts, negative.verdict);
    judgeCounters.verdicts.relevant += result.dropped;
    judgeCounters.negatives_dropped += result.dropped;
    judgeCounters.negatives_relabelled += result.relabelled.length;
    judgeCounters.replacements += result.replacements;
    if (judging.policy === "relabel" && result.relabelled.length > judging.maxRelabelled) {
      judgeCounters.queries_over_relabel_limit++;
      if (judgeCounters.over_relabel_limit_examples.length < MAX_EXAMPLES) judgeCounters.over_relabel_limit_examples.push(queryId);
    }
  }
  return judged;
}

/** A query of the batch that has a gold in the corpus, with what selection needs. */
interface QueryPlan {
  query: Query;
  pool: Hit[];
  goldsInCorpus: string[];
  goldScore: number | null;
  /** Pool candidates passing the checks that need no text, in rank order. */
  candidates: Hit[];
  /** Shingles of the texts met, kept across the query's selections (first texts, all texts, judging, padding) and beyond. */
  shingles: ShingleCache;
}

/**
 * Ids whose texts the first selection attempt reads. "top" sampling reads only a margin past N
 * (the text checks rarely drop more); "random" sampling draws from every eligible candidate.
 */
function firstTextsNeeded(plan: QueryPlan, selection: ResolvedMineConfig["selection"]): string[] {
  const wanted = selection.sampling === "top" ? 2 * selection.negativesPerQuery + 5 : plan.candidates.length;
  return plan.candidates.slice(0, wanted).map((hit) => hit.id);
}

/** Documents read for a batch, remembering which ids were asked (found or not). */
class FetchedDocuments {
  private readonly documents: Map<string, Doc>;
  private readonly requested: Set<string>;

  constructor(
    golds: ReadonlyMap<string, Doc>,
    private readonly context: BatchContext,
  ) {
    this.documents = new Map(golds);
    this.requested = new Set(golds.keys());
  }

  get(id: string): Doc | undefined {
    return this.documents.get(id);
  }

  /** Reads the documents not asked for yet, in one round trip. */
  async fetch(ids: readonly string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.requested.has(id));
    if (missing.length === 0) return;
    for (const id of missing) this.requested.add(id);
    const found = await this.context.backend.getDocuments(this.context.target, missing);
    for (const [id, document] of found) this.documents.set(id, document);
  }

  /** Adds documents read elsewhere (padding's random draw); a document already here stays as it is. */
  remember(found: ReadonlyMap<string, Doc>): void {
    for (const [id, document] of found) if (!this.documents.has(id)) this.documents.set(id, document);
  }

  /** The pool up to the first candidate not asked for yet (what selection can examine now). */
  fetchedPrefix(pool: Hit[], candidates: readonly Hit[]): Hit[] {
    const firstUnfetched = candidates.find((hit) => !this.requested.has(hit.id));
    return firstUnfetched === undefined ? pool : pool.filter((hit) => hit.rank < firstUnfetched.rank);
  }
}

function recordRanking(counters: RunCounters, query: Query, pool: readonly Hit[]): void {
  const rankedIds = pool.map((hit) => hit.id);
  const grades = gradesOf(query);
  const goldRank = pool.find((hit) => grades.has(hit.id))?.rank ?? null;
  increment(counters.gold_rank_histogram, goldRankBucket(goldRank));
  const sums = counters.metric_sums;
  sums.queries++;
  sums.ndcg_at_10 += ndcgAtK(rankedIds, grades, 10);
  sums.mrr_at_10 += mrrAtK(rankedIds, grades, 10);
  sums.recall_at_10 += recallAtK(rankedIds, grades, 10);
  sums.recall_at_pool += recallAtK(rankedIds, grades, rankedIds.length);
}

/**
 * The score of the query's lowest-scoring gold document, on the engine's scale. Golds outside the
 * pool are scored with `scoreDocuments` when the backend serves it in the run's mode; otherwise the score is known
 * only when every gold is in the pool (margin filters were refused up front in that case).
 */
async function lowestGoldScore(query: Query, goldsInCorpus: string[], pool: readonly Hit[], context: BatchContext): Promise<number | null> {
  const poolScores = new Map(pool.map((hit) => [hit.id, hit.score]));
  const outside = goldsInCorpus.filter((id) => !poolScores.has(id));
  let scores = goldsInCorpus.filter((id) => poolScores.has(id)).map((id) => poolScores.get(id)!);
  if (outside.length > 0) {
    if (!context.scoresDocuments) return null;
    const scored = await context.backend.scoreDocuments!(context.target, { text: query.text }, outside, searchOptionsOf(context));
    if (outside.some((id) => !scored.has(id))) return null;
    scores = scores.concat(outside.map((id) => scored.get(id)!));
  }
  return scores.length === 0 ? null : Math.min(...scores);
}

async function randomCandidates(
  query: Query,
  count: number,
  documents: FetchedDocuments,
  context: BatchContext,
): Promise<{ id: string; text: string; score: number | null }[]> {
  const corpusIds = await context.corpusIds();
  // Stryker disable next-line ArithmeticOperator: equivalent, any offset keeps padding's draw apart from the selection's (seed itself)
  const random = seededRandom(querySeed(context.resolved.selection.seed + 1, query.id));
  const picked = new Set<string>();
  // Rejection sampling keeps this O(count) on large corpora; a small corpus is simply shuffled.
  if (corpusIds.length <= count * 4) {
    for (const id of shuffled(corpusIds, random).slice(0, count)) picked.add(id);
  } else {
    while (picked.size < count) picked.add(corpusIds[Math.floor(random() * corpusIds.length)]!);
  }
  const ids = [...picked];
  const found = await context.backend.getDocuments(context.target, ids);
  // Kept with the batch's documents, so a padded row finds its title like any other.
  documents.remember(found);
  const scores = !context.scoresDocuments
    ? new Map<string, number>()
    : await context.backend.scoreDocuments!(context.target, { text: query.text }, ids, searchOptionsOf(context));
  return ids.flatMap((id) => {
    const document = found.get(id);
    return document === undefined ? [] : [{ id, text: document.text, score: scores.get(id) ?? null }];
  });
}

function searchOptionsOf(context: BatchContext) {
  const { mode, poolSize, alpha, fusion } = context.resolved.search;
  return { mode, k: poolSize, ...(alpha === undefined ? {} : { alpha }), ...(fusion === undefined ? {} : { fusion }) };
}

function rowOf(
  query: Query,
  goldsInCorpus: readonly string[],
  documents: FetchedDocuments,
  negative: SelectedNegative | JudgedNegative,
  goldRank: number | null,
  goldScore: number | null,
  context: BatchContext,
): StoredRecord {
  const { keys } = context;
  return {
    id: rowIdOf(context.runId, query.id, negative.id),
    properties: {
      [keys.queryContentKey]: query.text,
      [keys.goldIdsKey]: goldsInCorpus,
      [keys.goldDocumentsKey]: goldsInCorpus.map((id) => documents.get(id)!.text),
      // Titles ("" for none) let exports give title and text as BM25 searched them.
      gold_titles: goldsInCorpus.map((id) => documents.get(id)!.title ?? ""),
      hard_negative_title: documents.get(negative.id)?.title ?? "",
      [keys.hardNegativeDocumentKey]: negative.text,
      [keys.hardNegativeIdKey]: negative.id,
      query_id: query.id,
      rank: negative.rank,
      score: negative.score,
      gold_rank: goldRank,
      gold_score: goldScore,
      run_id: context.runId,
      strategy: context.strategyLabel,
      padded: negative.padded,
      ...("verdict" in negative && context.judging !== undefined
        ? judgeRowProperties(negative.verdict, context.judging.judge.id, context.judging.policy)
        : {}),
    },
  };
}

function skip(counters: RunCounters, queryId: string, reason: keyof RunCounters["queries_skipped"], detail: string): void {
  increment(counters.queries_skipped, reason);
  if (counters.skipped_examples.length < MAX_EXAMPLES) counters.skipped_examples.push({ query_id: queryId, reason, detail });
}
