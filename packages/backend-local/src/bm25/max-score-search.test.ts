import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Bm25Index } from "./bm25-index.js";
import { interpolatedSeek } from "./max-score-search.js";
import { termMaxScoresOf } from "./term-max-scores.js";

/** A random index: per term, a random set of documents with positive float32 scores (few levels, so ties are common). */
const corpus = fc.integer({ min: 1, max: 40 }).chain((documentCount) =>
  fc.record({
    documentCount: fc.constant(documentCount),
    postings: fc.array(
      fc.uniqueArray(
        fc.tuple(
          fc.integer({ min: 0, max: documentCount - 1 }),
          fc.oneof(
            fc.constantFrom(0.1, 0.25, 1 / 3, 0.7, 1.1, 2),
            fc.float({ min: Math.fround(0.001), max: 20, noNaN: true, noDefaultInfinity: true }),
          ),
        ),
        { selector: ([document]) => document, maxLength: documentCount },
      ),
      { minLength: 1, maxLength: 10 },
    ),
  }),
);

function indexOf({ documentCount, postings }: { documentCount: number; postings: Array<Array<[number, number]>> }): Bm25Index {
  const termOffsets = new Uint32Array(postings.length + 1);
  postings.forEach((list, termId) => {
    termOffsets[termId + 1] = termOffsets[termId]! + list.length;
  });
  const sorted = postings.flatMap((list) => [...list].sort(([left], [right]) => left - right));
  const postingDocuments = Uint32Array.from(sorted, ([document]) => document);
  const postingScores = Float32Array.from(sorted, ([, score]) => score);
  return new Bm25Index({
    collection: "random",
    parameters: { k1: 1.5, b: 0.75 },
    averageDocumentLength: 1,
    documentIds: Array.from({ length: documentCount }, (_, document) => `d${document}`),
    recordRowIds: new Float64Array(documentCount),
    vocabulary: postings.map((_, termId) => `t${termId}`),
    termOffsets,
    postingDocuments,
    postingScores,
    termMaxScores: termMaxScoresOf(termOffsets, postingScores),
  });
}

describe("MaxScore pruning", () => {
  it("returns exactly the exhaustive top k (ids, order, scores) on random corpora and queries", () => {
    fc.assert(
      fc.property(
        corpus,
        // Term numbers past the vocabulary are unknown words; repeats are common with so few terms.
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom("sum", "once"),
        fc.integer({ min: 1, max: 50 }),
        (randomCorpus, queryTerms, repeats, k) => {
          const index = indexOf(randomCorpus);
          const termIds = index.termIdsOf(
            queryTerms.map((term) => `t${term}`),
            repeats,
          );
          const pruned = index.search(termIds, k, "pruned");
          const exhaustive = index.search(termIds, k, "exhaustive");
          expect(pruned.documentIndexes).toEqual(exhaustive.documentIndexes);
          expect(pruned.scores).toEqual(exhaustive.scores);
          // The scratch buffers are clean again: a second query is unaffected.
          expect(index.search(termIds, k, "pruned")).toEqual(exhaustive);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("counts a repeated query term once per occurrence, like the exhaustive sum", () => {
    const index = indexOf({
      documentCount: 3,
      postings: [
        [
          [0, 1],
          [2, 0.5],
        ],
        [[1, 1.5]],
      ],
    });
    const ranked = index.search(index.termIdsOf(["t0", "t1", "t0"], "sum"), 3, "pruned");
    expect(Array.from(ranked.documentIndexes)).toEqual([0, 1, 2]);
    expect(Array.from(ranked.scores)).toEqual([2, 1.5, 1]);
  });
});

describe("interpolatedSeek", () => {
  it("finds the first posting ≥ the document from any start, whatever the density guessed", () => {
    fc.assert(
      fc.property(
        // Sorted distinct documents, clustered or spread: a guess may land far off either way.
        fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 100_000 })), { maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: 0, max: 100_100 }),
        fc.oneof(fc.constantFrom(0, 1e-9, 0.5, 1, 1e9), fc.double({ min: 0, max: 100, noNaN: true })),
        (unsorted, fromSeed, document, density) => {
          const postings = Uint32Array.from(unsorted.sort((left, right) => left - right));
          const from = postings.length === 0 ? 0 : fromSeed % (postings.length + 1);
          let expected = from;
          while (expected < postings.length && postings[expected]! < document) expected++;
          expect(interpolatedSeek(postings, from, postings.length, document, density)).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
