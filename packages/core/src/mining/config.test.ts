import { describe, expect, it } from "vitest";
import type { BackendCapabilities, SearchBackend } from "../backend.js";
import { DocsCollection, HardNegativesCollection, QueriesCollection } from "../collections.js";
import { BadOptionError, UnsupportedCapabilityError } from "../errors.js";
import type { Judge } from "../judges/judge.js";
import { bestMode, resolveMineConfig, type MineConfig, type MiningOptions } from "./config.js";

/** A bm25-only engine with no k limit and no scoreDocuments (like the word-overlap fixture). */
const bm25Only: BackendCapabilities = { modes: ["bm25"], scoreDocumentsModes: [], maxBatchSize: 64 };
/** An engine offering every mode and gold scores in every mode. */
const allModes: BackendCapabilities = {
  modes: ["bm25", "vector", "hybrid"],
  scoreDocumentsModes: ["bm25", "vector", "hybrid"],
  maxBatchSize: 64,
};

// resolveMineConfig reads the engine only through the capabilities it is given, and never calls the judge.
const unusedBackend = {} as SearchBackend;
const unusedJudge = { id: "test-judge", judge: async () => [] } as Judge;

function configOf(options: Partial<MiningOptions> & { judge?: Judge } = {}): MineConfig {
  return {
    negativesPerQuery: 3,
    backend: unusedBackend,
    docsCollection: new DocsCollection({ collectionName: "docs" }),
    queriesCollection: new QueriesCollection({ collectionName: "queries" }),
    hardNegativesCollection: new HardNegativesCollection({ collectionName: "out" }),
    ...options,
  };
}

function resolve(options: Partial<MiningOptions> & { judge?: Judge } = {}, capabilities: BackendCapabilities = bm25Only) {
  return resolveMineConfig(configOf(options), capabilities);
}

/** The error `resolve` throws, for assertions on its class and its location as well as its message. */
function errorOf(options: Partial<MiningOptions> & { judge?: Judge }, capabilities: BackendCapabilities = bm25Only): unknown {
  try {
    resolve(options, capabilities);
  } catch (error) {
    return error;
  }
  throw new Error("expected resolveMineConfig to throw");
}

describe("resolveMineConfig: defaults", () => {
  it("a config giving only negativesPerQuery mines the original way, plus near duplicates at 0.9", () => {
    const resolved = resolve();
    expect(resolved.selection, "selection defaults (and no filter keys that were not given)").toStrictEqual({
      negativesPerQuery: 3,
      strategy: "top-k",
      sampling: "top",
      shortfall: "keep-fewer",
      seed: 42,
      nearDuplicateThreshold: 0.9,
    });
    expect(resolved.querySampling).toBe("first");
  });

  it("mines every query, 64 queries per batch, 2 batches in flight, unless told otherwise", () => {
    const resolved = resolve();
    expect(resolved.querySamples, "querySamples default: all queries").toBe(Number.POSITIVE_INFINITY);
    expect(resolved.batchSize, "batchSize default").toBe(64);
    expect(resolved.concurrency, "concurrency default").toBe(2);
  });

  it("keeps the values the user gave", () => {
    const resolved = resolve({
      strategy: "ahead-of-gold",
      sampling: "random",
      shortfall: "pad-random",
      querySampling: "random",
      seed: 7,
      querySamples: 10,
      batchSize: 8,
      concurrency: 1,
      maxScore: 5,
      minScore: 0,
      nearDuplicateThreshold: 0.8,
    });
    expect(resolved.selection).toStrictEqual({
      negativesPerQuery: 3,
      strategy: "ahead-of-gold",
      sampling: "random",
      shortfall: "pad-random",
      seed: 7,
      maxScore: 5,
      minScore: 0,
      nearDuplicateThreshold: 0.8,
    });
    expect(resolved).toMatchObject({ querySampling: "random", querySamples: 10, batchSize: 8, concurrency: 1 });
  });

  it("has no judge settings without a judge", () => {
    expect(resolve()).not.toHaveProperty("judging");
  });
});

