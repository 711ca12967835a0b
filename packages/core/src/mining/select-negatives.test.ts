import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Hit } from "../types.js";
import type { SelectionOptions } from "./options.js";
import { normalizeText } from "../text.js";
import {
  candidatesNeedingText,
  eligibleInDrawOrder,
  padNegatives,
  querySeed,
  selectNegatives,
  type SelectedNegative,
  type Selection,
  type SelectionInput,
} from "./select-negatives.js";

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
      { negativesPerQuery: 3 },
    );
    expect(padded.map((negative) => [negative.id, negative.padded])).toEqual([
      ["a", false],
      ["r2", true],
      ["r4", true],
    ]);
  });
});

describe("selectNegatives with several golds", () => {
  // The golds are listed worst-ranked first, and every text is distinct, so no text check can stand in for the gold mask.
  const pool: Hit[] = [
    { id: "a", rank: 1, score: 9 },
    { id: "b", rank: 2, score: 8 },
    { id: "g-early", rank: 3, score: 7 },
    { id: "c", rank: 4, score: 6 },
    { id: "g-late", rank: 5, score: 5 },
    { id: "d", rank: 6, score: 4 },
  ];
  const input: SelectionInput = {
    queryId: "q",
    queryText: "a query unlike every document",
    goldIds: ["g-late", "g-early"],
    pool,
    texts: new Map(pool.map((hit) => [hit.id, `distinct text of ${hit.id}`])),
    goldScore: null,
  };

  it("ahead-of-gold keeps only candidates ranked above the best-ranked gold, whatever the order the golds are listed in", () => {
    const aheadOfGold: SelectionOptions = { ...baseOptions, strategy: "ahead-of-gold", negativesPerQuery: 10 };
    const selection = selectNegatives(input, aheadOfGold);
    expect(
      selection.negatives.map((negative) => negative.id),
      "candidates above rank 3",
    ).toEqual(["a", "b"]);
    expect(selection.dropped.outside_strategy, "c and d are below the best gold").toBe(2);
    const reversed = selectNegatives({ ...input, goldIds: ["g-early", "g-late"] }, aheadOfGold);
    expect(reversed.negatives, "the golds' listing order changes nothing").toEqual(selection.negatives);
  });

  it("masks every gold by id, so each is counted as a gold and never reaches the text checks", () => {
    const selection = selectNegatives(input, { ...baseOptions, negativesPerQuery: 10, sampling: "random" });
    expect(
      selection.negatives.map((negative) => negative.id),
      "every non-gold",
    ).toEqual(["a", "b", "c", "d"]);
    expect(selection.dropped, "both golds dropped as golds, none as a gold's text").toEqual({ gold: 2 });
    expect(
      candidatesNeedingText(input, { ...baseOptions, negativesPerQuery: 10 }).map((hit) => hit.id),
      "no gold needs its text fetched as a candidate",
    ).toEqual(["a", "b", "c", "d"]);
  });

  it("padding never takes a gold id, even one whose text differs from the gold's stored text", () => {
    const selection = selectNegatives({ ...input, pool: [] }, baseOptions);
    const padded = padNegatives(
      { ...input, pool: [] },
      selection,
      [
        { id: "g-early", text: "some other text", score: null },
        { id: "g-late", text: "yet another text", score: null },
        { id: "r1", text: "a random document", score: null },
      ],
      { negativesPerQuery: 3 },
    );
    expect(
      padded.map((negative) => negative.id),
      "only the non-gold",
    ).toEqual(["r1"]);
  });
});

describe("ahead-of-gold with a candidate tied with the gold's rank", () => {
  it("keeps only candidates ranked strictly above the best gold", () => {
    const pool: Hit[] = [
      { id: "a", rank: 1, score: 3 },
      { id: "g", rank: 2, score: 2 },
      { id: "tied", rank: 2, score: 2 },
    ];
    const selection = selectNegatives(
      {
        queryId: "q",
        queryText: "query",
        goldIds: ["g"],
        pool,
        texts: new Map(pool.map((hit) => [hit.id, `text ${hit.id}`])),
        goldScore: null,
      },
      { ...baseOptions, strategy: "ahead-of-gold" },
    );
    expect(
      selection.negatives.map((negative) => negative.id),
      "a tie is not ahead",
    ).toEqual(["a"]);
  });
});

