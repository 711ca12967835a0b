/** The best documents of one query, best first. */
export interface RankedDocuments {
  /** Document indexes, best first. */
  documentIndexes: Uint32Array;
  /** Their scores, non-increasing. */
  scores: Float32Array;
}

/**
 * Selects the `k` best of `candidates[0 .. candidateCount)` by `scores[candidate]`, best first,
 * ties broken by the lower document index so results never depend on posting order.
 *
 * A bounded min-heap (worst kept candidate at the root) costs O(n log k) and touches only the
 * candidates, instead of sorting every scored document: queries with common terms score most
 * of a large corpus, but only k results are asked for.
 */
export function selectTopK(candidates: Uint32Array, candidateCount: number, scores: Float32Array, k: number): RankedDocuments {
  const capacity = Math.min(k, candidateCount);
  const heap = new Uint32Array(capacity);
  let size = 0;
  for (let position = 0; position < candidateCount; position++) {
    const candidate = candidates[position]!;
    if (size < capacity) {
      heap[size] = candidate;
      siftUp(heap, size, scores);
      size++;
    } else if (isWorse(heap[0]!, candidate, scores)) {
      heap[0] = candidate;
      siftDown(heap, size, scores);
    }
  }
  const ordered = Array.from(heap).sort((left, right) => (isWorse(left, right, scores) ? 1 : isWorse(right, left, scores) ? -1 : 0));
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
