import { selectTopK, type RankedDocuments } from "./top-k.js";

/** The index arrays MaxScore reads: CSR postings plus each term's largest contribution. */
export interface ScoredPostingLists {
  termOffsets: Uint32Array;
  postingDocuments: Uint32Array;
  postingScores: Float32Array;
  /** termId → the largest of its posting scores (an upper bound of what it adds to any document). */
  termMaxScores: Float32Array;
}

/** Per-index buffers reused across queries (searches run one at a time): all zero between queries. */
export interface CandidateScratch {
  /** documentIndex → exact score of a recorded candidate. */
  scores: Float32Array;
  /** The recorded candidates' document indexes. */
  candidates: Uint32Array;
}

/** Past the last document: marks an exhausted cursor. */
const NO_DOCUMENT = 0xffffffff;
/**
 * How many postings of the best-bounded terms may be read up front to seed θ (see
 * {@link seedThresholdOf}). Reading them costs about what scoring them would; the seed pays off
 * when a very long low-idf list would otherwise stay essential until θ grows on its own.
 */
const SEED_POSTINGS = 16_384;

/**
 * Exact top-k by MaxScore (Turtle & Flood 1995), document at a time over the CSR postings. Query
 * positions are ordered by their term's max score; once the k-th best score θ exceeds what the
 * lowest-bounded terms could add together, those terms become "non-essential": they no longer
 * propose candidates, and are only probed (galloping search) for documents the essential terms
 * propose, best-bounded first, stopping as soon as the document can no longer beat θ.
 *
 * Identical to the exhaustive path, bit for bit:
 * - A surviving document's score is summed in float32 in query order, as the accumulator does.
 * - Bounds are real sums; a float32 sum of m positive terms is at most (1 + u)^(m−1) times the
 *   real sum (u = 2^−24), so bounds are inflated by `slack` before comparing with θ.
 * - Documents come in ascending index, and ties go to the lower index, so a document scoring ≤ θ
 *   (k earlier documents score ≥ it) can never enter the top k; every other one is recorded, and
 *   `selectTopK` orders the recorded ones exactly as it orders the exhaustive accumulator.
 * A repeated query term ("sum") is simply two positions with their own cursors.
 */
export function maxScoreSearch(
  lists: ScoredPostingLists,
  termIds: readonly number[],
  k: number,
  scratch: CandidateScratch,
): RankedDocuments {
  const { termOffsets, postingDocuments, postingScores, termMaxScores } = lists;
  const termCount = termIds.length;
  // Slots: query positions by ascending max score (stable, so equal bounds keep query order).
  const slotPositions = Array.from(termIds.keys()).sort(
    (left, right) => termMaxScores[termIds[left]!]! - termMaxScores[termIds[right]!]! || left - right,
  );
  const next = new Uint32Array(termCount);
  const end = new Uint32Array(termCount);
  /** boundBelow[slot] = sum of the max scores of slots 0 .. slot−1. */
  const boundBelow = new Float64Array(termCount + 1);
  for (let slot = 0; slot < termCount; slot++) {
    const termId = termIds[slotPositions[slot]!]!;
    next[slot] = termOffsets[termId]!;
    end[slot] = termOffsets[termId + 1]!;
    boundBelow[slot + 1] = boundBelow[slot]! + termMaxScores[termId]!;
  }
  const slack = 1 + (termCount + 1) * 2 ** -23;
  // A document must score ≥ seed (strictly below it, k known documents beat it whatever their
  // index) and > θ (k earlier, lower-indexed documents score at least as much).
  const seed = seedThresholdOf(postingDocuments, postingScores, next, end, k, termCount);
  /** Contribution of each query position to the current document (0 when absent). */
  const contributions = new Float64Array(termCount);
  const bestScores = new Float32Array(Math.max(k, 0));
  let bestCount = 0;
  // θ: the k-th best score so far (0 until k documents scored; every real score is > 0).
  let threshold = 0;
  let firstEssential = 0;
  while (firstEssential < termCount && boundBelow[firstEssential + 1]! * slack < seed) firstEssential++;
  let candidateCount = 0;
  const { scores, candidates } = scratch;

  /** Document under each essential slot's cursor, NO_DOCUMENT once exhausted. */
  const current = new Uint32Array(termCount);
  const positionOfSlot = Uint32Array.from(slotPositions);
  const firstDocumentFrom = (from: number): number => {
    let first = NO_DOCUMENT;
    for (let slot = from; slot < termCount; slot++) {
      current[slot] = next[slot]! < end[slot]! ? postingDocuments[next[slot]!]! : NO_DOCUMENT;
      if (current[slot]! < first) first = current[slot]!;
    }
    return first;
  };
  let document = k > 0 ? firstDocumentFrom(firstEssential) : NO_DOCUMENT;

  while (document !== NO_DOCUMENT) {
    // Essential slots: take this document's contributions, advance, and find the next candidate.
    let partial = 0;
    let nextDocument = NO_DOCUMENT;
    for (let slot = firstEssential; slot < termCount; slot++) {
      let slotDocument = current[slot]!;
      if (slotDocument === document) {
        const posting = next[slot]!;
        const score = postingScores[posting]!;
        contributions[positionOfSlot[slot]!] = score;
        partial += score;
        next[slot] = posting + 1;
        slotDocument = posting + 1 < end[slot]! ? postingDocuments[posting + 1]! : NO_DOCUMENT;
        current[slot] = slotDocument;
      }
      if (slotDocument < nextDocument) nextDocument = slotDocument;
    }
    // Non-essential slots, best bound first, until the document provably cannot make it.
    let beaten = false;
    for (let slot = firstEssential - 1; slot >= 0; slot--) {
      const bound = (partial + boundBelow[slot + 1]!) * slack;
      if (bound <= threshold || bound < seed) {
        beaten = true;
        break;
      }
      const posting = seek(postingDocuments, next[slot]!, end[slot]!, document);
      next[slot] = posting;
      if (posting < end[slot]! && postingDocuments[posting] === document) {
        const score = postingScores[posting]!;
        contributions[positionOfSlot[slot]!] = score;
        partial += score;
      }
    }
    if (!beaten && partial * slack > threshold && partial * slack >= seed) {
      // The exhaustive accumulator's sum: float32, in query order.
      let score = 0;
      for (let position = 0; position < termCount; position++) score = Math.fround(score + contributions[position]!);
      if (score > threshold && score >= seed) {
        scores[document] = score;
        candidates[candidateCount++] = document;
        if (bestCount < k) {
          pushScore(bestScores, bestCount++, score);
          if (bestCount === k) threshold = bestScores[0]!;
        } else {
          bestScores[0] = score;
          siftDownScore(bestScores, k);
          threshold = bestScores[0]!;
        }
        if (bestCount === k && firstEssential < termCount && boundBelow[firstEssential + 1]! * slack <= threshold) {
          while (firstEssential < termCount && boundBelow[firstEssential + 1]! * slack <= threshold) firstEssential++;
          // Slots just made non-essential no longer propose candidates.
          nextDocument = firstDocumentFrom(firstEssential);
        }
      }
    }
    contributions.fill(0);
    document = nextDocument;
  }

  const ranked = selectTopK(candidates, candidateCount, scores, k);
  for (let position = 0; position < candidateCount; position++) scores[candidates[position]!] = 0;
  return ranked;
}