describe("querySeed", () => {
  it("is 32-bit FNV-1a of the query id, started from the offset basis mixed with the seed", () => {
    // Published FNV-1a test vectors: with seed 0 the basis is FNV's own.
    expect(querySeed(0, ""), "empty id").toBe(0x811c9dc5);
    expect(querySeed(0, "a"), '"a"').toBe(0xe40c292c);
    expect(querySeed(0, "foobar"), '"foobar"').toBe(0xbf9cf968);
    expect(querySeed(7, "q1"), "another seed, another draw").not.toBe(querySeed(0, "q1"));
    expect(querySeed(42, "q1"), "another query, another draw").not.toBe(querySeed(42, "q2"));
  });
});

/** A generated scenario: a pool with ties, rank gaps, repeated ids, empty or missing texts, and every filter. */
interface Scenario {
  input: SelectionInput;
  options: SelectionOptions;
  padding: { id: string; text: string; score: number | null }[];
}

const ID_COUNT = 12;
/** Null three times in four: each filter alone is often absent, so candidates often outnumber N. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
const TEXTS = ["alpha", "Alpha!", "beta", "gamma", "delta", "", "  ...  ", "what is a hard negative", "epsilon", "zeta"];

const scenarioArbitrary: fc.Arbitrary<Scenario> = fc
  .record({
    // Ids repeat (a pool may name a document twice), ranks skip or repeat, scores tie (small integers).
    hits: fc.array(
      fc.record({
        id: fc.integer({ min: 0, max: ID_COUNT - 1 }),
        gap: fc.integer({ min: 0, max: 3 }),
        drop: fc.integer({ min: 0, max: 2 }),
      }),
      { maxLength: 20 },
    ),
    goldIds: fc.uniqueArray(fc.integer({ min: 0, max: ID_COUNT - 1 }), { minLength: 1, maxLength: 4 }),
    // One text per id (undefined: the document is unknown); the query text is one of them too.
    textIndexes: fc.array(fc.option(fc.integer({ min: 0, max: TEXTS.length - 1 }), { freq: 6 }), {
      minLength: ID_COUNT + 4,
      maxLength: ID_COUNT + 4,
    }),
    queryText: fc.constantFrom(...TEXTS.filter((text) => normalizeText(text) !== "")),
    negativesPerQuery: fc.integer({ min: 1, max: 6 }),
    strategy: fc.constantFrom("top-k" as const, "ahead-of-gold" as const, "range" as const),
    rangeMin: fc.option(fc.integer({ min: 1, max: 12 })),
    rangeLength: fc.option(fc.integer({ min: 0, max: 12 })),
    sampling: fc.constantFrom("top" as const, "random" as const),
    seed: fc.integer(),
    topScore: fc.integer({ min: -5, max: 20 }),
    goldScore: sometimes(fc.integer({ min: -10, max: 20 })),
    relativeMargin: sometimes(fc.constantFrom(0, 0.1, 0.5, 1)),
    absoluteMargin: sometimes(fc.integer({ min: -3, max: 5 })),
    maxScore: sometimes(fc.integer({ min: -10, max: 20 })),
    minScore: sometimes(fc.integer({ min: -10, max: 20 })),
    padding: fc.array(fc.record({ id: fc.integer({ min: 0, max: ID_COUNT + 3 }), text: fc.integer({ min: 0, max: TEXTS.length - 1 }) }), {
      maxLength: 10,
    }),
  })
  .map((s) => {
    let rank = 0;
    let score = s.topScore;
    const pool = s.hits.map((hit) => {
      rank = Math.max(1, rank + hit.gap);
      score -= hit.drop;
      return { id: `d${hit.id}`, rank, score };
    });
    const texts = new Map<string, string>();
    for (const [id, textIndex] of s.textIndexes.entries()) if (textIndex !== null) texts.set(`d${id}`, TEXTS[textIndex]!);
    const options: SelectionOptions = {
      ...baseOptions,
      negativesPerQuery: s.negativesPerQuery,
      strategy: s.strategy,
      sampling: s.sampling,
      seed: s.seed,
      ...(s.rangeMin === null ? {} : { rangeMin: s.rangeMin }),
      ...(s.rangeLength === null ? {} : { rangeMax: (s.rangeMin ?? 1) + s.rangeLength }),
      ...(s.relativeMargin === null ? {} : { relativeMargin: s.relativeMargin }),
      ...(s.absoluteMargin === null ? {} : { absoluteMargin: s.absoluteMargin }),
      ...(s.maxScore === null ? {} : { maxScore: s.maxScore }),
      ...(s.minScore === null ? {} : { minScore: s.minScore }),
    };
    return {
      input: {
        queryId: "q",
        queryText: s.queryText,
        goldIds: s.goldIds.map((id) => `d${id}`),
        pool,
        texts,
        goldScore: s.goldScore,
      },
      options,
      padding: s.padding.map((candidate) => ({ id: `d${candidate.id}`, text: TEXTS[candidate.text]!, score: null })),
    };
  });

/**
 * The README's rules, written out independently: a candidate is eligible when it is not a gold,
 * lies in the strategy's window, passes every score filter, has a known text that equals neither
 * the query nor a gold (after normalisation), and repeats no earlier eligible candidate's id or text.
 */
