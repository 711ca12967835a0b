import { describe, expect, it } from "vitest";
import type { DocumentTarget, SearchOptions, SearchRequest, Store } from "../backend.js";
import { createSearchBackend } from "../adapter/create-engine.js";
import type { SearchDriver } from "../adapter/driver.js";
import { MemoryStore } from "../adapter/memory-store.js";
import { DocsCollection, HardNegativesCollection, QueriesCollection } from "../collections.js";
import { emptyJudgingStats } from "../judges/cached-judging.js";
import type { Judge, JudgeItem, Verdict } from "../judges/judge.js";
import type { Doc, Query, SearchMode, StoredRecord } from "../types.js";
import {
  addDocuments,
  addQueries,
  WordOverlapBackend,
  wordOverlap,
  fixtureCollections,
  recordsOf,
  mineConfigOf,
} from "./__fixtures__/word-overlap-backend.js";
import { resolveMineConfig, type MineConfig } from "./config.js";
import { mine } from "./mine.js";
import { type BatchContext, mineBatch } from "./mine-batch.js";
import { MAX_EXAMPLES } from "./run-stats.js";

/** The word-overlap engine, recording the ids of every document read and the options of every score request. */
class RecordingWordOverlap extends WordOverlapBackend {
  readonly reads: string[][] = [];
  readonly scoreOptions: SearchOptions[] = [];
  declare scoreDocuments?: SearchDriver["scoreDocuments"];

  constructor(
    store: Store,
    options: { modes?: readonly SearchMode[]; scores?: boolean; unscorable?: readonly string[] } = {},
    readonly modes: readonly SearchMode[] = options.modes ?? ["bm25"],
  ) {
    super(store);
    const unscorable = new Set(options.unscorable ?? []);
    if (options.scores === true) {
      this.scoreDocuments = async (target: DocumentTarget, request: SearchRequest, ids: readonly string[], scoreOptions: SearchOptions) => {
        this.scoreOptions.push(scoreOptions);
        const documents = await super.getDocuments(target, ids);
        return new Map(
          [...documents.values()]
            .filter((document) => !unscorable.has(document.id))
            .map((document) => [document.id, wordOverlap(request.text, document.text)]),
        );
      };
    }
  }

  override async getDocuments(target: DocumentTarget, ids: readonly string[]): Promise<Map<string, Doc>> {
    this.reads.push([...ids]);
    return super.getDocuments(target, ids);
  }
}

type Corpus = ReadonlyArray<readonly [string, string]>;
type QueryRecord = { query_id: string; text: string; gold_ids: string[] };

async function fixture(corpus: Corpus, queries: QueryRecord[], engine: ConstructorParameters<typeof RecordingWordOverlap>[1] = {}) {
  const store = new MemoryStore();
  await addDocuments(store, corpus);
  await addQueries(store, queries);
  const driver = new RecordingWordOverlap(store, engine);
  // WIDE_POOL's texts are one template numbered 1..30 ("river note1" is even a prefix of "river note10"):
  // near duplicates by design, kept apart here (exact checks only) because these tests are about reads.
  const config = mineConfigOf(driver, store, { negativesPerQuery: 2, nearDuplicateThreshold: 1 });
  return { store, driver, config };
}

const rows = recordsOf;

const column = (written: readonly StoredRecord[], key: string) => written.map((row) => row.properties[key]);
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, count) => total + count, 0);

/** Query "river gold": the gold scores 2 and ranks first; r1..r30 score 1 each, in corpus order. */
const WIDE_POOL: Corpus = [
  ["gold", "river gold"],
  ...Array.from({ length: 30 }, (_, index) => [`r${index + 1}`, `river note${index + 1}`] as const),
];
const RIVER = { query_id: "qr", text: "river gold", gold_ids: ["gold"] };

