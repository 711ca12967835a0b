/**
 * Upper bounds of a long posting list's scores over ranges of documents (the "block-max" idea of
 * Ding & Suel 2011, here over fixed document ranges): MaxScore can drop a candidate whose partial
 * sum plus these bounds cannot reach θ, before searching the long lists for it.
 *
 * One byte per range: the range's largest score in steps of the term's max score / 255, rounded
 * up, so it is never below the real score. At 1M documents and 16 documents a range, a list
 * costs 62.5 KB, small enough to stay in cache while a query's candidates are checked.
 */
import type { ScoredPostingLists } from "./max-score-search.js";

export interface RangeMaxScores {
  /** log2 of the documents per range. */
  shift: number;
  /** Ranges per list: ceil(documentCount / 2^shift). */
  rangeCount: number;
  /** termId → where its ranges start in `maxima`, or -1 when its list has none (too short to gain). */
  rangeStarts: Int32Array;
  /** Each range's bound as a count of {@link rangeStepOf} steps. */
  maxima: Uint8Array;
}

export interface RangeMaxOptions {
  /** Documents per range, as a power of two. */
  shift: number;
  /** Lists shorter than this get no ranges (they are usually collected, not searched). */
  minPostings: number;
  /** Bytes the ranges may take in all; past it, only the longest lists get ranges. */
  maxBytes: number;
}

/**
 * Measured on the 1M synthetic corpus (benchmarks/README.md): with 16 documents a range and lists
 * of at least 2% of the corpus, 12-13% more queries/s on one thread; ranges of 8 or 32 documents
 * did about as well, ranges of 64 or lists from 4,096 postings gained less.
 */
export function defaultRangeMaxOptions(documentCount: number): RangeMaxOptions {
  return { shift: 4, minPostings: Math.max(4096, Math.ceil(documentCount / 50)), maxBytes: 64 * 2 ** 20 };
}

/** What one step of a term's range bounds is worth: a little over max / 255, so 255 steps cover the max. */
export function rangeStepOf(termMaxScore: number): number {
  return (termMaxScore / 255) * (1 + 2 ** -20);
}

/**
 * The range bounds of the lists long enough to gain, in shared memory so search threads read them
 * in place; undefined when no list is. One pass over those lists' postings.
 */
export function rangeMaxScoresOf(
  lists: ScoredPostingLists,
  documentCount: number,
  options: RangeMaxOptions = defaultRangeMaxOptions(documentCount),
): RangeMaxScores | undefined {
  const { termOffsets, postingDocuments, postingScores, termMaxScores } = lists;
  const termCount = termOffsets.length - 1;
  const rangeCount = Math.ceil(documentCount / 2 ** options.shift);
  const longTerms: number[] = [];
  for (let termId = 0; termId < termCount; termId++) {
    if (termOffsets[termId + 1]! - termOffsets[termId]! >= options.minPostings) longTerms.push(termId);
  }
  const rowBudget = rangeCount === 0 ? 0 : Math.floor(options.maxBytes / rangeCount);
  if (longTerms.length === 0 || rowBudget === 0) return undefined;
  if (longTerms.length > rowBudget) {
    const lengthOf = (termId: number) => termOffsets[termId + 1]! - termOffsets[termId]!;
    longTerms.sort((left, right) => lengthOf(right) - lengthOf(left) || left - right);
    longTerms.length = rowBudget;
  }
  const rangeStarts = new Int32Array(new SharedArrayBuffer(termCount * 4)).fill(-1);
  const maxima = new Uint8Array(new SharedArrayBuffer(longTerms.length * rangeCount));
  const rangeScores = new Float32Array(rangeCount);
  longTerms.forEach((termId, row) => {
    rangeScores.fill(0);
    const end = termOffsets[termId + 1]!;
    for (let posting = termOffsets[termId]!; posting < end; posting++) {
      const range = postingDocuments[posting]! >>> options.shift;
      if (postingScores[posting]! > rangeScores[range]!) rangeScores[range] = postingScores[posting]!;
    }
    const step = rangeStepOf(termMaxScores[termId]!);
    const start = row * rangeCount;
    for (let range = 0; range < rangeCount; range++) {
      let steps = Math.ceil(rangeScores[range]! / step);
      // Rounding could leave the product a hair below the score; the bound must never be.
      while (steps * step < rangeScores[range]!) steps++;
      maxima[start + range] = steps;
    }
    rangeStarts[termId] = start;
  });
  return { shift: options.shift, rangeCount, rangeStarts, maxima };
}