type Stage = "gold" | "window" | "filter" | "missing" | "forbidden" | "duplicate" | "eligible";

function oracleOf({ input, options }: Scenario) {
  const golds = new Set(input.goldIds);
  const goldHits = input.pool.filter((hit) => golds.has(hit.id));
  const bestGoldRank = goldHits.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...goldHits.map((hit) => hit.rank));
  const inWindow = (hit: Hit) => {
    if (options.strategy === "ahead-of-gold") return hit.rank < bestGoldRank;
    if (options.strategy === "range")
      return hit.rank >= (options.rangeMin ?? 1) && hit.rank <= (options.rangeMax ?? Number.POSITIVE_INFINITY);
    return true;
  };
  const passesFilters = (hit: Hit) => {
    if (options.maxScore !== undefined && hit.score > options.maxScore) return false;
    if (options.minScore !== undefined && hit.score < options.minScore) return false;
    const gold = input.goldScore;
    if (gold !== null && options.relativeMargin !== undefined && hit.score > gold - Math.abs(gold) * options.relativeMargin) return false;
    if (gold !== null && options.absoluteMargin !== undefined && hit.score > gold - options.absoluteMargin) return false;
    return true;
  };
  const forbidden = new Set([normalizeText(input.queryText)]);
  for (const id of golds) {
    const text = input.texts.get(id);
    if (text !== undefined) forbidden.add(normalizeText(text));
  }
  // Each pool candidate's fate, in the README's order; a repeated id or an already taken text is a duplicate.
  const stages: Stage[] = [];
  const eligible: Hit[] = [];
  const seenIds = new Set<string>();
  for (const hit of input.pool) {
    const text = input.texts.get(hit.id);
    let stage: Stage;
    if (golds.has(hit.id)) stage = "gold";
    else if (!inWindow(hit)) stage = "window";
    else if (!passesFilters(hit)) stage = "filter";
    else if (seenIds.has(hit.id)) stage = "duplicate";
    else if (text === undefined) stage = "missing";
    else if (forbidden.has(normalizeText(text))) stage = "forbidden";
    else if (eligible.some((other) => normalizeText(input.texts.get(other.id)!) === normalizeText(text))) stage = "duplicate";
    else stage = "eligible";
    if (stage !== "gold" && stage !== "window" && stage !== "filter") seenIds.add(hit.id);
    if (stage === "eligible") eligible.push(hit);
    stages.push(stage);
  }
  const filtered = input.pool.filter((_, index) => !["gold", "window", "filter"].includes(stages[index]!));
  return { stages, filtered, eligible, forbidden };
}

