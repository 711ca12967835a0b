/** The best documents of one query, best first. */
export interface RankedDocuments {
  /** Document indexes, best first. */
  documentIndexes: Uint32Array;
  /** Their scores, non-increasing. */
  scores: Float32Array;
}

/**
 * Selects the `k` best documents by `scores[document]`, best first, ties broken by the lower
 * document index so results never depend on posting order. Candidates are
 * `candidates[0 .. candidateCount)` when given (sparse: only touched documents), otherwise every
 * document `0 .. candidateCount)` whose score is > 0 (dense: cheaper when a query touches most
 * of the corpus, because the scan is sequential and needs no touched list), or every document
 * whatever its score when `keepNonPositive` is set (cosine scores, which may be ≤ 0).
 *
 * A bounded min-heap (worst kept document at the root) costs O(n log k), and once it is full most
 * candidates are rejected by one comparison with the root, instead of sorting every scored document.
 */
export function selectTopK(
  candidates: Uint32Array | undefined,
  candidateCount: number,
  scores: Float32Array,
  k: number,
  keepNonPositive = false,
): RankedDocuments {
  const heap = new Uint32Array(Math.min(k, candidateCount));
  let size = 0;
  // The root's score and index, cached: the fast-reject test runs for every candidate.
  let rootScore = -Infinity;
  let rootDocument = 0;
  for (let position = 0; position < candidateCount; position++) {
    const candidate = candidates === undefined ? position : candidates[position]!;
    const score = scores[candidate]!;
    if (size === heap.length) {
      if (score < rootScore || (score === rootScore && candidate > rootDocument)) continue;
      heap[0] = candidate;
      siftDown(heap, size, scores);
    } else {
      // Dense BM25: untouched documents score 0. Cosine scores may be ≤ 0 and still rank.
      if (score <= 0 && !keepNonPositive) continue;
      heap[size] = candidate;
      siftUp(heap, size, scores);
      size++;
      if (size < heap.length) continue;
    }
    rootDocument = heap[0]!;
    rootScore = scores[rootDocument]!;
  }
  const ordered = Array.from(heap.subarray(0, size)).sort((left, right) =>
    isWorse(left, right, scores) ? 1 : isWorse(right, left, scores) ? -1 : 0,
  );
  const documentIndexes = Uint32Array.from(ordered);
  const rankedScores = new Float32Array(documentIndexes.length);
  for (let rank = 0; rank < documentIndexes.length; rank++) rankedScores[rank] = scores[documentIndexes[rank]!]!;
  return { documentIndexes, scores: rankedScores };
}

/** True when document `left` ranks below document `right`. */
function isWorse(left: number, right: number, scores: Float32Array): boolean {
  const leftScore = scores[left]!;
  const rightScore = scores[right]!;
  return leftScore < rightScore || (leftScore === rightScore && left > right);
}

function siftUp(heap: Uint32Array, start: number, scores: Float32Array): void {
  let child = start;
  const item = heap[child]!;
  while (child > 0) {
    const parent = (child - 1) >> 1;
    if (!isWorse(item, heap[parent]!, scores)) break;
    heap[child] = heap[parent]!;
    child = parent;
  }
  heap[child] = item;
}

function siftDown(heap: Uint32Array, size: number, scores: Float32Array): void {
  let parent = 0;
  const item = heap[0]!;
  for (;;) {
    let worst = 2 * parent + 1;
    if (worst >= size) break;
    const right = worst + 1;
    if (right < size && isWorse(heap[right]!, heap[worst]!, scores)) worst = right;
    if (!isWorse(heap[worst]!, item, scores)) break;
    heap[parent] = heap[worst]!;
    parent = worst;
  }
  heap[parent] = item;
}
