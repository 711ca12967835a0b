/**
 * The last step of an index build: placing every (term, document) pair as a posting in its
 * term's list, with its BM25 score. One builder does it over its own documents; a threaded build
 * splits the scanned runs into consecutive parts and lays them out in several threads at once
 * (parallel-build.ts), each part writing its own slice of every term's list. Both run this code,
 * so the postings are the same bit for bit.
 */
import type { Bm25Parameters } from "./bm25-index.js";

/** One run of consecutive documents' (term, frequency) pairs, as a scan gathered them. */
export interface ScannedPairs {
  /** Term ids, local to the scanning thread until {@link remapAndCount} makes them the index's. */
  pairTermIds: Uint32Array;
  pairFrequencies: Uint32Array;
  /** End (exclusive) of each document's run of pairs. */
  documentPairEnds: Uint32Array;
  documentLengths: Uint32Array;
}

/** What scoring a posting needs besides its term frequency and its document's length. */
export interface PostingScoring extends Bm25Parameters {
  averageDocumentLength: number;
  /** termId → idf. */
  inverseDocumentFrequency: Float64Array;
}

/** Where a part's postings go: the index's posting arrays, shared between the parts' threads. */
export interface PostingArrays {
  postingDocuments: Uint32Array;
  postingScores: Float32Array;
}

/** Lucene's idf, log(1 + (N − df + 0.5) / (df + 0.5)): always positive, even for a term in every document. */
export function inverseDocumentFrequencies(documentFrequencies: ArrayLike<number>, termCount: number, documentCount: number): Float64Array {
  const inverseDocumentFrequency = new Float64Array(termCount);
  for (let termId = 0; termId < termCount; termId++) {
    const documentFrequency = documentFrequencies[termId]!;
    inverseDocumentFrequency[termId] = Math.log(1 + (documentCount - documentFrequency + 0.5) / (documentFrequency + 0.5));
  }
  return inverseDocumentFrequency;
}

/**
 * Rewrites each run's term ids in place, from its scanner's ids to the index's
 * (`termIdsOfScanner[scanners[i]]` maps run i's), and adds one to `documentFrequencies` per pair.
 */
export function remapAndCount(
  runs: readonly ScannedPairs[],
  scanners: readonly number[],
  termIdsOfScanner: readonly Uint32Array[],
  documentFrequencies: Uint32Array,
): void {
  runs.forEach(({ pairTermIds }, position) => {
    const termIds = termIdsOfScanner[scanners[position]!]!;
    for (let pair = 0; pair < pairTermIds.length; pair++) {
      const termId = termIds[pairTermIds[pair]!]!;
      pairTermIds[pair] = termId;
      documentFrequencies[termId]!++;
    }
  });
}

/**
 * Writes the postings of consecutive runs whose first document is `firstDocument`: each pair
 * goes to `nextPosting[termId]`, which moves on by one. Walking documents in order leaves each
 * term's postings sorted by document, which keeps memory access sequential at query time.
 * `termMaxScores` gets, per term, the largest score among this part's postings (MaxScore's bound).
 */
export function layOutPostings(
  runs: readonly ScannedPairs[],
  firstDocument: number,
  nextPosting: Uint32Array,
  scoring: PostingScoring,
  postings: PostingArrays,
  termMaxScores: Float32Array,
): void {
  const { k1, b, averageDocumentLength, inverseDocumentFrequency } = scoring;
  const { postingDocuments, postingScores } = postings;
  let documentIndex = firstDocument;
  for (const { pairTermIds, pairFrequencies, documentPairEnds, documentLengths } of runs) {
    let pair = 0;
    for (let document = 0; document < documentLengths.length; document++, documentIndex++) {
      const lengthNorm = k1 * (1 - b + (b * documentLengths[document]!) / averageDocumentLength);
      const end = documentPairEnds[document]!;
      for (; pair < end; pair++) {
        const termId = pairTermIds[pair]!;
        const frequency = pairFrequencies[pair]!;
        const posting = nextPosting[termId]!++;
        const score = (inverseDocumentFrequency[termId]! * frequency * (k1 + 1)) / (frequency + lengthNorm);
        postingDocuments[posting] = documentIndex;
        postingScores[posting] = score;
        // Compared as stored (float32), so the bound is exactly the largest posting score.
        const stored = Math.fround(score);
        if (stored > termMaxScores[termId]!) termMaxScores[termId] = stored;
      }
    }
  }
}