describe("mineBatch: what it reads", () => {
  it("top sampling first reads a margin of 2N + 5 candidate texts, and counts the candidates never examined as not sampled", async () => {
    const { store, driver, config } = await fixture(WIDE_POOL, [RIVER]);
    const report = await mine(config({ negativesPerQuery: 2 }));
    expect(column(await rows(store), "hard_negative_id"), "the two best-ranked candidates").toEqual(["r1", "r2"]);
    const candidatesRead = driver.reads.flat().filter((id) => id !== "gold");
    expect(candidatesRead.length, "a margin past N, not the whole pool").toBeLessThanOrEqual(2 * 2 + 5);
    expect(report.dropped.not_sampled, "every eligible candidate not taken, read or not").toBe(30 - 2);
    expect(sum(report.dropped), "every pool candidate not written is counted once as dropped").toBe(31 - report.rows_written);
  });

  it("random sampling draws from every eligible candidate of the pool, not only the best-ranked", async () => {
    const ranks: number[] = [];
    for (const seed of [1, 2, 3, 4]) {
      const { store, config } = await fixture(WIDE_POOL, [RIVER]);
      const report = await mine(config({ negativesPerQuery: 2, sampling: "random", seed }));
      ranks.push(...(column(await rows(store), "rank") as number[]));
      expect(report.dropped.not_sampled, `seed ${seed}: the eligible candidates not drawn`).toBe(30 - 2);
    }
    expect(Math.max(...ranks), "some draw ranks past the first 2N + 5 candidates").toBeGreaterThan(1 + 2 * 2 + 5);
  });

  it("reads the rest of the pool only when the first candidates do not suffice, and reads each document once", async () => {
    const corpus: Corpus = [
      ["gold", "river stone gold"],
      ...Array.from({ length: 10 }, (_, index) => [`copy${index}`, "River, stone: GOLD!"] as const),
      ["e1", "river stone bank"],
      ["e2", "river quiet"],
    ];
    const { store, driver, config } = await fixture(corpus, [{ query_id: "qs", text: "which river stone is gold", gold_ids: ["gold"] }]);
    await mine(config({ negativesPerQuery: 2 }));
    expect(column(await rows(store), "hard_negative_id"), "the candidates with a text of their own").toEqual(["e1", "e2"]);
    const read = driver.reads.flat();
    expect(read.length, "no document read twice").toBe(new Set(read).size);
    expect(new Set(read), "the gold and every candidate").toEqual(new Set(corpus.map(([id]) => id)));
  });
});

describe("mineBatch: the first read's margin", () => {
  /** Query "which river stone is gold": the gold ranks first, then `copies` candidates with its text, then `extra`. */
  const corpusWith = (copies: number, extra: Corpus): Corpus => [
    ["gold", "river stone gold"],
    ...Array.from({ length: copies }, (_, index) => [`copy${index}`, "River, stone: GOLD!"] as const),
    ...extra,
  ];
  const stone = { query_id: "qs", text: "which river stone is gold", gold_ids: ["gold"] };

  it("absorbs a few candidates dropped by the text checks without a second read", async () => {
    const extra: Corpus = Array.from({ length: 20 }, (_, index) => [`e${index}`, `river bank ${index}`] as const);
    const { store, driver, config } = await fixture(corpusWith(5, extra), [stone]);
    await mine(config({ negativesPerQuery: 2 }));
    expect(column(await rows(store), "hard_negative_id"), "the best two with a text of their own").toEqual(["e0", "e1"]);
    expect(driver.reads.length, "the golds, then the candidates, once").toBe(2);
    expect(driver.reads[1]?.length, "2N + 5 candidates").toBe(2 * 2 + 5);
  });

  it("reads the candidate just past the margin when it is the last of the pool and needed", async () => {
    const { store, config } = await fixture(corpusWith(9, [["e1", "river stone bank"]]), [stone]);
    const report = await mine(config({ negativesPerQuery: 2 }));
    expect(column(await rows(store), "hard_negative_id"), "e1, ranked after the nine copies").toEqual(["e1"]);
    expect(report.dropped.missing_document, "no candidate left unread").toBe(0);
  });
});

