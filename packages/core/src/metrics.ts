/**
 * Retrieval metrics computed the way trec_eval / pytrec_eval (and so BEIR) compute them:
 * linear gains for nDCG, ideal ranking from the graded qrels, queries averaged uniformly.
 */

/** Graded relevance of a query's gold documents (grade > 0 means relevant). */
export type Grades = ReadonlyMap<string, number>;

/** 1-based rank of the best-ranked gold document in `rankedIds`, or null when none is there. */
export function goldRank(rankedIds: readonly string[], goldIds: Iterable<string>): number | null {
  const gold = goldIds instanceof Set ? (goldIds as Set<string>) : new Set(goldIds);
  for (let index = 0; index < rankedIds.length; index++) {
    if (gold.has(rankedIds[index]!)) return index + 1;
  }
  return null;
}

/** Normalised discounted cumulative gain at `k` (linear gain, log2 discount). */
export function ndcgAtK(rankedIds: readonly string[], grades: Grades, k: number): number {
  let dcg = 0;
  const depth = Math.min(k, rankedIds.length);
  for (let index = 0; index < depth; index++) {
    const gain = grades.get(rankedIds[index]!) ?? 0;
    if (gain > 0) dcg += gain / Math.log2(index + 2);
  }
  const idealGains = [...grades.values()].filter((grade) => grade > 0).sort((a, b) => b - a);
  let idealDcg = 0;
  for (let index = 0; index < Math.min(k, idealGains.length); index++) {
    idealDcg += idealGains[index]! / Math.log2(index + 2);
  }
  return idealDcg === 0 ? 0 : dcg / idealDcg;
}

/** Reciprocal rank of the first relevant document within the top `k`, else 0. */
export function mrrAtK(rankedIds: readonly string[], grades: Grades, k: number): number {
  const depth = Math.min(k, rankedIds.length);
  for (let index = 0; index < depth; index++) {
    if ((grades.get(rankedIds[index]!) ?? 0) > 0) return 1 / (index + 1);
  }
  return 0;
}

/** Share of the relevant documents found within the top `k`. */
export function recallAtK(rankedIds: readonly string[], grades: Grades, k: number): number {
  let relevant = 0;
  for (const grade of grades.values()) if (grade > 0) relevant++;
  if (relevant === 0) return 0;
  let found = 0;
  const depth = Math.min(k, rankedIds.length);
  for (let index = 0; index < depth; index++) {
    if ((grades.get(rankedIds[index]!) ?? 0) > 0) found++;
  }
  return found / relevant;
}

/**
 * The summary `hardneg eval` prints, with the names `mine` and `compare` use too: Recall over the
 * whole candidate pool is `recall_at_pool`, and `pool_size` says how deep that pool is.
 */
export interface EvaluationSummary {
  queries: number;
  pool_size: number;
  ndcg_at_10: number;
  mrr_at_10: number;
  recall_at_10: number;
  recall_at_pool: number;
}

/** Accumulates per-query metrics without holding the rankings. */
export class MetricsAccumulator {
  /** @param poolSize The depth Recall is measured at (`recall_at_pool`). Default 100. */
  constructor(private readonly poolSize = 100) {}

  private queries = 0;
  private ndcg10 = 0;
  private mrr10 = 0;
  private recall10 = 0;
  private recallPool = 0;

  add(rankedIds: readonly string[], grades: Grades): void {
    this.queries++;
    this.ndcg10 += ndcgAtK(rankedIds, grades, 10);
    this.mrr10 += mrrAtK(rankedIds, grades, 10);
    this.recall10 += recallAtK(rankedIds, grades, 10);
    this.recallPool += recallAtK(rankedIds, grades, this.poolSize);
  }

  summary(): EvaluationSummary {
    const mean = (total: number) => (this.queries === 0 ? 0 : total / this.queries);
    return {
      queries: this.queries,
      pool_size: this.poolSize,
      ndcg_at_10: mean(this.ndcg10),
      mrr_at_10: mean(this.mrr10),
      recall_at_10: mean(this.recall10),
      recall_at_pool: mean(this.recallPool),
    };
  }
}

/** Grades of a query as a map; queries without explicit grades give every gold grade 1. */
export function gradesOf(query: { goldIds: readonly string[]; grades?: Record<string, number> }): Map<string, number> {
  const grades = new Map<string, number>();
  for (const id of query.goldIds) grades.set(id, query.grades?.[id] ?? 1);
  return grades;
}
