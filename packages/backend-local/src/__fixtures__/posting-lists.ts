/** CSR posting lists (the index's layout) from per-term [document, score] postings, sorted by document within a term. */
export function postingListsOf(postings: Array<Array<[number, number]>>) {
  const termOffsets = new Uint32Array(postings.length + 1);
  postings.forEach((list, termId) => {
    termOffsets[termId + 1] = termOffsets[termId]! + list.length;
  });
  const sorted = postings.flatMap((list) => [...list].sort(([left], [right]) => left - right));
  const postingDocuments = Uint32Array.from(sorted, ([document]) => document);
  const postingScores = Float32Array.from(sorted, ([, score]) => score);
  // Each term's largest score (0 at least), as the index builder records it.
  const termMaxScores = Float32Array.from(postings, (list) => Math.max(0, ...list.map(([, score]) => Math.fround(score))));
  return { termOffsets, postingDocuments, postingScores, termMaxScores };
}