describe("mineBatch: gold scores", () => {
  // Query "river gold" with a pool of 2: a and b (score 2) are in it, g1 and g2 (score 1) are not.
  const corpus: Corpus = [
    ["a", "river gold alpha"],
    ["b", "river gold bravo"],
    ["g1", "river one"],
    ["g2", "gold two"],
  ];
  const outsideGolds = { query_id: "qo", text: "river gold", gold_ids: ["g1", "g2"] };

  it("a gold in the pool has its pool score as the gold score, even when the engine cannot score documents", async () => {
    const { store, config } = await fixture(corpus, [{ query_id: "qi", text: "river gold", gold_ids: ["a"] }]);
    await mine(config({ negativesPerQuery: 1 }));
    expect(column(await rows(store), "gold_score"), "a's score in the pool").toEqual([2]);
  });

  it("golds in the pool are not scored again", async () => {
    const { driver, config } = await fixture(corpus, [{ query_id: "qi", text: "river gold", gold_ids: ["a"] }], { scores: true });
    await mine(config({ negativesPerQuery: 1 }));
    expect(driver.scoreOptions, "no score request").toEqual([]);
  });

  it("golds outside the pool are scored by the engine, in the run's search options", async () => {
    const { store, driver, config } = await fixture(corpus, [outsideGolds], { scores: true, modes: ["bm25", "vector", "hybrid"] });
    await mine(config({ negativesPerQuery: 1, poolSize: 2, mode: "hybrid", alpha: 0.5, fusion: "rrf" }));
    expect(column(await rows(store), "gold_score"), "the lower of g1's and g2's scores").toEqual([1]);
    expect(driver.scoreOptions, "the options the pool was searched with").toEqual([{ mode: "hybrid", k: 2, alpha: 0.5, fusion: "rrf" }]);
  });

  it("a gold outside the pool that the engine cannot score leaves the gold score unknown", async () => {
    const { store, config } = await fixture(corpus, [outsideGolds], { scores: true, unscorable: ["g2"] });
    await mine(config({ negativesPerQuery: 1, poolSize: 2 }));
    expect(column(await rows(store), "gold_score"), "g2 has no score, so the lowest is unknown").toEqual([null]);
  });
});

describe("mineBatch: pad-random", () => {
  // Query "india gold": its pool is the gold g (rank 1) and c1; o1..o3 share no word with it.
  const corpus: Corpus = [
    ["g", "india gold"],
    ["c1", "india one"],
    ["o1", "outside one"],
    ["o2", "outside two"],
    ["o3", "outside three"],
  ];
  const india = { query_id: "qi", text: "india gold", gold_ids: ["g"] };

  it("reads the corpus only for a query that falls short, so a search-only engine can run it when none does", async () => {
    const engineData = new MemoryStore();
    await addDocuments(engineData, corpus);
    const store = new MemoryStore();
    await addQueries(store, [india]);
    const report = await mine({
      backend: createSearchBackend(new WordOverlapBackend(engineData)),
      store,
      ...fixtureCollections(),
      negativesPerQuery: 1,
      shortfall: "pad-random",
    });
    expect(report, "c1 fills the one negative").toMatchObject({ queries_mined: 1, queries_padded: 0, rows_written: 1 });
  });

  it("pads from every document of a corpus smaller than the draw", async () => {
    const { store, config } = await fixture(corpus, [india]);
    const report = await mine(config({ negativesPerQuery: 3, strategy: "ahead-of-gold", shortfall: "pad-random" }));
    expect(new Set(column(await rows(store), "hard_negative_id")), "the three documents outside the pool").toEqual(
      new Set(["o1", "o2", "o3"]),
    );
    expect(report.queries_padded, "padded").toBe(1);
  });

  it("a query that padding found no document for is not counted as padded", async () => {
    const { config } = await fixture(corpus.slice(0, 2), [india]);
    const report = await mine(config({ negativesPerQuery: 1, strategy: "ahead-of-gold", shortfall: "pad-random" }));
    expect(report, "every document is in the pool: nothing to pad with").toMatchObject({
      queries_padded: 0,
      queries_mined: 0,
      skipped_reasons: { shortfall: 1 },
    });
  });

  for (const [size, draw] of [
    [40, "a shuffle of a corpus up to four times the draw"],
    [100, "rejection sampling of a larger corpus"],
  ] as const) {
    it(`draws and reads 3N + 10 random candidates (${draw})`, async () => {
      const filler = Array.from({ length: size }, (_, index) => [`f${index}`, `filler ${index}`] as const);
      const { store, driver, config } = await fixture([...corpus.slice(0, 2), ...filler], [india]);
      await mine(config({ negativesPerQuery: 1, strategy: "ahead-of-gold", shortfall: "pad-random" }));
      expect(column(await rows(store), "padded"), "one padded negative").toEqual([true]);
      expect(driver.reads.at(-1)?.length, "the padding read, last of the run").toBe(3 * 1 + 10);
    });
  }
});

