import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ShingleCache } from "../near-duplicates.js";
import type { Hit } from "../types.js";
import {
  DISTINCT,
  GOLD,
  GOLD_COPIES,
  QUERY,
  QUERY_ARGUMENT,
  QUERY_TITLE,
  QUOTES_SHORT_QUERY,
  SHORT_QUERY,
} from "./__fixtures__/near-duplicate-texts.js";
import type { SelectionOptions } from "./options.js";
import { padNegatives, selectNegatives, type SelectionInput } from "./select-negatives.js";

const options: SelectionOptions = {
  negativesPerQuery: 10,
  strategy: "top-k",
  sampling: "top",
  shortfall: "keep-fewer",
  seed: 42,
  nearDuplicateThreshold: 0.9,
};

/** Selection input of a query with gold "gold" and candidates in the given order (ranks 1, 2, ...). */
function inputOf(candidates: Record<string, string>, query = QUERY, overrides: Partial<SelectionInput> = {}): SelectionInput {
  const pool: Hit[] = Object.keys(candidates).map((id, index) => ({ id, rank: index + 1, score: 100 - index }));
  return {
    queryId: "q1",
    queryText: query,
    goldIds: ["gold"],
    pool,
    texts: new Map([["gold", GOLD], ...Object.entries(candidates)]),
    goldScore: null,
    ...overrides,
  };
}

const idsOf = (negatives: readonly { id: string }[]) => negatives.map((negative) => negative.id);

describe("near-duplicate exclusion in selectNegatives", () => {
  it("drops every kind of copy of the gold the exact check misses", () => {
    const selection = selectNegatives(inputOf({ ...GOLD_COPIES, distinct: DISTINCT[0]! }), options);
    expect(idsOf(selection.negatives)).toEqual(["distinct"]);
    expect(selection.dropped).toEqual({ near_duplicate: 4 });
  });

  it.each(Object.entries(GOLD_COPIES))("drops the %s copy alone", (kind, copy) => {
    expect(selectNegatives(inputOf({ [kind]: copy }), options).dropped).toEqual({ near_duplicate: 1 });
  });

  it("keeps copies that differ only in case, spacing and punctuation under today's reason, same_as_gold", () => {
    const selection = selectNegatives(inputOf({ spaced: GOLD.replaceAll(" ", "  ").toUpperCase() }), options);
    expect(selection.dropped).toEqual({ same_as_gold: 1 });
  });

  it("drops the query's argument reappearing in the corpus without its title (ArguAna)", () => {
    const selection = selectNegatives(inputOf({ argument: QUERY_ARGUMENT, other: DISTINCT[1]! }), options);
    expect(idsOf(selection.negatives)).toEqual(["other"]);
    expect(selection.dropped).toEqual({ near_duplicate: 1 });
  });

  it("drops the query's text reappearing under another header line", () => {
    const selection = selectNegatives(inputOf({ retitled: `Point 1\n${QUERY_ARGUMENT}` }), options);
    expect(selection.dropped).toEqual({ near_duplicate: 1 });
  });

  it("keeps a document that quotes a short query in a text of its own", () => {
    const selection = selectNegatives(inputOf({ quotes: QUOTES_SHORT_QUERY }, SHORT_QUERY), options);
    expect(idsOf(selection.negatives)).toEqual(["quotes"]);
    expect(selection.dropped).toEqual({});
  });

  it("keeps a document that quotes a long query inside a longer text (the query's share of it is small)", () => {
    const longer = `${DISTINCT[0]} ${DISTINCT[1]} As one side put it: "${QUERY_TITLE}". ${DISTINCT[2]}`;
    expect(selectNegatives(inputOf({ longer }), options).negatives).toHaveLength(1);
  });

  it("drops a candidate that near-duplicates an earlier negative, and keeps exact copies under duplicate", () => {
    const [first, second] = DISTINCT as [string, string];
    const selection = selectNegatives(
      inputOf({ first, second, firstHeader: `Summary\n${first}`, secondExact: second.toLowerCase(), firstCut: first.slice(0, 120) }),
      options,
    );
    expect(idsOf(selection.negatives)).toEqual(["first", "second"]);
    expect(selection.dropped).toEqual({ near_duplicate: 2, duplicate: 1 });
  });

  it("compares with earlier eligible candidates only: of two copies, the better-ranked one stays", () => {
    const [first] = DISTINCT as [string];
    const selection = selectNegatives(inputOf({ copy: `Summary\n${first}`, original: first }), options);
    expect(idsOf(selection.negatives)).toEqual(["copy"]);
  });

  it("decides at the threshold: a copy sharing a share s of its shingles is dropped at s and kept just above", () => {
    // The argument under a title: all of the argument's shingles are query text. A candidate made of
    // the argument plus new text of its own has a known share of query shingles.
    const candidate = `${QUERY_ARGUMENT} ${DISTINCT[2]}`;
    const share = shareOfQuery(candidate);
    expect(share).toBeGreaterThan(0.5);
    expect(share).toBeLessThan(0.7);
    const at = (threshold: number) => selectNegatives(inputOf({ candidate }), { ...options, nearDuplicateThreshold: threshold });
    expect(at(share - 0.001).dropped, "just below").toEqual({ near_duplicate: 1 });
    expect(at(share).dropped, "at").toEqual({ near_duplicate: 1 });
    expect(at(share + 0.001).dropped, "just above").toEqual({});
  });

  it("applies the rule only to texts long enough to have shingles", () => {
    // "gold" in one doc, "gold." in another: too short to shingle, different enough to pass the exact check.
    const selection = selectNegatives(inputOf({ short: "gold", other: "old" }, "go"), options);
    expect(idsOf(selection.negatives)).toEqual(["short", "other"]);
  });

  it("shingles only the texts the scan reaches, and each once per query", () => {
    const shingles = new ShingleCache();
    // A second gold missing from the corpus has no text to shingle.
    const input = inputOf({ a: DISTINCT[0]!, b: DISTINCT[1]!, c: DISTINCT[2]! }, QUERY, { shingles, goldIds: ["gold", "absent"] });
    selectNegatives(input, { ...options, negativesPerQuery: 1 });
    expect(shingles.size, "the query, the gold and the first candidate").toBe(3);
    selectNegatives(input, options);
    expect(shingles.size, "again, with the two candidates not reached before").toBe(5);
  });
});

