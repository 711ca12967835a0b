import { CandidateBuffers, maxScoreSearch, postingCountOf, seek, type ScoredPostingLists } from "./max-score-search.js";
import { selectTopK, type RankedDocuments } from "./top-k.js";

/** `accumulate`'s answer when it scored densely (no touched list). */
const DENSE = -1;
/**
 * A query goes dense when its postings reach this share of the corpus size: past it, most
 * documents are touched anyway and a sequential scan plus one `fill(0)` beats the random-access
 * touched list. Measured on the synthetic corpus; both paths give identical results.
 */
const DENSE_POSTINGS_PER_DOCUMENT = 0.25;

/**
 * "auto" picks MaxScore pruning when it pays off (see {@link Bm25Scorer.prefersPruning}), and
 * sums exhaustively after all when MaxScore would collect more than a quarter of the corpus; the
 * other two force one path, for comparing them. All three give identical results.
 */
export type TopKStrategy = "auto" | "exhaustive" | "pruned";

/**
 * When MaxScore beats the exhaustive sum, from per-query A/B timings (benchmarks/README.md) at
 * k = 10, 100 and 1000 on SciFact and on the 1M-document synthetic corpus: only with ≥ 2 terms
 * (a single list has nothing to prune against), and only for queries with many postings per
 * requested result. Pruned won from about 30k postings at k = 10 and 100 and 300k at k = 1000;
 * on SciFact (≤ 30k postings a query, the sum takes microseconds) it was even at k = 10 and
 * slower at k = 100. Below these, collecting and merging cost more than the postings skipped.
 * Re-measured after MaxScore's collecting became merges of sorted arrays: on the 1M corpus pruned
 * now also wins from about 3k postings at k = 10, but on SciFact it still loses at those sizes
 * (a 5k-document accumulator stays in cache), so the rule stands.
 */
const PRUNING_MIN_TERMS = 2;
const PRUNING_MIN_POSTINGS = 30_000;
const PRUNING_MIN_POSTINGS_PER_RESULT = 300;

/** What a scorer reads: an index's posting lists and its corpus size (all a search thread receives). */
export interface PostingLists extends ScoredPostingLists {
  documentCount: number;
}

/**
 * Top-k search and scoring over an index's posting lists. Holds the corpus-sized buffers a query
 * reuses, so one scorer serves one query at a time: the backend's thread has one, and so does
 * each search thread (bm25/search-threads.ts), over the same shared lists.
 */
export class Bm25Scorer {
  private accumulator: Float32Array | undefined;
  private touched: Uint32Array | undefined;
  private candidates: CandidateBuffers | undefined;

  constructor(readonly lists: PostingLists) {}

  get documentCount(): number {
    return this.lists.documentCount;
  }

  /**
   * The `k` best documents for the query terms, best first; documents scoring 0 are left out.
   * Pruned or exhaustive, the answer is the same to the last bit (ids, order and scores).
   */
  search(termIds: readonly number[], k: number, strategy: TopKStrategy = "auto"): RankedDocuments {
    if (strategy === "pruned") return this.searchPruned(termIds, k)!;
    if (strategy === "auto" && this.prefersPruning(termIds, k)) {
      // Past a quarter of the corpus in candidates, the sum's dense scan is cheaper (see DENSE_POSTINGS_PER_DOCUMENT).
      return this.searchPruned(termIds, k, this.documentCount * DENSE_POSTINGS_PER_DOCUMENT) ?? this.searchExhaustive(termIds, k);
    }
    return this.searchExhaustive(termIds, k);
  }

  /** MaxScore: skips the documents that provably cannot reach the top k. Undefined when it gives up (past `maxCandidates`). */
  private searchPruned(termIds: readonly number[], k: number, maxCandidates?: number): RankedDocuments | undefined {
    this.candidates ??= new CandidateBuffers();
    return maxScoreSearch(this.lists, termIds, k, this.candidates, maxCandidates);
  }

  /** Sums every posting of every query term, then selects the top k. */
  private searchExhaustive(termIds: readonly number[], k: number): RankedDocuments {
    const touchedCount = this.accumulate(termIds);
    const ranked =
      touchedCount === DENSE
        ? selectTopK(undefined, this.documentCount, this.accumulator!, k)
        : selectTopK(this.touched!, touchedCount, this.accumulator!, k);
    this.reset(touchedCount);
    return ranked;
  }