/**
 * A safe lower bound of the final k-th best score, 0 when none is cheap: the best-bounded slots'
 * lists (last slots first, within {@link SEED_POSTINGS}) are merged and each document's summed
 * contributions from them, deflated for float32 rounding, is a lower bound of its exact score.
 * The k-th best of those bounds over k distinct documents cannot exceed the final k-th best.
 */
function seedThresholdOf(
  postingDocuments: Uint32Array,
  postingScores: Float32Array,
  starts: Uint32Array,
  ends: Uint32Array,
  k: number,
  termCount: number,
): number {
  let firstSeedSlot = termCount;
  let postings = 0;
  while (firstSeedSlot > 0 && postings + ends[firstSeedSlot - 1]! - starts[firstSeedSlot - 1]! <= SEED_POSTINGS) {
    firstSeedSlot--;
    postings += ends[firstSeedSlot]! - starts[firstSeedSlot]!;
  }
  if (postings < k || k <= 0) return 0;
  const next = starts.slice(firstSeedSlot, termCount);
  const end = ends.subarray(firstSeedSlot, termCount);
  const lowerBounds = new Float32Array(k);
  let boundCount = 0;
  const deflate = 1 - (termCount + 1) * 2 ** -23;
  for (;;) {
    let document = NO_DOCUMENT;
    for (let slot = 0; slot < next.length; slot++) {
      if (next[slot]! < end[slot]! && postingDocuments[next[slot]!]! < document) document = postingDocuments[next[slot]!]!;
    }
    if (document === NO_DOCUMENT) break;
    let partial = 0;
    for (let slot = 0; slot < next.length; slot++) {
      if (next[slot]! < end[slot]! && postingDocuments[next[slot]!] === document) partial += postingScores[next[slot]!++]!;
    }
    // Rounded down to float32 so the stored bound never exceeds the real one.
    let lowerBound = Math.fround(partial * deflate);
    if (lowerBound > partial * deflate) lowerBound = Math.fround(lowerBound * (1 - 2 ** -23));
    if (boundCount < k) pushScore(lowerBounds, boundCount++, lowerBound);
    else if (lowerBound > lowerBounds[0]!) {
      lowerBounds[0] = lowerBound;
      siftDownScore(lowerBounds, k);
    }
  }
  return boundCount === k ? lowerBounds[0]! : 0;
}

/** The first posting in `from .. end` whose document is ≥ `document`: galloping, then binary search. */
function seek(postingDocuments: Uint32Array, from: number, end: number, document: number): number {
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

/** Min-heap of the best scores so far (the k-th best at the root). */
function pushScore(heap: Float32Array, size: number, score: number): void {
  let child = size;
  while (child > 0) {
    const parent = (child - 1) >> 1;
    if (heap[parent]! <= score) break;
    heap[child] = heap[parent]!;
    child = parent;
  }
  heap[child] = score;
}

function siftDownScore(heap: Float32Array, size: number): void {
  const item = heap[0]!;
  let parent = 0;
  for (;;) {
    let smaller = 2 * parent + 1;
    if (smaller >= size) break;
    if (smaller + 1 < size && heap[smaller + 1]! < heap[smaller]!) smaller++;
    if (heap[smaller]! >= item) break;
    heap[parent] = heap[smaller]!;
    parent = smaller;
  }
  heap[parent] = item;
}