const idsOf = (negatives: readonly { id: string }[]) => negatives.map((negative) => negative.id);
const ranksAscending = (negatives: readonly SelectedNegative[]) =>
  negatives.every((negative, index) => index === 0 || negative.rank! >= negatives[index - 1]!.rank!);

describe("selectNegatives invariants (property-based)", () => {
  it("takes exactly the documented candidates: eligible by every rule, best-ranked first for top, a subset for random", () => {
    fc.assert(
      fc.property(scenarioArbitrary, (scenario) => {
        const { input, options } = scenario;
        const expected = oracleOf(scenario);
        const selection = selectNegatives(input, options);
        const wanted = Math.min(options.negativesPerQuery, expected.eligible.length);
        const picked = selection.negatives.map((negative) => `${negative.id}@${negative.rank}`);
        const eligible = expected.eligible.map((hit) => `${hit.id}@${hit.rank}`);
        if (options.sampling === "top") {
          expect(picked, "top: the best-ranked eligible candidates, in rank order").toEqual(eligible.slice(0, wanted));
        } else {
          expect(picked.length, "random: N, or every eligible candidate when fewer").toBe(wanted);
          for (const id of picked) expect(eligible, "random: only eligible candidates").toContain(id);
          expect(ranksAscending(selection.negatives), "random: returned in rank order").toBe(true);
          expect(selection.eligible, "random: every eligible candidate counted").toBe(expected.eligible.length);
        }
        for (const negative of selection.negatives) {
          const hit = expected.eligible.find((candidate) => candidate.id === negative.id);
          expect(negative, "an eligible pool candidate, with its own text and score, not padded").toEqual({
            id: hit!.id,
            text: input.texts.get(hit!.id),
            rank: hit!.rank,
            score: hit!.score,
            padded: false,
          });
        }
        expect(new Set(idsOf(selection.negatives)).size, "no id twice").toBe(selection.negatives.length);
        const normalized = selection.negatives.map((negative) => normalizeText(negative.text));
        expect(new Set(normalized).size, "no text twice").toBe(normalized.length);
        for (const text of normalized) expect(expected.forbidden.has(text), "no text equal to the query or a gold").toBe(false);
        expect(
          idsOf(selection.negatives).filter((id) => input.goldIds.includes(id)),
          "no gold",
        ).toEqual([]);
        expect(selectNegatives(input, options), "deterministic for a seed").toEqual(selection);
      }),
      { numRuns: 300 },
    );
  });

  it("accounts for every pool candidate: masked golds, the window, the filters, then text checks and sampling", () => {
    fc.assert(
      fc.property(scenarioArbitrary, (scenario) => {
        const { input, options } = scenario;
        const expected = oracleOf(scenario);
        const selection = selectNegatives(input, options);
        const count = (reasons: (keyof Selection["dropped"])[]) =>
          reasons.reduce((sum, reason) => sum + (selection.dropped[reason] ?? 0), 0);
        const dropped = Object.values(selection.dropped).reduce((sum, value) => sum + value, 0);
        expect(dropped + selection.negatives.length, "every candidate is taken or dropped once").toBe(input.pool.length);
        // "top" stops scanning once N candidates are eligible (texts past them need no fetching): the rest is not sampled.
        let examined = input.pool.length;
        if (options.sampling === "top" && expected.eligible.length >= options.negativesPerQuery) {
          examined = input.pool.indexOf(expected.eligible[options.negativesPerQuery - 1]!) + 1;
        }
        const seen = (stage: Stage) => expected.stages.slice(0, examined).filter((each) => each === stage).length;
        expect(count(["gold"]), "every examined gold masked as a gold").toBe(seen("gold"));
        expect(count(["outside_strategy"]), "non-golds outside the window").toBe(seen("window"));
        expect(count(["relative_margin", "absolute_margin", "max_score", "min_score"]), "windowed non-golds failing a filter").toBe(
          seen("filter"),
        );
        expect(count(["missing_document"]), "unknown documents").toBe(seen("missing"));
        expect(count(["same_as_query", "same_as_gold"]), "texts equal to the query or a gold").toBe(seen("forbidden"));
        expect(count(["duplicate"]), "repeated ids and texts").toBe(seen("duplicate"));
        expect(selection.eligible, "eligible candidates examined").toBe(seen("eligible"));
        expect(count(["not_sampled"]), "eligible but not drawn, and the unexamined rest").toBe(
          seen("eligible") - selection.negatives.length + input.pool.length - examined,
        );
        expect(
          candidatesNeedingText(input, options).map((hit) => `${hit.id}@${hit.rank}`),
          "texts are needed only for non-golds in the window that pass the filters",
        ).toEqual(expected.filtered.map((hit) => `${hit.id}@${hit.rank}`));
      }),
      { numRuns: 300 },
    );
  });

  it("draw order lists every eligible candidate, and its first N are the selection", () => {
    fc.assert(
      fc.property(scenarioArbitrary, (scenario) => {
        const { input, options } = scenario;
        const expected = oracleOf(scenario);
        const order = eligibleInDrawOrder(input, options);
        const eligible = expected.eligible.map((hit) => `${hit.id}@${hit.rank}`);
        const drawn = order.map((negative) => `${negative.id}@${negative.rank}`);
        if (options.sampling === "top") expect(drawn, "top: rank order").toEqual(eligible);
        else expect([...drawn].sort(), "random: the same candidates, shuffled").toEqual([...eligible].sort());
        const firstN = drawn.slice(0, options.negativesPerQuery).sort();
        const selected = selectNegatives(input, options).negatives.map((negative) => `${negative.id}@${negative.rank}`);
        expect(selected.sort(), "the selection is the first N drawn").toEqual(firstN);
      }),
      { numRuns: 200 },
    );
  });

  it("padding keeps the selection, then adds random documents that are no gold, no pool candidate and no repeated text", () => {
    fc.assert(
      fc.property(scenarioArbitrary, (scenario) => {
        const { input, options, padding } = scenario;
        const selection = selectNegatives(input, options);
        const padded = padNegatives(input, selection, padding, options);
        expect(padded.slice(0, selection.negatives.length), "the selection comes first, unchanged").toEqual(selection.negatives);
        expect(padded.length, "never more than N").toBeLessThanOrEqual(options.negativesPerQuery);
        const forbidden = oracleOf(scenario).forbidden;
        const poolIds = new Set(input.pool.map((hit) => hit.id));
        const added = padded.slice(selection.negatives.length);
        for (const negative of added) {
          expect(negative.padded && negative.rank === null, "a padded negative has no rank").toBe(true);
          expect(input.goldIds.includes(negative.id) || poolIds.has(negative.id), "no gold and no pool candidate").toBe(false);
          expect(forbidden.has(normalizeText(negative.text)), "no text equal to the query or a gold").toBe(false);
        }
        expect(new Set(idsOf(padded)).size, "no id twice").toBe(padded.length);
        expect(new Set(padded.map((negative) => normalizeText(negative.text))).size, "no text twice").toBe(padded.length);
        if (padded.length < options.negativesPerQuery) {
          // Short only when every usable candidate was taken (by id or by an equal text).
          for (const candidate of padding) {
            if (input.goldIds.includes(candidate.id) || poolIds.has(candidate.id) || forbidden.has(normalizeText(candidate.text))) continue;
            const represented = padded.some(
              (negative) => negative.id === candidate.id || normalizeText(negative.text) === normalizeText(candidate.text),
            );
            expect(represented, `usable candidate ${candidate.id} taken before stopping short`).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