describe("mineBatch: report examples", () => {
  /** A batch context over a word-overlap engine, as `mine` builds it. */
  async function batchFixture(corpus: Corpus, overrides: Partial<MineConfig> = {}, judge?: Judge) {
    const store = new MemoryStore();
    await addDocuments(store, corpus);
    const backend = createSearchBackend(new WordOverlapBackend(store));
    const out = new HardNegativesCollection({ collectionName: "out" });
    const mineConfig: MineConfig = {
      backend,
      store,
      docsCollection: new DocsCollection({ collectionName: "docs" }),
      queriesCollection: new QueriesCollection({ collectionName: "queries" }),
      hardNegativesCollection: out,
      negativesPerQuery: 3,
      ...(judge === undefined ? {} : { judge }),
      ...overrides,
    };
    const resolved = resolveMineConfig(mineConfig, backend.capabilities());
    const context: BatchContext = {
      backend,
      target: mineConfig.docsCollection.target,
      keys: out.keys,
      runId: "run",
      strategyLabel: "top-k",
      resolved,
      heldOutGoldIds: new Set(),
      scoresDocuments: false,
      corpusIds: async () => corpus.map(([id]) => id),
      ...(resolved.judging === undefined || judge === undefined
        ? {}
        : { judging: { ...resolved.judging, judge, cache: undefined, stats: emptyJudgingStats() } }),
    };
    return context;
  }
  const queries = (count: number, ...goldIds: string[]): Query[] =>
    Array.from({ length: count }, (_, index) => ({ id: `q${index}`, text: "india gold", goldIds }));
  const many = MAX_EXAMPLES + 3;

  it(`a batch keeps at most ${MAX_EXAMPLES} examples of skipped queries`, async () => {
    const context = await batchFixture([["c1", "india one"]]);
    const { counters } = await mineBatch(queries(many, "missing", "gone"), context);
    expect(counters.queries_skipped.gold_not_in_corpus, "every query counted").toBe(many);
    expect(counters.skipped_examples.length, "examples capped").toBe(MAX_EXAMPLES);
    expect(counters.skipped_examples[0], "the detail names the golds and the collection").toEqual({
      query_id: "q0",
      reason: "gold_not_in_corpus",
      detail: 'none of missing, gone is in collection "docs"',
    });
  });

  it(`a batch keeps at most ${MAX_EXAMPLES} examples of short queries`, async () => {
    const context = await batchFixture([
      ["g", "india gold"],
      ["c1", "india one"],
    ]);
    const { counters } = await mineBatch(queries(many, "g"), context);
    expect(counters.queries_short, "every query counted").toBe(many);
    expect(counters.short_examples.length, "examples capped").toBe(MAX_EXAMPLES);
  });

  it(`a batch keeps at most ${MAX_EXAMPLES} examples of queries over the relabel limit`, async () => {
    const judge: Judge = {
      id: "all-relevant",
      judge: async (items: readonly JudgeItem[]): Promise<Verdict[]> => items.map(() => ({ relevant: true, reason: "all" })),
    };
    const context = await batchFixture(
      [
        ["g", "india gold"],
        ["c1", "india one"],
      ],
      { judgePolicy: "relabel", maxRelabelled: 0 },
      judge,
    );
    const { counters } = await mineBatch(queries(many, "g"), context);
    expect(counters.judge?.queries_over_relabel_limit, "every query counted").toBe(many);
    expect(counters.judge?.over_relabel_limit_examples.length, "examples capped").toBe(MAX_EXAMPLES);
  });
});
