import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Hit } from "../types.js";
import type { SelectionOptions } from "./options.js";
import { padNegatives, selectNegatives, type SelectionInput } from "./select-negatives.js";

const baseOptions: SelectionOptions = { negativesPerQuery: 3, strategy: "top-k", sampling: "top", shortfall: "keep-fewer", seed: 42 };

function poolOf(ids: string[], topScore = 10): Hit[] {
  return ids.map((id, index) => ({ id, rank: index + 1, score: topScore - index }));
}

function inputOf(ids: string[], goldIds: string[], overrides: Partial<SelectionInput> = {}): SelectionInput {
  return {
    queryId: "q1",
    queryText: "what is a hard negative",
    goldIds,
    pool: poolOf(ids),
    texts: new Map(ids.concat(goldIds).map((id) => [id, `document ${id}`])),
    goldScore: null,
    ...overrides,
  };
}

describe("selectNegatives", () => {
  it("takes the best-ranked non-gold candidates (top-k, the original behaviour)", () => {
    const selection = selectNegatives(inputOf(["a", "g", "b", "c", "d"], ["g"]), baseOptions);
    expect(selection.negatives.map((negative) => negative.id)).toEqual(["a", "b", "c"]);
    expect(selection.dropped.gold).toBe(1);
    expect(selection.dropped.not_sampled).toBe(1);
  });

  it("ahead-of-gold keeps only candidates ranked above the best gold", () => {
    const selection = selectNegatives(inputOf(["a", "b", "g", "c"], ["g"]), { ...baseOptions, strategy: "ahead-of-gold" });
    expect(selection.negatives.map((negative) => negative.id)).toEqual(["a", "b"]);
    expect(selection.dropped.outside_strategy).toBe(1);
  });

  it("ahead-of-gold treats a gold outside the pool as below every candidate", () => {
    const selection = selectNegatives(inputOf(["a", "b"], ["g"]), { ...baseOptions, strategy: "ahead-of-gold" });
    expect(selection.negatives.map((negative) => negative.id)).toEqual(["a", "b"]);
  });

  it("range keeps pool ranks rangeMin..rangeMax", () => {
    const selection = selectNegatives(inputOf(["a", "b", "c", "d", "e"], ["x"]), {
      ...baseOptions,
      strategy: "range",
      rangeMin: 2,
      rangeMax: 4,
    });
    expect(selection.negatives.map((negative) => negative.rank)).toEqual([2, 3, 4]);
  });

  it("relativeMargin drops candidates scoring above 95% of the lowest gold score", () => {
    // Scores 10, 9, 8, 7; gold score 9.5 → threshold 9.025 keeps 9, 8, 7.
    const selection = selectNegatives(inputOf(["a", "b", "c", "d"], ["g"], { goldScore: 9.5 }), { ...baseOptions, relativeMargin: 0.05 });
    expect(selection.negatives.map((negative) => negative.id)).toEqual(["b", "c", "d"]);
    expect(selection.dropped.relative_margin).toBe(1);
  });

  it("absoluteMargin, maxScore and minScore use the engine's scale", () => {
    const input = inputOf(["a", "b", "c", "d", "e"], ["g"], { goldScore: 10 });
    expect(selectNegatives(input, { ...baseOptions, absoluteMargin: 1.5 }).negatives.map((n) => n.id)).toEqual(["c", "d", "e"]);
    expect(selectNegatives(input, { ...baseOptions, maxScore: 8 }).negatives.map((n) => n.id)).toEqual(["c", "d", "e"]);
    expect(selectNegatives(input, { ...baseOptions, minScore: 8 }).negatives.map((n) => n.id)).toEqual(["a", "b", "c"]);
  });

  it("drops candidates whose text equals the query or a gold document, and text duplicates", () => {
    const texts = new Map([
      ["a", "What is a HARD negative?"],
      ["b", "the gold text"],
      ["c", "another text"],
      ["d", "Another   text!"],
      ["e", "fine"],
      ["g", "The gold text."],
    ]);
    const selection = selectNegatives(inputOf(["a", "b", "c", "d", "e"], ["g"], { texts }), baseOptions);
    expect(selection.negatives.map((negative) => negative.id)).toEqual(["c", "e"]);
    expect(selection.dropped).toMatchObject({ same_as_query: 1, same_as_gold: 1, duplicate: 1 });
  });

  it("masks every gold of a multi-gold query", () => {
    const selection = selectNegatives(inputOf(["g1", "a", "g2", "b", "g3"], ["g1", "g2", "g3"]), baseOptions);
    expect(selection.negatives.map((negative) => negative.id)).toEqual(["a", "b"]);
    expect(selection.dropped.gold).toBe(3);
  });

  it("random sampling is seeded and returns negatives in rank order", () => {
    const ids = Array.from({ length: 30 }, (_, index) => `d${index}`);
    const options: SelectionOptions = { ...baseOptions, sampling: "random", negativesPerQuery: 5 };
    const first = selectNegatives(inputOf(ids, ["g"]), options).negatives.map((negative) => negative.id);
    const again = selectNegatives(inputOf(ids, ["g"]), options).negatives.map((negative) => negative.id);
    const otherSeed = selectNegatives(inputOf(ids, ["g"]), { ...options, seed: 7 }).negatives.map((negative) => negative.id);
    expect(first).toEqual(again);
    expect(first).not.toEqual(otherSeed);
    expect(first).not.toEqual(ids.slice(0, 5));
    const ranks = selectNegatives(inputOf(ids, ["g"]), options).negatives.map((negative) => negative.rank!);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it("padNegatives fills a shortfall with random documents, never gold, pool or duplicate text", () => {
    const input = inputOf(["a"], ["g"]);
    const selection = selectNegatives(input, baseOptions);
    const padded = padNegatives(
      input,
      selection,
      [
        { id: "g", text: "gold", score: null },
        { id: "a", text: "document a", score: 1 },
        { id: "r1", text: "document g", score: 0.5 },
        { id: "r2", text: "random two", score: 0.1 },
        { id: "r3", text: "Random two!", score: 0.2 },
        { id: "r4", text: "random four", score: null },
      ],
      3,
    );
    expect(padded.map((negative) => [negative.id, negative.padded])).toEqual([
      ["a", false],
      ["r2", true],
      ["r4", true],
    ]);
  });
});

describe("selectNegatives invariants (property-based)", () => {
  const idArbitrary = fc.constantFrom(...Array.from({ length: 25 }, (_, index) => `d${index}`));
  const scenario = fc.record({
    poolIds: fc.uniqueArray(idArbitrary, { maxLength: 25 }),
    goldIds: fc.uniqueArray(idArbitrary, { minLength: 1, maxLength: 4 }),
    textOf: fc.func(fc.constantFrom("alpha", "beta", "gamma", "delta", "alpha!", "epsilon", "zeta", "eta", "theta")),
    negativesPerQuery: fc.integer({ min: 1, max: 10 }),
    strategy: fc.constantFrom("top-k" as const, "ahead-of-gold" as const, "range" as const),
    rangeMin: fc.integer({ min: 1, max: 10 }),
    sampling: fc.constantFrom("top" as const, "random" as const),
    seed: fc.integer(),
    goldScore: fc.option(fc.double({ min: -5, max: 30, noNaN: true })),
    relativeMargin: fc.option(fc.double({ min: 0, max: 0.5, noNaN: true })),
  });

  it("never returns a gold, never repeats an id or a text, never exceeds N, and is deterministic", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const texts = new Map(s.poolIds.concat(s.goldIds).map((id) => [id, s.textOf(id)]));
        const input: SelectionInput = {
          queryId: "q",
          queryText: "query text",
          goldIds: s.goldIds,
          pool: poolOf(s.poolIds, 25),
          texts,
          goldScore: s.goldScore,
        };
        const options: SelectionOptions = {
          ...baseOptions,
          negativesPerQuery: s.negativesPerQuery,
          strategy: s.strategy,
          sampling: s.sampling,
          seed: s.seed,
          ...(s.strategy === "range" ? { rangeMin: s.rangeMin, rangeMax: s.rangeMin + 8 } : {}),
          ...(s.relativeMargin === null ? {} : { relativeMargin: s.relativeMargin }),
        };
        const selection = selectNegatives(input, options);
        const ids = selection.negatives.map((negative) => negative.id);
        expect(ids.some((id) => s.goldIds.includes(id))).toBe(false);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBeLessThanOrEqual(s.negativesPerQuery);
        expect(ids.length).toBe(Math.min(s.negativesPerQuery, selection.eligible));
        const normalizedTexts = selection.negatives.map((negative) => negative.text.replace(/[^a-z]/g, ""));
        expect(new Set(normalizedTexts).size).toBe(normalizedTexts.length);
        const dropped = Object.values(selection.dropped).reduce((sum, count) => sum + count, 0);
        expect(dropped + ids.length).toBe(s.poolIds.length);
        expect(selectNegatives(input, options)).toEqual(selection);
      }),
    );
  });
});
