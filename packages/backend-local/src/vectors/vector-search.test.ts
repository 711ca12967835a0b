import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dotAt, searchVectors } from "./vector-search.js";

/** The reference: score every document, sort by score then index, cut at k. */
function bruteForce(matrix: Float32Array, dimension: number, query: Float32Array, k: number): Array<[number, number]> {
  const count = matrix.length / dimension;
  return Array.from({ length: count }, (_, document): [number, number] => [document, dotAt(matrix, document * dimension, query, dimension)])
    .sort((left, right) => right[1] - left[1] || left[0] - right[0])
    .slice(0, k);
}

/** Values from a small set, so exact ties between documents are common. */
const coarseVector = (dimension: number) =>
  fc.array(
    fc.integer({ min: -3, max: 3 }).map((value) => value / 3),
    { minLength: dimension, maxLength: dimension },
  );

describe("searchVectors (blocked exact dot-product top-k)", () => {
  it("equals brute force, ties by lower document index, negative scores included", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((dimension) =>
          fc.record({
            dimension: fc.constant(dimension),
            documents: fc.array(coarseVector(dimension), { maxLength: 60 }),
            queries: fc.array(coarseVector(dimension), { minLength: 1, maxLength: 20 }),
            k: fc.integer({ min: 1, max: 70 }),
          }),
        ),
        ({ dimension, documents, queries, k }) => {
          const matrix = Float32Array.from(documents.flat());
          const queryVectors = queries.map((query) => Float32Array.from(query));
          const results = searchVectors(matrix, dimension, queryVectors, k);
          expect(results).toHaveLength(queries.length);
          results.forEach((ranked, position) => {
            const expected = bruteForce(matrix, dimension, queryVectors[position]!, k);
            expect(Array.from(ranked.documentIndexes)).toEqual(expected.map(([document]) => document));
            expect(Array.from(ranked.scores)).toEqual(expected.map(([, score]) => score));
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("merges across document blocks: 10,000 documents, many equal scores", () => {
    const dimension = 4;
    const count = 10_000;
    const matrix = new Float32Array(count * dimension);
    // Scores repeat every 97 documents, so the top k spans every block and ties across blocks.
    for (let document = 0; document < count; document++)
      matrix.set([((document * 31) % 97) / 97, 0.5, -0.25, (document % 3) / 3], document * dimension);
    const queries = [Float32Array.of(1, 0, 0, 0), Float32Array.of(-1, 0.2, 0.1, 1), Float32Array.of(0, 0, 1, 0)];
    const results = searchVectors(matrix, dimension, queries, 250);
    results.forEach((ranked, position) => {
      const expected = bruteForce(matrix, dimension, queries[position]!, 250);
      expect(Array.from(ranked.documentIndexes)).toEqual(expected.map(([document]) => document));
    });
  });
});