describe("resolveMineConfig: whole-number options", () => {
  const wholeNumberOptions = ["negativesPerQuery", "querySamples", "batchSize", "concurrency", "poolSize"] as const;

  it.each(wholeNumberOptions)("%s must be a whole number of at least 1, and the error names it", (option) => {
    for (const bad of [0, -1, 2.5, Number.NaN, "3" as unknown as number]) {
      const error = errorOf({ [option]: bad });
      expect(error, `${option} = ${String(bad)}`).toBeInstanceOf(BadOptionError);
      expect((error as BadOptionError).location.option, `${option} = ${String(bad)}`).toBe(option);
      expect((error as Error).message).toMatch(new RegExp(`must be a whole number of at least 1, got ${String(bad)}`));
    }
  });

  it.each(wholeNumberOptions)("%s accepts 1, the smallest whole number allowed", (option) => {
    // negativesPerQuery 1 is fine on its own; the others are given next to the default negativesPerQuery.
    expect(() => resolve({ [option]: 1 })).not.toThrow();
  });
});

describe("resolveMineConfig: nearDuplicateThreshold", () => {
  it("must be above 0 and at most 1, and the error names it", () => {
    for (const bad of [0, -0.1, 1.01, Number.NaN, Number.POSITIVE_INFINITY, "0.5" as unknown as number]) {
      const error = errorOf({ nearDuplicateThreshold: bad });
      expect(error, String(bad)).toBeInstanceOf(BadOptionError);
      expect((error as BadOptionError).location.option, String(bad)).toBe("nearDuplicateThreshold");
      expect((error as Error).message).toContain(`must be above 0 and at most 1 (1 = exact duplicates only), got ${String(bad)}`);
    }
  });

  it("accepts values just above 0 and up to 1; at 1 the selection carries no threshold (exact checks, run ids as before)", () => {
    expect(resolve({ nearDuplicateThreshold: 0.001 }).selection.nearDuplicateThreshold).toBe(0.001);
    expect(resolve({ nearDuplicateThreshold: 0.999 }).selection.nearDuplicateThreshold).toBe(0.999);
    expect(resolve({ nearDuplicateThreshold: 1 }).selection).not.toHaveProperty("nearDuplicateThreshold");
  });
});

describe("resolveMineConfig: choices", () => {
  it.each([
    ["strategy", "top-k, ahead-of-gold, range"],
    ["sampling", "top, random"],
    ["shortfall", "keep-fewer, skip-query, pad-random"],
    ["querySampling", "first, random"],
  ] as const)("an unknown %s is refused, naming the option and the allowed values", (option, allowed) => {
    const error = errorOf({ [option]: "bogus" });
    expect(error).toBeInstanceOf(BadOptionError);
    expect((error as BadOptionError).location.option).toBe(option);
    expect((error as Error).message).toContain(`"bogus" is not one of ${allowed}`);
  });
});

describe("resolveMineConfig: strategy range", () => {
  it("needs at least one bound", () => {
    expect(() => resolve({ strategy: "range" })).toThrow(/option rangeMin.*strategy "range" needs rangeMin and\/or rangeMax/);
  });

  it("accepts either bound alone, and equal bounds (a one-rank range)", () => {
    expect(resolve({ strategy: "range", rangeMin: 5 }).selection).toMatchObject({ rangeMin: 5 });
    expect(resolve({ strategy: "range", rangeMax: 5 }).selection).toMatchObject({ rangeMax: 5 });
    expect(resolve({ strategy: "range", rangeMin: 4, rangeMax: 4 }).selection).toMatchObject({ rangeMin: 4, rangeMax: 4 });
  });

  it("refuses a lower bound above the upper one, quoting both", () => {
    expect(() => resolve({ strategy: "range", rangeMin: 5, rangeMax: 4 })).toThrow(/option rangeMin.*is 5, above rangeMax 4/);
  });

  it("the bounds are whole pool ranks from 1", () => {
    expect(() => resolve({ strategy: "range", rangeMin: 0 })).toThrow(/option rangeMin.*at least 1/);
    expect(() => resolve({ strategy: "range", rangeMax: 1.5 })).toThrow(/option rangeMax.*at least 1/);
  });

  it("bounds given with another strategy are refused rather than ignored, naming the bound given", () => {
    for (const option of ["rangeMin", "rangeMax"] as const) {
      const error = errorOf({ strategy: "ahead-of-gold", [option]: 2 });
      expect(error, option).toBeInstanceOf(BadOptionError);
      expect((error as BadOptionError).location.option, "the option to remove").toBe(option);
      expect((error as Error).message).toMatch(/rangeMin\/rangeMax only apply to strategy "range" \(got strategy "ahead-of-gold"\)/);
    }
  });

  it("the upper bound must fit in the candidate pool", () => {
    expect(() => resolve({ strategy: "range", rangeMax: 30, poolSize: 20 })).toThrow(
      /option rangeMax.*is 30, beyond the candidate pool \(20\); raise poolSize/,
    );
    expect(resolve({ strategy: "range", rangeMax: 20, poolSize: 20 }).selection.rangeMax).toBe(20);
  });
});

