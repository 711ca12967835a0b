/** The negatives one engine/mode mined, per query id. */
export interface MinedNegatives {
  /** Label of the engine and mode, e.g. "local:bm25". */
  label: string;
  negativesByQuery: ReadonlyMap<string, readonly string[]>;
}

/** A query on which the compared engines disagree, with each engine's negatives. */
export interface Disagreement {
  query_id: string;
  /** Mean pairwise Jaccard overlap of this query's negative sets (0 = disjoint). */
  mean_jaccard: number;
  negatives: Record<string, readonly string[]>;
}

/** How much the negative sets of several engines overlap. */
export interface NegativeOverlap {
  labels: string[];
  /** `mean_jaccard[i][j]`: mean over queries mined by both of |A ∩ B| / |A ∪ B|; 1 on the diagonal. */
  mean_jaccard: number[][];
  /** Share of all distinct (query, negative) pairs that exactly one engine found. */
  only_one_engine_share: number;
  /** Share of each engine's (query, negative) pairs that no other engine found. */
  unique_share: Record<string, number>;
  /** Queries mined by every engine (the ones compared query by query). */
  shared_queries: number;
  /** Queries mined by every engine whose negative sets differ (mean Jaccard < 1), lowest overlap first. */
  disagreements: Disagreement[];
}

/** Jaccard overlap of two sets; two empty sets overlap fully. */
export function jaccard(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  if (left.size === 0 && right.size === 0) return 1;
  let shared = 0;
  for (const item of left) if (right.has(item)) shared++;
  return shared / (left.size + right.size - shared);
}

/**
 * Compares the negatives several engines (or modes) mined for the same queries: pairwise mean
 * Jaccard overlap, the share of negatives only one engine found, and the queries where they
 * disagree most (`maxDisagreements`, default 5; only queries whose negative sets differ).
 */
export function compareNegatives(runs: readonly MinedNegatives[], maxDisagreements = 5): NegativeOverlap {
  const sets = runs.map((run) => new Map([...run.negativesByQuery].map(([queryId, ids]) => [queryId, new Set(ids)])));
  const meanJaccard = runs.map((_, row) => runs.map((__, column) => (row === column ? 1 : meanPairJaccard(sets[row]!, sets[column]!))));

  const finders = new Map<string, Set<number>>();
  sets.forEach((byQuery, runIndex) => {
    for (const [queryId, ids] of byQuery) {
      for (const id of ids) {
        const key = `${queryId}\u0000${id}`;
        const found = finders.get(key) ?? new Set<number>();
        found.add(runIndex);
        finders.set(key, found);
      }
    }
  });
  let onlyOne = 0;
  const uniqueCounts = runs.map(() => 0);
  const totals = runs.map(() => 0);
  for (const found of finders.values()) {
    for (const runIndex of found) totals[runIndex]!++;
    if (found.size === 1) {
      onlyOne++;
      uniqueCounts[[...found][0]!]!++;
    }
  }

  const sharedQueries = [...(sets[0]?.keys() ?? [])].filter((queryId) => sets.every((byQuery) => byQuery.has(queryId)));
  const disagreements = sharedQueries
    .map((queryId) => ({
      query_id: queryId,
      mean_jaccard: meanOverPairs(sets.length, (row, column) => jaccard(sets[row]!.get(queryId)!, sets[column]!.get(queryId)!)),
      negatives: Object.fromEntries(runs.map((run, index) => [run.label, [...sets[index]!.get(queryId)!]])),
    }))
    // Equal sets are no disagreement: two identical engines list none.
    .filter((item) => item.mean_jaccard < 1)
    .sort((a, b) => a.mean_jaccard - b.mean_jaccard || (a.query_id < b.query_id ? -1 : 1))
    .slice(0, runs.length > 1 ? maxDisagreements : 0);

  return {
    labels: runs.map((run) => run.label),
    mean_jaccard: meanJaccard,
    only_one_engine_share: finders.size === 0 ? 0 : onlyOne / finders.size,
    unique_share: Object.fromEntries(
      runs.map((run, index) => [run.label, totals[index] === 0 ? 0 : uniqueCounts[index]! / totals[index]!]),
    ),
    shared_queries: sharedQueries.length,
    disagreements,
  };
}

function meanPairJaccard(left: ReadonlyMap<string, Set<string>>, right: ReadonlyMap<string, Set<string>>): number {
  let total = 0;
  let queries = 0;
  for (const [queryId, ids] of left) {
    const other = right.get(queryId);
    if (other === undefined) continue;
    total += jaccard(ids, other);
    queries++;
  }
  return queries === 0 ? 0 : total / queries;
}

function meanOverPairs(count: number, value: (row: number, column: number) => number): number {
  let total = 0;
  let pairs = 0;
  for (let row = 0; row < count; row++) {
    for (let column = row + 1; column < count; column++) {
      total += value(row, column);
      pairs++;
    }
  }
  return pairs === 0 ? 1 : total / pairs;
}
