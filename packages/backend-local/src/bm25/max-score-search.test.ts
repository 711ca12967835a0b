import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { postingListsOf } from "../__fixtures__/posting-lists.js";
import { Bm25Index } from "./bm25-index.js";
import { Bm25Scorer } from "./bm25-scorer.js";
import { CandidateBuffers, interpolatedSeek, maxScoreSearch } from "./max-score-search.js";
import { rangeMaxScoresOf } from "./range-max-scores.js";

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
  return new Bm25Index({
    collection: "random",
    parameters: { k1: 1.5, b: 0.75 },
    averageDocumentLength: 1,
    documentIds: Array.from({ length: documentCount }, (_, document) => `d${document}`),
    recordRowIds: new Float64Array(documentCount),
    vocabulary: postings.map((_, termId) => `t${termId}`),
    ...postingListsOf(postings),
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

  it("returns exactly the exhaustive top k with range bounds, on some lists or all, whatever the range size", () => {
    fc.assert(
      fc.property(
        corpus,
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        (randomCorpus, queryTerms, k, shift, minPostings) => {
          const { data } = indexOf(randomCorpus);
          const lists = { ...data, documentCount: randomCorpus.documentCount };
          const rangeMaxScores = rangeMaxScoresOf(lists, lists.documentCount, { shift, minPostings, maxBytes: 1 << 20 });
          const hasLongList = randomCorpus.postings.some((list) => list.length >= minPostings);
          expect(rangeMaxScores === undefined).toBe(!hasLongList);
          const withRanges = new Bm25Scorer({ ...lists, rangeMaxScores });
          const termIds = queryTerms.filter((term) => term < data.vocabulary.length);
          const exhaustive = new Bm25Scorer(lists).search(termIds, k, "exhaustive");
          const pruned = withRanges.search(termIds, k, "pruned");
          expect(pruned.documentIndexes).toEqual(exhaustive.documentIndexes);
          expect(pruned.scores).toEqual(exhaustive.scores);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("bounds the lists to come that have no ranges by their max score", () => {
    // t0 is collected alone (θ = 10 from document 0); document 1 wins only through t1, a list too
    // short for ranges, and would be dropped if t1 were left out of its bound.
    const { data } = indexOf({
      documentCount: 8,
      postings: [
        [
          [0, 10],
          [1, 8],
        ],
        [[1, 5]],
        [
          [2, 1],
          [3, 1],
          [4, 1],
          [5, 1],
        ],
      ],
    });
    const lists = { ...data, documentCount: 8 };
    const rangeMaxScores = rangeMaxScoresOf(lists, 8, { shift: 0, minPostings: 3, maxBytes: 1 << 20 });
    expect(Array.from(rangeMaxScores!.rangeStarts)).toEqual([-1, -1, 0]);
    const ranked = new Bm25Scorer({ ...lists, rangeMaxScores }).search([0, 1, 2], 1, "pruned");
    expect(Array.from(ranked.documentIndexes)).toEqual([1]);
    expect(Array.from(ranked.scores)).toEqual([13]);
  });

  it("gives a large index's long lists ranges on its first search, shared with search threads, and still answers exactly", () => {
    // 20,000 documents; term t has about 20,000 / (t + 1) postings, so the first few lists pass
    // the default 4,096 and get ranges, the others are collected or bounded by their max score.
    const documentCount = 20_000;
    const random = fc.sample(fc.double({ min: 0, max: 1, noNaN: true }), { numRuns: 200_000, seed: 7 });
    let next = 0;
    const postings = Array.from({ length: 12 }, (_, term) =>
      Array.from({ length: documentCount }, (_, document) => document).flatMap((document): Array<[number, number]> => {
        const draw = random[next++ % random.length]!;
        return draw * (term + 1) < 1 ? [[document, Math.fround(0.5 + draw * 7 + term)]] : [];
      }),
    );
    const index = indexOf({ documentCount, postings });
    const queries = fc.sample(fc.array(fc.integer({ min: 0, max: 11 }), { minLength: 2, maxLength: 6 }), { numRuns: 40, seed: 11 });
    for (const query of queries) {
      const exhaustive = index.search(query, 100, "exhaustive");
      expect(index.search(query, 100, "pruned")).toEqual(exhaustive);
      expect(index.search(query, 100, "auto")).toEqual(exhaustive);
    }
    const { rangeMaxScores } = index.sharedPostingLists();
    expect(Array.from(rangeMaxScores!.rangeStarts).filter((start) => start >= 0)).toHaveLength(
      postings.filter((list) => list.length >= 4096).length,
    );
  });

  it('gives up before collecting more candidates than allowed, and "auto" then sums exhaustively', () => {
    // Term 0 (max 3) is collected first and alone gives no θ for k = 2; term 1 would add 5 more
    // documents to collect, term 2 (max 0.5) comes last.
    const { data } = indexOf({
      documentCount: 8,
      postings: [
        [[0, 3]],
        [
          [1, 2],
          [2, 1.5],
          [3, 1],
          [4, 1.25],
          [5, 1.75],
        ],
        [
          [2, 0.5],
          [6, 0.5],
        ],
      ],
    });
    const lists = { ...data, documentCount: 8 };
    const exhaustive = new Bm25Scorer(lists).search([0, 1, 2], 2, "exhaustive");
    expect(maxScoreSearch(lists, [0, 1, 2], 2, new CandidateBuffers(), 5)).toBeUndefined();
    expect(maxScoreSearch(lists, [0, 1, 2], 2, new CandidateBuffers(), 6)).toEqual(exhaustive);
    expect(maxScoreSearch(lists, [0, 1, 2], 2, new CandidateBuffers())).toEqual(exhaustive);
    expect(Array.from(exhaustive.documentIndexes)).toEqual([0, 1]);
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
