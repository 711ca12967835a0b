/**
 * Each term's largest posting score: MaxScore's per-term upper bound. One sequential pass over
 * the postings at build time; stored in the index file so loading stays a plain read.
 */
export function termMaxScoresOf(termOffsets: Uint32Array, postingScores: Float32Array): Float32Array<ArrayBuffer> {
  const termCount = termOffsets.length - 1;
  const termMaxScores = new Float32Array(Math.max(termCount, 0));
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