describe("threshold 1: exact checks only, as before the rule", () => {
  it("keeps every copy the exact check misses, and shingles nothing", () => {
    const shingles = new ShingleCache();
    const input = inputOf({ ...GOLD_COPIES, argument: QUERY_ARGUMENT }, QUERY, { shingles });
    const selection = selectNegatives(input, { ...options, nearDuplicateThreshold: 1 });
    expect(idsOf(selection.negatives)).toEqual([...Object.keys(GOLD_COPIES), "argument"]);
    expect(shingles.size).toBe(0);
  });

  it("selects exactly what an option without a threshold selects", () => {
    const { nearDuplicateThreshold: _, ...withoutThreshold } = options;
    const texts = [GOLD, ...Object.values(GOLD_COPIES), ...DISTINCT, QUERY_ARGUMENT, "gold", "gold!"];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...texts), { maxLength: 12 }), fc.integer({ min: 1, max: 6 }), (picked, n) => {
        const input = inputOf(Object.fromEntries(picked.map((text, index) => [`d${index}`, text])));
        const exact = selectNegatives(input, { ...withoutThreshold, negativesPerQuery: n });
        expect(selectNegatives(input, { ...options, negativesPerQuery: n, nearDuplicateThreshold: 1 })).toEqual(exact);
      }),
    );
  });
});

describe("near-duplicate exclusion in padNegatives", () => {
  it("never pads with a near duplicate of the query, a gold or a negative already taken", () => {
    const input = inputOf({ kept: DISTINCT[0]! });
    const selection = selectNegatives(input, { ...options, negativesPerQuery: 3 });
    const padded = padNegatives(
      input,
      selection,
      [
        { id: "r-gold", text: GOLD_COPIES.header, score: null },
        { id: "r-query", text: QUERY_ARGUMENT, score: null },
        { id: "r-kept", text: `Note\n${DISTINCT[0]}`, score: null },
        { id: "r1", text: DISTINCT[1]!, score: null },
        { id: "r1-cut", text: DISTINCT[1]!.slice(0, 100), score: null },
        { id: "r2", text: DISTINCT[2]!, score: null },
      ],
      { negativesPerQuery: 3, nearDuplicateThreshold: 0.9 },
    );
    expect(idsOf(padded)).toEqual(["kept", "r1", "r2"]);
  });

  it("pads with near duplicates at threshold 1, as before", () => {
    const input = inputOf({});
    const selection = selectNegatives(input, options);
    const random = [{ id: "r-gold", text: GOLD_COPIES.header, score: null }];
    expect(idsOf(padNegatives(input, selection, random, { negativesPerQuery: 1, nearDuplicateThreshold: 1 }))).toEqual(["r-gold"]);
  });
});

describe("near-duplicate exclusion with a cache shared across queries", () => {
  it("selects exactly as with a fresh cache per query, also when the cache starts over", () => {
    // Texts made of a few words, so that copies, near copies and unrelated texts all occur and the
    // same texts come back as the query, gold or candidate of several queries.
    const words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"];
    const text = fc.array(fc.constantFrom(...words), { minLength: 0, maxLength: 12 }).map((list) => list.join(" "));
    const query = fc.record({
      queryText: text,
      gold: text,
      candidates: fc.array(text, { maxLength: 8 }),
      threshold: fc.constantFrom(0.5, 0.8, 0.9),
    });
    fc.assert(
      fc.property(fc.array(query, { minLength: 1, maxLength: 6 }), fc.constantFrom(600, 1 << 20), (queries, maxBytes) => {
        const shared = new ShingleCache(maxBytes);
        for (const [index, { queryText, gold, candidates, threshold }] of queries.entries()) {
          const texts = Object.fromEntries(candidates.map((candidate, rank) => [`c${rank}`, candidate]));
          const input = { ...inputOf(texts, queryText), queryId: `q${index}`, texts: new Map([["gold", gold], ...Object.entries(texts)]) };
          const settings = { ...options, nearDuplicateThreshold: threshold };
          const alone = selectNegatives(input, settings);
          expect(selectNegatives({ ...input, shingles: shared }, settings)).toEqual(alone);
          expect(padNegatives({ ...input, shingles: shared }, alone, [{ id: "r", text: gold, score: null }], settings)).toEqual(
            padNegatives(input, alone, [{ id: "r", text: gold, score: null }], settings),
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** The share of a text's shingles that are in QUERY, computed in full. */
function shareOfQuery(text: string): number {
  const cache = new ShingleCache();
  const candidate = cache.of(text);
  const query = cache.of(QUERY);
  return [...candidate.values()].filter((shingle) => query.has(shingle)).length / candidate.size;
}
