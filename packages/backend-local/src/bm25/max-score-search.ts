import type { RangeMaxScores } from "./range-max-scores.js";
import { rangeStepOf } from "./range-max-scores.js";
import { selectTopK, type RankedDocuments } from "./top-k.js";

/** The index arrays MaxScore reads: CSR postings plus each term's largest contribution. */
export interface ScoredPostingLists {
  termOffsets: Uint32Array;
  postingDocuments: Uint32Array;
  postingScores: Float32Array;
  /** termId → the largest of its posting scores (an upper bound of what it adds to any document). */
  termMaxScores: Float32Array;
  /** Bounds of the long lists per range of documents, when the index has long lists (see range-max-scores.ts). */
  rangeMaxScores?: RangeMaxScores;
}

/**
 * The candidates of one query, reused across queries (a scorer searches one query at a time):
 * documents in ascending order with their partial sums, plus a second pair that each list's
 * merge writes into before the two swap. They grow with the largest candidate set seen, not
 * with the corpus.
 */
export class CandidateBuffers {
  documents = new Uint32Array(1024);
  partials = new Float64Array(1024);
  private nextDocuments = new Uint32Array(1024);
  private nextPartials = new Float64Array(1024);

  /** The merge's output pair, with room for `size` candidates. */
  next(size: number): { documents: Uint32Array; partials: Float64Array } {
    if (this.nextDocuments.length < size) {
      const capacity = Math.max(size, this.nextDocuments.length * 2);
      this.nextDocuments = new Uint32Array(capacity);
      this.nextPartials = new Float64Array(capacity);
    }
    return { documents: this.nextDocuments, partials: this.nextPartials };
  }

  /** Makes the output pair the current candidates. */
  swap(): void {
    [this.documents, this.nextDocuments] = [this.nextDocuments, this.documents];
    [this.partials, this.nextPartials] = [this.nextPartials, this.partials];
  }
}

/**
 * Past every document id (ids are below the corpus size, itself below 2^32 − 1): what a finished
 * list or candidate array compares as. The largest uint32 rather than 2^32, so the merge's
 * document variables stay 32-bit integers for V8 instead of doubles (3% faster at 1M documents).
 */
const PAST_END = 0xffffffff;

/**
 * Exact top-k by MaxScore (Turtle & Flood 1995). Terms go best upper bound (max score) first.
 * While the terms still to come could together lift an unseen document into the top k, lists
 * are merged into a sorted candidate array with partial sums (collecting). As soon as their
 * bounds add up to less than θ (a proven lower bound of the final k-th best score, from the
 * partial sums), no new document can make it: the remaining (usually long, low-idf) lists are
 * searched for the candidates only ({@link interpolatedSeek}), and after each list the
 * candidates that can no longer reach θ are dropped: by the max scores of the lists to come, and
 * where those lists have range bounds (range-max-scores.ts), by their bounds over the candidate's
 * range of documents, which are tighter.
 *
 * Every step is a merge of two ascending arrays: sequential reads, no corpus-sized array. The
 * first version summed collected lists into a corpus-sized accumulator, and its random accesses
 * (a cache miss each at 1M documents) cost half the search.
 *
 * Identical to the exhaustive path, bit for bit:
 * - Survivors' scores are recomputed at the end in float32, in query order, as the accumulator
 *   sums them; partial sums (float64) are only used as bounds.
 * - A float32 sum of m positive terms lies within a factor (1 ± u)^(m−1) of the real sum (u =
 *   2^−24); a partial sum and the exact score each round at most n times (n query terms), so
 *   bounds move by (1 ± 2(n + 1)u): upper bounds are inflated by `slack`, lower ones deflated.
 * - A document is dropped only when its upper bound is strictly below θ, i.e. below k other
 *   documents whatever the tie-break, so every document of the exhaustive top k survives; the
 *   survivors are in document order, so `selectTopK` breaks ties among them as it does on the
 *   exhaustive accumulator.
 * A repeated query term ("sum") is read once per occurrence, as the exhaustive sum does.
 *
 * Gives up, returning undefined, before a merge would collect more than `maxCandidates`
 * documents: then most of the lists' postings are collected anyway, and a sorted merge costs
 * several times what the exhaustive sum's sequential scan does.
 */