describe("resolveMineConfig: score filters", () => {
  it.each(["relativeMargin", "absoluteMargin", "maxScore", "minScore"] as const)(
    "%s must be a finite number, and the error names it",
    (option) => {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        expect(() => resolve({ [option]: bad }, allModes), `${option} = ${bad}`).toThrow(
          new RegExp(`option ${option}: must be a number, got ${String(bad)}`),
        );
      }
    },
  );

  it("relativeMargin is a fraction in [0, 1)", () => {
    for (const bad of [-0.01, 1, 1.5]) {
      expect(() => resolve({ relativeMargin: bad }, allModes), `relativeMargin = ${bad}`).toThrow(
        /option relativeMargin: must be in \[0, 1\)/,
      );
    }
    for (const good of [0, 0.05, 0.99]) expect(resolve({ relativeMargin: good }, allModes).selection.relativeMargin).toBe(good);
  });

  it("margins compare with the gold's score, so they need an engine that scores golds in the run's mode", () => {
    expect(resolve({ relativeMargin: 0.05 }, allModes).needsGoldScore).toBe(true);
    expect(resolve({ absoluteMargin: 0.5 }, allModes).needsGoldScore).toBe(true);
    expect(resolve({ maxScore: 3, minScore: 1 }, allModes).needsGoldScore, "absolute bounds need no gold score").toBe(false);
    expect(resolve({}, allModes).needsGoldScore).toBe(false);
  });

  it("a margin on an engine without gold scores in that mode is refused, naming the margin and the alternative", () => {
    for (const option of ["relativeMargin", "absoluteMargin"] as const) {
      const error = errorOf({ [option]: 0.1 });
      expect(error, option).toBeInstanceOf(UnsupportedCapabilityError);
      expect((error as UnsupportedCapabilityError).location.option).toBe(option);
      expect((error as Error).message).toMatch(/no scoreDocuments in mode "bm25"\); use maxScore\/minScore instead/);
      expect((error as Error).message, "says why").toMatch(
        /relativeMargin\/absoluteMargin compare candidates with the gold's score, which/,
      );
    }
    const scoresVectorOnly: BackendCapabilities = { ...allModes, scoreDocumentsModes: ["vector"] };
    expect(() => resolve({ mode: "bm25", absoluteMargin: 1 }, scoresVectorOnly)).toThrow(/no scoreDocuments in mode "bm25"/);
    expect(resolve({ mode: "vector", absoluteMargin: 1 }, scoresVectorOnly).needsGoldScore).toBe(true);
  });
});

describe("resolveMineConfig: search settings", () => {
  it("uses the engine's best mode unless a mode is given", () => {
    expect(resolve({}, allModes).search.mode).toBe("hybrid");
    expect(resolve({ mode: "vector" }, allModes).search.mode).toBe("vector");
  });

  it("refuses a mode the engine does not offer, listing the modes it offers", () => {
    const error = errorOf({ mode: "vector" }, { ...bm25Only, modes: ["bm25", "hybrid"] });
    expect(error).toBeInstanceOf(UnsupportedCapabilityError);
    expect((error as UnsupportedCapabilityError).location.option).toBe("mode");
    expect((error as Error).message).toMatch(/search mode "vector" is not offered by this backend \(it offers: bm25, hybrid\)/);
  });

  it("hybrid search defaults to alpha 0.75 and relative-score fusion, and keeps given values", () => {
    expect(resolve({}, allModes).search).toStrictEqual({ mode: "hybrid", poolSize: 100, alpha: 0.75, fusion: "relative-score" });
    expect(resolve({ alpha: 0.3, fusion: "rrf" }, allModes).search).toMatchObject({ alpha: 0.3, fusion: "rrf" });
  });

  it("alpha and fusion only concern hybrid search", () => {
    expect(resolve({ mode: "vector", alpha: 0.3, fusion: "rrf" }, allModes).search).toStrictEqual({ mode: "vector", poolSize: 100 });
  });

  it("alpha is a weight between 0 (keyword) and 1 (vector), ends included", () => {
    for (const good of [0, 1]) expect(resolve({ alpha: good }, allModes).search.alpha).toBe(good);
    for (const bad of [-0.1, 1.1, Number.NaN]) {
      expect(() => resolve({ alpha: bad }, allModes), `alpha = ${bad}`).toThrow(
        /option alpha: must be between 0 \(keyword\) and 1 \(vector\)/,
      );
    }
  });

  it("the default pool is the largest of 100, rangeMax and 2 × negativesPerQuery + 10", () => {
    expect(resolve().search.poolSize, "small runs: 100").toBe(100);
    expect(resolve({ negativesPerQuery: 50 }).search.poolSize, "2 × 50 + 10").toBe(110);
    expect(resolve({ strategy: "range", rangeMax: 150 }).search.poolSize, "rangeMax").toBe(150);
  });

  it("the default pool is capped by the engine's largest k", () => {
    expect(resolve({}, { ...bm25Only, maxK: 40 }).search.poolSize).toBe(40);
    expect(resolve({}, { ...bm25Only, maxK: 500 }).search.poolSize).toBe(100);
  });

  it("a given pool size is kept up to the engine's largest k, and refused above it", () => {
    expect(resolve({ poolSize: 40 }, { ...bm25Only, maxK: 40 }).search.poolSize).toBe(40);
    expect(resolve({ poolSize: 1000 }).search.poolSize, "no limit").toBe(1000);
    expect(() => resolve({ poolSize: 41 }, { ...bm25Only, maxK: 40 })).toThrow(
      /option poolSize: is 41, above the backend's maximum k of 40/,
    );
  });
});

