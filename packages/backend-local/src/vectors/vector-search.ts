import { selectTopK, type RankedDocuments } from "../bm25/top-k.js";

/** Queries scored together against each block of documents (their vectors stay in L1 cache). */
const QUERY_BLOCK = 8;
/** Documents per block: the block's scores for the query block are `QUERY_BLOCK × DOCUMENT_BLOCK` floats. */
const DOCUMENT_BLOCK = 4096;

/**
 * The dot product of the document vector at `offset` in `matrix` with `query`, rounded to
 * float32. The one scoring function of vector search and of `scoreDocuments`, so both agree to
 * the last bit. Vectors are unit length, so this is the cosine similarity.
 */
export function dotAt(matrix: Float32Array, offset: number, query: Float32Array, dimension: number): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  let position = 0;
  for (; position + 3 < dimension; position += 4) {
    sum0 += matrix[offset + position]! * query[position]!;
    sum1 += matrix[offset + position + 1]! * query[position + 1]!;
    sum2 += matrix[offset + position + 2]! * query[position + 2]!;
    sum3 += matrix[offset + position + 3]! * query[position + 3]!;
  }
  for (; position < dimension; position++) sum0 += matrix[offset + position]! * query[position]!;
  return Math.fround(sum0 + sum1 + sum2 + sum3);
}

/**
 * Exact top-k by dot product of each query against every document vector (`matrix` holds
 * `documentCount` rows of `dimension` floats). Works in blocks: a few queries against a block of
 * documents at a time, keeping only each query's running top k, so memory is
 * `QUERY_BLOCK × DOCUMENT_BLOCK` scores, never queries × corpus. Results are best first, ties
 * broken by the lower document index, every document eligible (cosine scores may be ≤ 0).
 */
export function searchVectors(matrix: Float32Array, dimension: number, queries: readonly Float32Array[], k: number): RankedDocuments[] {
  const documentCount = dimension === 0 ? 0 : Math.floor(matrix.length / dimension);
  const results: RankedDocuments[] = [];
  const blockScores = new Float32Array(QUERY_BLOCK * DOCUMENT_BLOCK);
  const mergedScores = new Float32Array(2 * k);
  const mergedDocuments = new Uint32Array(2 * k);
  for (let queryStart = 0; queryStart < queries.length; queryStart += QUERY_BLOCK) {
    const block = queries.slice(queryStart, queryStart + QUERY_BLOCK);
    const running: RankedDocuments[] = block.map(() => ({ documentIndexes: new Uint32Array(0), scores: new Float32Array(0) }));
    for (let documentStart = 0; documentStart < documentCount; documentStart += DOCUMENT_BLOCK) {
      const blockLength = Math.min(DOCUMENT_BLOCK, documentCount - documentStart);
      for (let document = 0; document < blockLength; document++) {
        const offset = (documentStart + document) * dimension;
        for (let query = 0; query < block.length; query++) {
          blockScores[query * DOCUMENT_BLOCK + document] = dotAt(matrix, offset, block[query]!, dimension);
        }
      }
      for (let query = 0; query < block.length; query++) {
        const scores = blockScores.subarray(query * DOCUMENT_BLOCK, query * DOCUMENT_BLOCK + blockLength);
        const current = running[query]!;
        // A full running list whose worst beats (or ties, at a lower index) this block's best needs no merge.
        const best = selectTopK(undefined, blockLength, scores, k, true);
        if (best.scores.length === 0) continue;
        if (current.scores.length === k && best.scores[0]! <= current.scores[k - 1]!) continue;
        // Merge: running hits first (lower document indexes), then the block's, so equal scores
        // keep document-index order, which is selectTopK's tie rule by position.
        const count = current.scores.length + best.scores.length;
        mergedScores.set(current.scores, 0);
        mergedScores.set(best.scores, current.scores.length);
        mergedDocuments.set(current.documentIndexes, 0);
        for (let position = 0; position < best.documentIndexes.length; position++) {
          mergedDocuments[current.scores.length + position] = documentStart + best.documentIndexes[position]!;
        }
        const merged = selectTopK(undefined, count, mergedScores.subarray(0, count), k, true);
        running[query] = { documentIndexes: merged.documentIndexes.map((position) => mergedDocuments[position]!), scores: merged.scores };
      }
    }
    results.push(...running);
  }
  return results;
}