export function maxScoreSearch(
  lists: ScoredPostingLists,
  termIds: readonly number[],
  k: number,
  candidates: CandidateBuffers,
  maxCandidates = Number.POSITIVE_INFINITY,
): RankedDocuments | undefined {
  const { termOffsets, postingDocuments, postingScores, termMaxScores } = lists;
  const termCount = termIds.length;
  if (k <= 0 || termCount === 0) return { documentIndexes: new Uint32Array(0), scores: new Float32Array(0) };
  const order = Array.from(termIds.keys()).sort(
    (left, right) => termMaxScores[termIds[right]!]! - termMaxScores[termIds[left]!]! || left - right,
  );
  /** boundFrom[i] = sum of the max scores of the terms order[i ..]. */
  const boundFrom = new Float64Array(termCount + 1);
  for (let rank = termCount - 1; rank >= 0; rank--) boundFrom[rank] = boundFrom[rank + 1]! + termMaxScores[termIds[order[rank]!]!]!;
  const slack = 1 + (termCount + 1) * 2 ** -23;
  const deflate = 1 - (termCount + 1) * 2 ** -23;
  // Holds the k largest partial sums. When the lists together have fewer postings than k, that
  // many suffice: with fewer candidates its root stays 0; with exactly that many, θ is the
  // smallest candidate's partial sum, which drops nobody. At least one, so θ is a number.
  const heap = new Float64Array(Math.max(1, Math.min(k, postingCountOf(termOffsets, termIds))));
  // θ: k distinct documents are proven to score at least this.
  let threshold = 0;

  // Collecting: every document of these lists is a candidate.
  let candidateCount = 0;
  let rank = 0;
  while (rank < termCount) {
    const termId = termIds[order[rank]!]!;
    if (candidateCount + termOffsets[termId + 1]! - termOffsets[termId]! > maxCandidates) return undefined;
    candidateCount = mergeUnion(
      candidates,
      candidateCount,
      postingDocuments,
      postingScores,
      termOffsets[termId]!,
      termOffsets[termId + 1]!,
      boundFrom[rank + 1]!,
      slack,
      threshold,
      heap,
    );
    rank++;
    threshold = Math.max(threshold, heap[0]! * deflate);
    if (boundFrom[rank]! * slack < threshold) break;
  }

  // Merging: the remaining lists only add to the candidates that can still reach θ.
  const { documents, partials } = candidates;
  let survivorCount = keepReachable(
    documents,
    partials,
    candidateCount,
    boundFrom[rank]!,
    slack,
    threshold,
    rangeBoundsFrom(lists, termIds, order, rank),
  );
  for (; rank < termCount && survivorCount > 0; rank++) {
    const termId = termIds[order[rank]!]!;
    mergeInto(partials, documents, survivorCount, postingDocuments, postingScores, termOffsets[termId]!, termOffsets[termId + 1]!);
    if (survivorCount >= k) threshold = Math.max(threshold, kthLargest(partials, survivorCount, heap) * deflate);
    const rangeBounds = rangeBoundsFrom(lists, termIds, order, rank + 1);
    survivorCount = keepReachable(documents, partials, survivorCount, boundFrom[rank + 1]!, slack, threshold, rangeBounds);
  }

  // Exact scores: float32, term by term in query order, as the exhaustive accumulator sums.
  const survivorScores = new Float32Array(survivorCount);
  for (const termId of termIds) {
    mergeInto(survivorScores, documents, survivorCount, postingDocuments, postingScores, termOffsets[termId]!, termOffsets[termId + 1]!);
  }
  const ranked = selectTopK(undefined, survivorCount, survivorScores, k);
  for (let position = 0; position < ranked.documentIndexes.length; position++) {
    ranked.documentIndexes[position] = documents[ranked.documentIndexes[position]!]!;
  }
  return ranked;
}

/** How many postings the terms have in all (a repeated term counts each time). */
export function postingCountOf(termOffsets: Uint32Array, termIds: readonly number[]): number {
  let postingTotal = 0;
  for (const termId of termIds) postingTotal += termOffsets[termId + 1]! - termOffsets[termId]!;
  return postingTotal;
}

/**
 * Merges the postings `start .. end` of one list into the candidates (both ascending by
 * document): a document in both gets the sum. Keeps only the merged candidates that can still
 * reach θ with `boundToCome` (the lists after this one) added, records the k largest kept
 * partial sums in `heap` (a min-heap, k = its length, cleared first) and returns how many were kept.
 */
