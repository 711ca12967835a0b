import { selectTopK, type RankedDocuments } from "./top-k.js";

/** The index arrays MaxScore reads: CSR postings plus each term's largest contribution. */
export interface ScoredPostingLists {
  termOffsets: Uint32Array;
  postingDocuments: Uint32Array;
  postingScores: Float32Array;
  /** termId → the largest of its posting scores (an upper bound of what it adds to any document). */
  termMaxScores: Float32Array;
}

/** Per-index buffers reused across queries (searches run one at a time); sized to the corpus. */
export interface CandidateScratch {
  /**
   * documentIndex → float32 sum of the contributions read while collecting; 0 when untouched.
   * Float32 halves the cache misses of this corpus-sized array; its rounding is within `slack`.
   */
  partials: Float32Array;
  /** Every document touched while collecting, for clearing `partials` and `touchedBits`. */
  touched: Uint32Array;
  /** One bit per document, set when touched: yields the candidates in document order without sorting. */
  touchedBits: Uint32Array;
  /** The surviving candidates in ascending document order, with their partial sums and final scores. */
  survivorDocuments: Uint32Array;
  survivorPartials: Float64Array;
  survivorScores: Float32Array;
}

/**
 * Exact top-k by term-at-a-time MaxScore (Turtle & Flood 1995). Terms go best upper bound (max
 * score) first. While the terms still to come could together lift an unseen document into the
 * top k, lists are summed into per-document partial sums (collecting). As soon as their bounds
 * add up to less than θ (a proven lower bound of the final k-th best score, from the partial
 * sums), no new document can make it: the candidates are frozen into sorted compact arrays, the
 * remaining (usually long, low-idf) lists are merged against them with galloping search, and
 * after each list the candidates that can no longer reach θ are dropped. Compact arrays matter:
 * each random access into a corpus-sized array is a cache miss.
 *
 * Identical to the exhaustive path, bit for bit:
 * - Survivors' scores are recomputed at the end in float32, in query order, as the accumulator
 *   sums them; partial sums (float32 while collecting, float64 after) are only used as bounds.
 * - A float32 sum of m positive terms lies within a factor (1 ± u)^(m−1) of the real sum (u =
 *   2^−24); a partial sum and the exact score each round at most n times (n query terms), so
 *   bounds move by (1 ± 2(n + 1)u): upper bounds are inflated by `slack`, lower ones deflated.
 * - A document is dropped only when its upper bound is strictly below θ, i.e. below k other
 *   documents whatever the tie-break, so every document of the exhaustive top k survives; the
 *   survivors are in document order, so `selectTopK` breaks ties among them as it does on the
 *   exhaustive accumulator.
 * A repeated query term ("sum") is read once per occurrence, as the exhaustive sum does.
 */
export function maxScoreSearch(
  lists: ScoredPostingLists,
  termIds: readonly number[],
  k: number,
  scratch: CandidateScratch,
): RankedDocuments {
  const { termOffsets, postingDocuments, postingScores, termMaxScores } = lists;
  const { partials, touched, touchedBits, survivorDocuments, survivorPartials, survivorScores } = scratch;
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
  // More than the corpus is the whole corpus: every touched document is kept.
  const heap = new Float64Array(Math.min(k, partials.length));
  // θ: k distinct documents are proven to score at least this.
  let threshold = 0;

  // Collecting: every document of these lists is a candidate.
  let touchedCount = 0;
  let rank = 0;
  while (rank < termCount) {
    const termId = termIds[order[rank]!]!;
    const end = termOffsets[termId + 1]!;
    // The k largest partial sums of this list's documents (distinct within a list): kept inline,
    // as another pass over the touched documents would cost a cache miss each.
    heap.fill(0);
    for (let posting = termOffsets[termId]!; posting < end; posting++) {
      const document = postingDocuments[posting]!;
      const partial = partials[document]!;
      if (partial === 0) {
        touched[touchedCount++] = document;
        touchedBits[document >>> 5] = touchedBits[document >>> 5]! | (1 << (document & 31));
      }
      const sum = Math.fround(partial + postingScores[posting]!);
      partials[document] = sum;
      if (sum > heap[0]!) replaceSmallest(heap, sum);
    }
    rank++;
    threshold = Math.max(threshold, heap[0]! * deflate);
    if (boundFrom[rank]! * slack < threshold) break;
  }

  // Frozen: the candidates in document order, those that cannot reach θ left out; `partials`
  // and `touchedBits` are cleared on the way.
  let survivorCount = 0;
  for (let word = 0; word < touchedBits.length; word++) {
    let bits = touchedBits[word]!;
    if (bits === 0) continue;
    touchedBits[word] = 0;
    while (bits !== 0) {
      const document = word * 32 + 31 - Math.clz32(bits & -bits);
      bits &= bits - 1;
      const partial = partials[document]!;
      partials[document] = 0;
      if ((partial + boundFrom[rank]!) * slack < threshold) continue;
      survivorDocuments[survivorCount] = document;
      survivorPartials[survivorCount++] = partial;
    }
  }

  for (; rank < termCount && survivorCount > 0; rank++) {
    const termId = termIds[order[rank]!]!;
    mergeInto(
      survivorPartials,
      survivorDocuments,
      survivorCount,
      postingDocuments,
      postingScores,
      termOffsets[termId]!,
      termOffsets[termId + 1]!,
    );
    if (survivorCount >= k) threshold = Math.max(threshold, kthLargest(survivorPartials, survivorCount, heap) * deflate);
    const boundToCome = boundFrom[rank + 1]!;
    let kept = 0;
    for (let position = 0; position < survivorCount; position++) {
      if ((survivorPartials[position]! + boundToCome) * slack < threshold) continue;
      survivorDocuments[kept] = survivorDocuments[position]!;
      survivorPartials[kept++] = survivorPartials[position]!;
    }
    survivorCount = kept;
  }

  // Exact scores: float32, term by term in query order, as the exhaustive accumulator sums.
  survivorScores.fill(0, 0, survivorCount);
  for (const termId of termIds) {
    mergeInto(
      survivorScores,
      survivorDocuments,
      survivorCount,
      postingDocuments,
      postingScores,
      termOffsets[termId]!,
      termOffsets[termId + 1]!,
    );
  }
  const ranked = selectTopK(undefined, survivorCount, survivorScores.subarray(0, survivorCount), k);
  for (let position = 0; position < ranked.documentIndexes.length; position++) {
    ranked.documentIndexes[position] = survivorDocuments[ranked.documentIndexes[position]!]!;
  }
  return ranked;
}

/**
 * Adds the postings `start .. end` of one list to the sums of the sorted `documents` that have
 * one: a merge of two ascending lists, galloping through whichever is longer.
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
  let posting = start;
  for (let position = 0; position < documentCount; position++) {
    const document = documents[position]!;
    posting = seek(postingDocuments, posting, end, document);
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