  /** Whether MaxScore should beat the exhaustive sum for this query (see the constants' notes). */
  private prefersPruning(termIds: readonly number[], k: number): boolean {
    if (termIds.length < PRUNING_MIN_TERMS) return false;
    const postingTotal = postingCountOf(this.lists.termOffsets, termIds);
    return postingTotal >= PRUNING_MIN_POSTINGS && postingTotal >= k * PRUNING_MIN_POSTINGS_PER_RESULT;
  }

  /**
   * Scores of the given documents for the query terms: the same float32 sum, in query-term
   * order, as {@link search} makes, so both agree to the last bit.
   */
  scoreDocuments(termIds: readonly number[], documentIndexes: readonly number[]): Float32Array {
    const { termOffsets, postingDocuments, postingScores } = this.lists;
    const scores = new Float32Array(documentIndexes.length);
    documentIndexes.forEach((documentIndex, position) => {
      // Each document's postings are found by binary search rather than by summing whole lists
      // (mining scores a few golds per query; at 1M documents the sum took 40% of `mine`). The
      // float32 sum in query-term order is the one the accumulator makes, so scores are identical.
      let score = 0;
      for (const termId of termIds) {
        const end = termOffsets[termId + 1]!;
        const posting = seek(postingDocuments, termOffsets[termId]!, end, documentIndex);
        if (posting < end && postingDocuments[posting] === documentIndex) score = Math.fround(score + postingScores[posting]!);
      }
      scores[position] = score;
    });
    return scores;
  }

  /**
   * Adds the postings of every query term into the accumulator. Returns how many documents it
   * touched (listed in `touched`), or {@link DENSE} when the query's postings are so many that
   * tracking touched documents would cost more than scanning and clearing the whole accumulator.
   */
  private accumulate(termIds: readonly number[]): number {
    const { termOffsets, postingDocuments, postingScores } = this.lists;
    this.accumulator ??= new Float32Array(this.documentCount);
    const accumulator = this.accumulator;
    if (postingCountOf(termOffsets, termIds) >= this.documentCount * DENSE_POSTINGS_PER_DOCUMENT) {
      for (const termId of termIds) {
        const end = termOffsets[termId + 1]!;
        for (let posting = termOffsets[termId]!; posting < end; posting++) {
          const documentIndex = postingDocuments[posting]!;
          accumulator[documentIndex] = accumulator[documentIndex]! + postingScores[posting]!;
        }
      }
      return DENSE;
    }

    this.touched ??= new Uint32Array(this.documentCount);
    const touched = this.touched;
    let touchedCount = 0;
    for (const termId of termIds) {
      const end = termOffsets[termId + 1]!;
      for (let posting = termOffsets[termId]!; posting < end; posting++) {
        const documentIndex = postingDocuments[posting]!;
        // Every contribution is > 0 (idf > 0, tf ≥ 1), so 0 reliably means "not touched yet".
        if (accumulator[documentIndex] === 0) touched[touchedCount++] = documentIndex;
        accumulator[documentIndex] = accumulator[documentIndex]! + postingScores[posting]!;
      }
    }
    return touchedCount;
  }

  /** Clears only the touched entries, so a query costs its postings, not the corpus size. */
  private reset(touchedCount: number): void {
    const accumulator = this.accumulator!;
    if (touchedCount === DENSE) {
      accumulator.fill(0);
      return;
    }
    const touched = this.touched!;
    for (let position = 0; position < touchedCount; position++) accumulator[touched[position]!] = 0;
  }
}

/**
 * The lists over shared memory (`SharedArrayBuffer`s), which search threads read in place: a
 * private buffer would be copied into every thread. Arrays already shared are kept as they are.
 */
export function inSharedMemory(lists: PostingLists): PostingLists {
  const shared = <T extends Uint32Array | Float32Array>(array: T): T => {
    if (array.buffer instanceof SharedArrayBuffer) return array;
    const copy = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(array.byteLength));
    copy.set(array);
    return copy;
  };
  const moved = {
    documentCount: lists.documentCount,
    termOffsets: shared(lists.termOffsets),
    postingDocuments: shared(lists.postingDocuments),
    postingScores: shared(lists.postingScores),
    termMaxScores: shared(lists.termMaxScores),
    // Made in shared memory already.
    ...(lists.rangeMaxScores === undefined ? {} : { rangeMaxScores: lists.rangeMaxScores }),
  };
  // The same object when nothing moved: callers key threads' copies by it.
  const unchanged = (["termOffsets", "postingDocuments", "postingScores", "termMaxScores"] as const).every(
    (key) => moved[key] === lists[key],
  );
  return unchanged ? lists : moved;
}