function mergeUnion(
  candidates: CandidateBuffers,
  candidateCount: number,
  postingDocuments: Uint32Array,
  postingScores: Float32Array,
  start: number,
  end: number,
  boundToCome: number,
  slack: number,
  threshold: number,
  heap: Float64Array,
): number {
  const { documents, partials } = candidates;
  const { documents: keptDocuments, partials: keptPartials } = candidates.next(candidateCount + end - start);
  heap.fill(0);
  // The heap's root in a local: read from the heap at every candidate, it cost 2-5% of a search at 1M.
  let smallestKept = 0;
  let position = 0;
  let posting = start;
  let candidate = position < candidateCount ? documents[position]! : PAST_END;
  let listed = posting < end ? postingDocuments[posting]! : PAST_END;
  let kept = 0;
  while (candidate !== PAST_END || listed !== PAST_END) {
    let document: number;
    let partial: number;
    if (candidate < listed) {
      document = candidate;
      partial = partials[position++]!;
      candidate = position < candidateCount ? documents[position]! : PAST_END;
    } else {
      document = listed;
      partial = postingScores[posting++]!;
      if (candidate === listed) {
        partial += partials[position++]!;
        candidate = position < candidateCount ? documents[position]! : PAST_END;
      }
      listed = posting < end ? postingDocuments[posting]! : PAST_END;
    }
    if ((partial + boundToCome) * slack < threshold) continue;
    keptDocuments[kept] = document;
    keptPartials[kept++] = partial;
    if (partial > smallestKept) {
      replaceSmallest(heap, partial);
      smallestKept = heap[0]!;
    }
  }
  candidates.swap();
  return kept;
}

/**
 * The lists still to come, bounded per range of documents: the bound rows of those that have
 * them (each with what one step is worth) and the other lists' max scores summed. Undefined when
 * none has rows.
 */
interface RangeBounds {
  shift: number;
  rows: Uint8Array[];
  steps: number[];
  otherLists: number;
}

function rangeBoundsFrom(
  lists: ScoredPostingLists,
  termIds: readonly number[],
  order: readonly number[],
  from: number,
): RangeBounds | undefined {
  const ranges = lists.rangeMaxScores;
  if (ranges === undefined) return undefined;
  const bounds: RangeBounds = { shift: ranges.shift, rows: [], steps: [], otherLists: 0 };
  for (let rank = from; rank < order.length; rank++) {
    const termId = termIds[order[rank]!]!;
    const start = ranges.rangeStarts[termId]!;
    if (start < 0) {
      bounds.otherLists += lists.termMaxScores[termId]!;
    } else {
      bounds.rows.push(ranges.maxima.subarray(start, start + ranges.rangeCount));
      bounds.steps.push(rangeStepOf(lists.termMaxScores[termId]!));
    }
  }
  return bounds.rows.length === 0 ? undefined : bounds;
}

/**
 * Drops, in place and in order, the candidates whose partial sum plus `boundToCome` (the lists
 * to come's max scores) cannot reach θ, nor, with range bounds, their partial sum plus those
 * lists' bounds over the candidate's range; returns how many are left.
 */
function keepReachable(
  documents: Uint32Array,
  partials: Float64Array,
  count: number,
  boundToCome: number,
  slack: number,
  threshold: number,
  rangeBounds: RangeBounds | undefined,
): number {
  if (rangeBounds !== undefined) return keepReachableByRanges(documents, partials, count, boundToCome, slack, threshold, rangeBounds);
  let kept = 0;
  for (let position = 0; position < count; position++) {
    if ((partials[position]! + boundToCome) * slack < threshold) continue;
    documents[kept] = documents[position]!;
    partials[kept++] = partials[position]!;
  }
  return kept;
}

/** {@link keepReachable} with range bounds; the first list's row is read apart, most queries have only that one. */
function keepReachableByRanges(
  documents: Uint32Array,
  partials: Float64Array,
  count: number,
  boundToCome: number,
  slack: number,
  threshold: number,
  { shift, rows, steps, otherLists }: RangeBounds,
): number {
  const firstRow = rows[0]!;
  const firstStep = steps[0]!;
  let kept = 0;
  for (let position = 0; position < count; position++) {
    const partial = partials[position]!;
    if ((partial + boundToCome) * slack < threshold) continue;
    const document = documents[position]!;
    const range = document >>> shift;
    let bound = partial + otherLists + firstRow[range]! * firstStep;
    for (let row = 1; row < rows.length; row++) bound += rows[row]![range]! * steps[row]!;
    if (bound * slack < threshold) continue;
    documents[kept] = document;
    partials[kept++] = partial;
  }
  return kept;
}

