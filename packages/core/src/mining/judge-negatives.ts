import { addJudgingStats, judgeWithCache, type JudgingStats } from "../judges/cached-judging.js";
import type { Judge, JudgeItem, JudgePolicy, Verdict } from "../judges/judge.js";
import type { VerdictCache } from "../judges/verdict-cache.js";
import type { SelectedNegative } from "./select-negatives.js";

/** How a run judges its negatives (resolved from the config). */
export interface ResolvedJudging {
  judge: Judge;
  policy: JudgePolicy;
  /** Policy "relabel": a query with more relabelled candidates than this is reported. */
  maxRelabelled: number;
  /** Policies "drop" / "relabel": most candidates judged per query, replacements included. */
  maxJudgedPerQuery: number;
  cache: VerdictCache | undefined;
  /** Summed over every batch of this invocation (calls and cache hits are per invocation). */
  stats: JudgingStats;
}

/** One query's selected negatives, before judging. */
export interface QueryToJudge {
  queryId: string;
  queryText: string;
  goldIds: readonly string[];
  goldTexts: readonly string[];
  negatives: readonly SelectedNegative[];
}

/** A negative with its verdict. */
export interface JudgedNegative extends SelectedNegative {
  verdict: Verdict;
}

/** What judging did to one query. */
export interface JudgedQuery {
  /** Rows that count as the query's negatives (for "flag", relevant ones too), in selection then replacement order. */
  negatives: JudgedNegative[];
  /** Policy "relabel": rows judged relevant, written with `relabel: true` and not counted as negatives. */
  relabelled: JudgedNegative[];
  /** Policy "drop": negatives judged relevant and removed. */
  dropped: number;
  /** Candidates taken from further down the pool to replace dropped or relabelled ones. */
  replacements: number;
}

/**
 * Where replacement candidates come from: every eligible candidate of a query in the order
 * sampling draws them (so replacements follow the same strategy, filters and seed).
 */
export interface ReplacementSource {
  /** Reads what {@link drawOrder} needs for these queries (one round trip for all of them). */
  prepare(queryIds: readonly string[]): Promise<void>;
  drawOrder(queryId: string): readonly SelectedNegative[];
}

/**
 * Judges the selected negatives of a batch's queries. With "flag" every negative stays, with its
 * verdict. With "drop" and "relabel" a negative judged relevant leaves the negatives (dropped, or
 * kept as a relabelled row) and the next eligible candidate not yet considered is judged in its
 * place, round after round, until each query has as many negatives as it had, its eligible
 * candidates run out, or `maxJudgedPerQuery` candidates were judged. Unjudged negatives (null)
 * stay negatives: a failure to answer is not a verdict.
 */
export async function judgeQueries(
  queries: readonly QueryToJudge[],
  judging: ResolvedJudging,
  replacements: ReplacementSource,
): Promise<Map<string, JudgedQuery>> {
  const states = queries.map((query) => ({
    query,
    wanted: query.negatives.length,
    considered: new Set(query.negatives.map((negative) => negative.id)),
    judged: 0,
    pending: query.negatives.slice(),
    result: { negatives: [], relabelled: [], dropped: 0, replacements: 0 } as JudgedQuery,
  }));
  const replacing = judging.policy !== "flag";
  // Once nothing is pending, one more round would judge no item, find no query short and break: the loop test only
  // saves that empty round (and its empty cache lookup).
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, an optimisation (see above)
  while (states.some((state) => state.pending.length > 0)) {
    const active = states.filter((state) => state.pending.length > 0);
    const items: JudgeItem[] = [];
    const owners: { state: (typeof states)[number]; negative: SelectedNegative }[] = [];
    for (const state of active) {
      for (const negative of state.pending) {
        items.push({
          queryId: state.query.queryId,
          queryText: state.query.queryText,
          goldIds: state.query.goldIds,
          goldTexts: state.query.goldTexts,
          candidateId: negative.id,
          candidateText: negative.text,
        });
        owners.push({ state, negative });
      }
      state.judged += state.pending.length;
      state.pending = [];
    }
    const { verdicts, stats } = await judgeWithCache(judging.judge, items, judging.cache);
    addJudgingStats(judging.stats, stats);
    owners.forEach(({ state, negative }, index) => {
      const judged = { ...negative, verdict: verdicts[index]! };
      if (!replacing || judged.verdict.relevant !== true) state.result.negatives.push(judged);
      else if (judging.policy === "relabel") state.result.relabelled.push(judged);
      else state.result.dropped++;
    });
    // Stryker disable next-line ConditionalExpression: equivalent; with "flag" every negative stays, so no query is short below
    if (!replacing) break;
    const short = active.filter((state) => state.result.negatives.length < state.wanted && state.judged < judging.maxJudgedPerQuery);
    if (short.length === 0) break;
    await replacements.prepare(short.map((state) => state.query.queryId));
    for (const state of short) {
      const room = Math.min(state.wanted - state.result.negatives.length, judging.maxJudgedPerQuery - state.judged);
      for (const candidate of replacements.drawOrder(state.query.queryId)) {
        if (state.pending.length >= room) break;
        if (state.considered.has(candidate.id)) continue;
        state.considered.add(candidate.id);
        state.pending.push(candidate);
      }
      state.result.replacements += state.pending.length;
    }
  }
  return new Map(states.map((state) => [state.query.queryId, state.result]));
}
