/**
 * Each term's largest posting score: MaxScore's per-term upper bound. One sequential pass over
 * the postings at build time; stored in the index file so loading stays a plain read.
 */
export function termMaxScoresOf(termOffsets: Uint32Array, postingScores: Float32Array): Float32Array {
  const termCount = Math.max(termOffsets.length - 1, 0);
  // Shared memory, like the postings, for the search threads.
  const termMaxScores = new Float32Array(new SharedArrayBuffer(termCount * 4));
  for (let termId = 0; termId < termCount; termId++) {
    let largest = 0;
    const end = termOffsets[termId + 1]!;
    for (let posting = termOffsets[termId]!; posting < end; posting++) {
      if (postingScores[posting]! > largest) largest = postingScores[posting]!;
    }
    termMaxScores[termId] = largest;
  }
  return termMaxScores;
}
