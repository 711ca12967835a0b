import { describe, expect, it } from "vitest";
import type { HardNegativeKeys } from "../collections.js";
import { BadInputError } from "../errors.js";
import { parseHardNegativeRow } from "./hard-negative-row.js";

/** Key names other than the defaults, so a test sees the row is read with the run's own keys. */
const KEYS: HardNegativeKeys = {
  queryContentKey: "q_text",
  goldIdsKey: "positives",
  goldDocumentsKey: "positive_texts",
  hardNegativeDocumentKey: "neg_text",
  hardNegativeIdKey: "neg_id",
};

function properties(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    query_id: "q1",
    q_text: "does caffeine improve memory?",
    positives: ["g1", "g2"],
    positive_texts: ["Caffeine improved recall.", null],
    neg_text: "Caffeine raises alertness.",
    neg_id: "d7",
    gold_titles: ["Caffeine trial", ""],
    hard_negative_title: "Alertness",
    rank: 3,
    score: 12.5,
    gold_score: 14,
    ...overrides,
  };
}

function parse(props: Record<string, unknown>) {
  return parseHardNegativeRow({ id: "row-1", properties: props }, KEYS, "negatives");
}

function parseError(props: Record<string, unknown>): BadInputError {
  try {
    parse(props);
  } catch (error) {
    return error as BadInputError;
  }
  throw new Error("expected the row to be rejected");
}

describe("parseHardNegativeRow", () => {
  it("reads a row written with the run's key names", () => {
    expect(parse(properties()), "row").toEqual({
      recordId: "row-1",
      queryId: "q1",
      query: "does caffeine improve memory?",
      goldIds: ["g1", "g2"],
      goldDocuments: ["Caffeine improved recall.", null],
      goldTitles: ["Caffeine trial", ""],
      negativeId: "d7",
      negativeDocument: "Caffeine raises alertness.",
      negativeTitle: "Alertness",
      rank: 3,
      score: 12.5,
      goldScore: 14,
      judgedRelevant: false,
      relabelAsPositive: false,
    });
  });

  it("reads titles a row lacks (mined before titles were kept, or a document without one) as empty", () => {
    const { gold_titles: _gold, hard_negative_title: _negative, ...withoutTitles } = properties();
    expect(parse(withoutTitles), "a row without titles").toMatchObject({ goldTitles: ["", ""], negativeTitle: "" });
    expect(parse(properties({ gold_titles: ["only the first"], hard_negative_title: 7 })), "short or wrong-typed titles").toMatchObject({
      goldTitles: ["only the first", ""],
      negativeTitle: "",
    });
  });

  it("reads a missing, null or non-finite score as unknown (null)", () => {
    for (const score of [undefined, null, "12", Number.NaN]) {
      const parsed = parse(properties({ score, gold_score: score }));
      expect([parsed.score, parsed.goldScore], String(score)).toEqual([null, null]);
    }
  });

  it("reads a missing or null rank as null (random padding from outside the pool)", () => {
    const { rank: _rank, ...withoutRank } = properties();
    expect(parse(withoutRank).rank, "rank of a row without one").toBeNull();
    expect(parse(properties({ rank: null })).rank, "rank of a row with null").toBeNull();
  });

  it("rejects a rank that is not a number, naming the property", () => {
    const error = parseError(properties({ rank: "3" }));
    expect(error, "error").toBeInstanceOf(BadInputError);
    expect(error.message, "message").toContain('row "row-1" has no number (or null for padding) under "rank"');
  });

  it("rejects gold ids that are not a list of strings, naming the run's key", () => {
    for (const positives of ["g1", ["g1", 2], [2, "g1"], [null]]) {
      const error = parseError(properties({ positives }));
      expect(error, JSON.stringify(positives)).toBeInstanceOf(BadInputError);
      expect(error.message, JSON.stringify(positives)).toContain('has no list of gold ids under "positives"');
    }
  });

  it("rejects gold documents that are not a list of texts or nulls, naming the run's key", () => {
    for (const positive_texts of ["text", ["text", 2], [2, "text"], [undefined]]) {
      const error = parseError(properties({ positive_texts }));
      expect(error, JSON.stringify(positive_texts)).toBeInstanceOf(BadInputError);
      expect(error.message, JSON.stringify(positive_texts)).toContain('has no list of gold document texts under "positive_texts"');
    }
  });

  it("names the collection and lists the row's keys, or none, when a property is missing", () => {
    const error = parseError({ query_id: "q1", positives: 7 });
    expect(error.message, "message").toContain('collection "negatives"');
    expect(error.message, "message").toContain("(keys: query_id, positives)");
    expect(parseError({}).message, "message for an empty row").toContain("(keys: none)");
  });

  it("rejects texts that are missing or not strings", () => {
    for (const key of ["query_id", "q_text", "neg_text", "neg_id"]) {
      const error = parseError(properties({ [key]: 5 }));
      expect(error.message, key).toContain(`has no text under "${key}"`);
    }
  });

  it("uses a document as a positive when relabel is true, or when judged relevant under the relabel policy", () => {
    const cases: [Record<string, unknown>, boolean, boolean][] = [
      [{ relabel: true }, false, true],
      [{ is_relevant: true, judge_policy: "relabel" }, true, true],
      [{ is_relevant: true, judge_policy: "flag" }, true, false],
      [{ is_relevant: false, judge_policy: "relabel" }, false, false],
      [{ is_relevant: null, judge_policy: "relabel" }, false, false],
      [{ is_relevant: "true", judge_policy: "relabel" }, false, false],
    ];
    for (const [extra, judgedRelevant, relabelAsPositive] of cases) {
      const row = parse(properties(extra));
      expect([row.judgedRelevant, row.relabelAsPositive], JSON.stringify(extra)).toEqual([judgedRelevant, relabelAsPositive]);
    }
  });
});