describe("bestMode", () => {
  it("prefers hybrid, then vector, then bm25", () => {
    expect(bestMode({ ...bm25Only, modes: ["bm25", "vector", "hybrid"] })).toBe("hybrid");
    expect(bestMode({ ...bm25Only, modes: ["bm25", "vector"] })).toBe("vector");
    expect(bestMode({ ...bm25Only, modes: ["bm25"] })).toBe("bm25");
  });

  it("an engine with no search mode cannot be mined", () => {
    expect(() => bestMode({ ...bm25Only, modes: [] })).toThrow(UnsupportedCapabilityError);
    expect(() => bestMode({ ...bm25Only, modes: [] })).toThrow(/offers no search mode/);
  });
});

describe("resolveMineConfig: judging", () => {
  it("judge options without a judge are refused, naming the option and how to add a judge", () => {
    for (const [option, value] of [
      ["judgePolicy", "drop"],
      ["maxRelabelled", 1],
      ["maxJudgedPerQuery", 9],
    ] as const) {
      expect(() => resolve({ [option]: value }), option).toThrow(new RegExp(`option ${option}: needs a judge \\(--judge llm\\|rerank\\)`));
    }
  });

  it("with a judge: policy flag, at most 2 relabelled, and 3 × negativesPerQuery judged per query by default", () => {
    expect(resolve({ judge: unusedJudge, negativesPerQuery: 4 }).judging).toStrictEqual({
      policy: "flag",
      maxRelabelled: 2,
      maxJudgedPerQuery: 12,
    });
  });

  it("with a judge: keeps the values the user gave", () => {
    expect(resolve({ judge: unusedJudge, judgePolicy: "relabel", maxRelabelled: 0, maxJudgedPerQuery: 3 }).judging).toStrictEqual({
      policy: "relabel",
      maxRelabelled: 0,
      maxJudgedPerQuery: 3,
    });
  });

  it("an unknown judge policy is refused, listing the policies", () => {
    expect(() => resolve({ judge: unusedJudge, judgePolicy: "ignore" as never })).toThrow(
      /option judgePolicy: "ignore" is not one of flag, drop, relabel/,
    );
  });

  it("maxJudgedPerQuery is a whole number no smaller than negativesPerQuery", () => {
    expect(() => resolve({ judge: unusedJudge, maxJudgedPerQuery: 2 })).toThrow(
      /option maxJudgedPerQuery: is 2, below negativesPerQuery \(3\)/,
    );
    expect(() => resolve({ judge: unusedJudge, maxJudgedPerQuery: 0 })).toThrow(/option maxJudgedPerQuery: must be a whole number/);
  });

  it("maxRelabelled is a whole number from 0", () => {
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => resolve({ judge: unusedJudge, maxRelabelled: bad }), `maxRelabelled = ${bad}`).toThrow(
        new RegExp(`option maxRelabelled: must be a whole number of at least 0, got ${String(bad)}`),
      );
    }
  });
});