/**
 * Adds the postings `start .. end` of one list to the sums of the sorted `documents` that have
 * one: a merge of two ascending lists, searching through whichever is longer.
 */
function mergeInto(
  sums: Float64Array | Float32Array,
  documents: Uint32Array,
  documentCount: number,
  postingDocuments: Uint32Array,
  postingScores: Float32Array,
  start: number,
  end: number,
): void {
  if (end - start < documentCount) {
    let position = 0;
    for (let posting = start; posting < end; posting++) {
      const document = postingDocuments[posting]!;
      position = seek(documents, position, documentCount, document);
      if (position === documentCount) return;
      if (documents[position] === document) sums[position] = sums[position]! + postingScores[posting]!;
    }
    return;
  }
  if (documentCount === 0) return;
  // Postings per document id: where the list's next document should lie (see interpolatedSeek).
  const density = (end - start) / (postingDocuments[end - 1]! - postingDocuments[start]! + 1);
  let posting = start;
  for (let position = 0; position < documentCount; position++) {
    const document = documents[position]!;
    posting = interpolatedSeek(postingDocuments, posting, end, document, density);
    if (posting === end) return;
    if (postingDocuments[posting] === document) sums[position] = sums[position]! + postingScores[posting]!;
  }
}

/** The k-th largest (k = heap length) of `values[0 .. count)`, 0 when fewer than k. */
function kthLargest(values: Float64Array, count: number, heap: Float64Array): number {
  heap.fill(0);
  for (let position = 0; position < count; position++) {
    if (values[position]! > heap[0]!) replaceSmallest(heap, values[position]!);
  }
  return heap[0]!;
}

/** Replaces the root of a full min-heap (the smallest value) by `value`, which is larger. */
function replaceSmallest(heap: Float64Array, value: number): void {
  const size = heap.length;
  let parent = 0;
  for (;;) {
    let smaller = 2 * parent + 1;
    if (smaller >= size) break;
    if (smaller + 1 < size && heap[smaller + 1]! < heap[smaller]!) smaller++;
    if (heap[smaller]! >= value) break;
    heap[parent] = heap[smaller]!;
    parent = smaller;
  }
  heap[parent] = value;
}

/**
 * {@link seek} starting from a guess: `from` plus the postings `density` predicts up to
 * `document`, then galloping from the guess in whichever direction it missed. Long lists spread
 * their documents fairly evenly, so the guess lands a few postings off and a far jump (a few
 * candidates left, a list of a million postings) costs one or two cache misses instead of
 * twenty probes. Any density gives the right answer; a poor one only costs more probes.
 */
export function interpolatedSeek(postingDocuments: Uint32Array, from: number, end: number, document: number, density: number): number {
  if (from >= end || postingDocuments[from]! >= document) return from;
  let guess = from + Math.floor((document - postingDocuments[from]!) * density);
  if (!(guess < end)) guess = end - 1;
  if (!(guess > from)) guess = from;
  let low: number;
  let high: number;
  let step = 1;
  if (postingDocuments[guess]! < document) {
    low = guess;
    high = guess + 1;
    while (high < end && postingDocuments[high]! < document) {
      low = high;
      step *= 2;
      high = guess + step;
    }
    if (high > end) high = end;
  } else {
    // postingDocuments[from] < document ≤ postingDocuments[guess], so guess > from.
    high = guess;
    low = guess - 1;
    while (low > from && postingDocuments[low]! >= document) {
      high = low;
      step *= 2;
      low = guess - step;
    }
    if (low < from) low = from;
  }
  // postingDocuments[low] < document ≤ postingDocuments[high] (or high = end).
  while (low + 1 < high) {
    const middle = (low + high) >>> 1;
    if (postingDocuments[middle]! < document) low = middle;
    else high = middle;
  }
  return high;
}

/** The first index in `from .. end` whose document is ≥ `document`: galloping, then binary search. */
export function seek(postingDocuments: Uint32Array, from: number, end: number, document: number): number {
  if (from >= end || postingDocuments[from]! >= document) return from;
  let low = from;
  let step = 1;
  let high = from + 1;
  while (high < end && postingDocuments[high]! < document) {
    low = high;
    step *= 2;
    high = from + step;
  }
  if (high > end) high = end;
  // postingDocuments[low] < document; the answer lies in (low, high].
  while (low + 1 < high) {
    const middle = (low + high) >>> 1;
    if (postingDocuments[middle]! < document) low = middle;
    else high = middle;
  }
  return high;
}
