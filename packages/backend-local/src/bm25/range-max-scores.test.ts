import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { postingListsOf } from "../__fixtures__/posting-lists.js";
import { rangeMaxScoresOf, rangeStepOf } from "./range-max-scores.js";

const postingLists = (documentCount: number) =>
  fc.array(
    fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: documentCount - 1 }), fc.float({ min: Math.fround(1e-6), max: 40, noNaN: true })), {
      selector: ([document]) => document,
      maxLength: documentCount,
    }),
    { minLength: 1, maxLength: 8 },
  );

describe("range max scores", () => {
  it("bound every posting of a list with ranges from above, within one step, and give shorter lists none", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }).chain((documentCount) => fc.tuple(fc.constant(documentCount), postingLists(documentCount))),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 30 }),
        ([documentCount, postings], shift, minPostings) => {
          const lists = postingListsOf(postings);
          const ranges = rangeMaxScoresOf(lists, documentCount, { shift, minPostings, maxBytes: 1 << 20 });
          const long = postings.flatMap((list, termId) => (list.length >= minPostings ? [termId] : []));
          if (long.length === 0) {
            expect(ranges).toBeUndefined();
            return;
          }
          expect(ranges!.rangeCount).toBe(Math.ceil(documentCount / 2 ** shift));
          postings.forEach((list, termId) => {
            const start = ranges!.rangeStarts[termId]!;
            if (!long.includes(termId)) {
              expect(start).toBe(-1);
              return;
            }
            const step = rangeStepOf(lists.termMaxScores[termId]!);
            const largest = new Float32Array(ranges!.rangeCount);
            for (const [document, score] of list) {
              const range = document >>> shift;
              largest[range] = Math.max(largest[range]!, Math.fround(score));
            }
            largest.forEach((score, range) => {
              const bound = ranges!.maxima[start + range]! * step;
              expect(bound).toBeGreaterThanOrEqual(score);
              expect(bound - step).toBeLessThan(score);
            });
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("gives ranges only to the longest lists when they would take more than the byte budget", () => {
    const lists = postingListsOf([
      [[0, 1]],
      [
        [0, 1],
        [1, 2],
        [2, 3],
      ],
      [
        [1, 1],
        [3, 2],
      ],
    ]);
    // 4 documents, 2 a range: 2 bytes a list, so a budget of 5 bytes holds two lists.
    const ranges = rangeMaxScoresOf(lists, 4, { shift: 1, minPostings: 1, maxBytes: 5 });
    expect(Array.from(ranges!.rangeStarts)).toEqual([-1, 0, 2]);
    expect(rangeMaxScoresOf(lists, 4, { shift: 1, minPostings: 4, maxBytes: 5 })).toBeUndefined();
    expect(rangeMaxScoresOf(lists, 4, { shift: 1, minPostings: 1, maxBytes: 1 })).toBeUndefined();
  });
});
