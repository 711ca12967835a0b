import { describe, expect, it } from "vitest";
import type { Store } from "../backend.js";
import { createSearchBackend } from "../adapter/create-engine.js";
import type { SearchDriver } from "../adapter/driver.js";
import type { SearchMode } from "../types.js";
import { DocsCollection, HardNegativesCollection, QueriesCollection } from "../collections.js";
import { HardnegError } from "../errors.js";
import { MemoryStore } from "../adapter/memory-store.js";
import type { StoredRecord } from "../types.js";
import {
  addDocuments,
  addQueries,
  WordOverlapBackend,
  wordOverlap,
  fixtureCollections,
  recordsOf,
  mineConfigOf,
} from "./__fixtures__/word-overlap-backend.js";
import { addHardNegatives } from "./add-hard-negatives.js";
import { mine } from "./mine.js";
import { RUNS_COLLECTION } from "./run-records.js";
import { MAX_EXAMPLES } from "./run-stats.js";
import { openReferenceEngine } from "../testkit/__fixtures__/reference-engine.js";
import { evaluate } from "./evaluate.js";
import type { MineConfig } from "./config.js";

/** The shared word-overlap engine with `scoreDocuments`, counting its calls; `scoreDocuments: false` leaves the method out. */
class ScoringWordOverlapBackend extends WordOverlapBackend {
  scoreCalls = 0;
  scoreDocumentsModes?: readonly SearchMode[];

  constructor(store: Store, options: { scoreDocuments: boolean } = { scoreDocuments: true }) {
    super(store);
    if (!options.scoreDocuments) delete this.scoreDocuments;
  }

  scoreDocuments?: SearchDriver["scoreDocuments"] = async (target, request, ids) => {
    this.scoreCalls++;
    const documents = await this.getDocuments(target, ids);
    return new Map([...documents.values()].map((document) => [document.id, wordOverlap(request.text, document.text)]));
  };
}

const CORPUS: [string, string][] = [
  ["d1", "espresso grind size fine"],
  ["d2", "espresso machine descaling vinegar"],
  ["d3", "french press grind coarse"],
  ["d4", "pour over grind medium fine"],
  ["d5", "espresso shot timing pressure"],
  ["d6", "cold brew coarse grind steep overnight"],
  ["d7", "milk steaming espresso latte"],
  ["d8", "espresso grind size fine"], // same text as d1
  ["d9", "decaf processes swiss water"],
];
const QUERIES = [
  { query_id: "q1", text: "what grind size for espresso", gold_ids: ["d1"] },
  { query_id: "q2", text: "coarse grind for french press", gold_ids: ["d3"] },
  { query_id: "q3", text: "descaling an espresso machine", gold_ids: ["d2", "d5"] },
  { query_id: "q4", text: "how is decaf made", gold_ids: ["missing-doc"] },
  { query_id: "q5", text: "   ", gold_ids: ["d1"] },
];

async function fixture(options: { scoreDocuments?: boolean } = {}) {
  const store = new MemoryStore();
  await addDocuments(store, CORPUS);
  await addQueries(store, QUERIES);
  const backend = new ScoringWordOverlapBackend(store, { scoreDocuments: options.scoreDocuments ?? true });
  const config = mineConfigOf(backend, store, { negativesPerQuery: 2 });
  return { store, backend, config };
}

const rows = recordsOf;

describe("mine", () => {
  it("mines top-k non-gold negatives, reports skipped queries, and never duplicates on re-run", async () => {
    const { store, config } = await fixture();
    const report = await mine(config());
    expect(report).toMatchObject({
      queries: 5,
      queries_mined: 3,
      rows_written: 6,
      queries_skipped: 2,
      skipped_reasons: { gold_not_in_corpus: 1, empty_query: 1 },
    });
    const written = await rows(store);
    const byQuery = (queryId: string) =>
      written.filter((row) => row.properties["query_id"] === queryId).map((row) => row.properties["hard_negative_id"]);
    // q1: d8 has the gold's exact text, so it is dropped; the rest tie on one word (corpus order).
    expect(byQuery("q1")).toEqual(["d2", "d3"]);
    for (const row of written) {
      expect(row.properties["gold_doc_ids"]).not.toContain(row.properties["hard_negative_id"]);
      expect(row.properties["hard_negative_id"]).not.toBe("d8");
    }
    expect(report.dropped.same_as_gold).toBeGreaterThanOrEqual(1);
    const again = await mine(config());
    expect(again.rows_written).toBe(6);
    expect(await store.count("out")).toBe(6);
    expect(again.batches_resumed).toBe(again.batches);
    expect({ ...again, batches_resumed: 0 }).toEqual({ ...report, batches_resumed: 0 });
  });

  it("a re-run after the output collection was deleted writes every row again", async () => {
    const { store, config } = await fixture();
    const first = await mine(config());
    await store.deleteCollection("out");
    const again = await mine(config());
    expect(again.batches_resumed).toBe(0);
    expect(again.rows_written).toBe(first.rows_written);
    expect(await store.count("out")).toBe(first.rows_written);
  });

  it("addHardNegatives writes the original five properties under the user's names", async () => {
    const { store, backend } = await fixture();
    const report = await addHardNegatives({
      backend: createSearchBackend(backend),
      negativesPerQuery: 1,
      docsCollection: new DocsCollection({ collectionName: "docs" }),
      queriesCollection: new QueriesCollection({ collectionName: "queries" }),
      hardNegativesCollection: new HardNegativesCollection({
        collectionName: "HardNegatives",
        queryContentKey: "q",
        hardNegativeDocumentKey: "neg",
      }),
      store,
    });
    expect(report.rows_written).toBe(3);
    const [row] = await rows(store, "HardNegatives");
    expect(Object.keys(row!.properties).sort()).toEqual([
      "gold_doc_ids",
      "gold_documents",
      "gold_rank",
      "gold_score",
      "gold_titles",
      "hard_negative_id",
      "hard_negative_title",
      "neg",
      "padded",
      "q",
      "query_id",
      "rank",
      "run_id",
      "score",
      "strategy",
    ]);
    expect((await store.describeCollection("HardNegatives"))?.hardNegativeKeys?.hardNegativeDocumentKey).toBe("neg");
  });

  it("relativeMargin compares with the gold's real score even when the gold is outside the pool", async () => {
    // q3 "descaling an espresso machine" has golds d2 (score 3) and d5 (score 1). With a pool of 2
    // (d2, d1) d5 is outside it: only scoreDocuments tells that the lowest gold scores 1, not 3.
    const q3Rows = async (relativeMargin: number) => {
      const { store, backend, config } = await fixture();
      await mine(config({ poolSize: 2, relativeMargin, querySamples: 3, negativesPerQuery: 1 }));
      expect(backend.scoreCalls).toBeGreaterThan(0);
      return (await rows(store)).filter((row) => row.properties["query_id"] === "q3");
    };
    const kept = await q3Rows(0);
    expect(kept.map((row) => [row.properties["hard_negative_id"], row.properties["score"], row.properties["gold_score"]])).toEqual([
      ["d1", 1, 1],
    ]);
    // Threshold 1 - 0.5 × 1 = 0.5 drops d1 (score 1); with the in-pool gold's 3 it would have stayed.
    expect(await q3Rows(0.5)).toEqual([]);
  });

  it("refuses margin filters on a backend that cannot score documents, before any work", async () => {
    const { store, config } = await fixture({ scoreDocuments: false });
    await expect(mine(config({ relativeMargin: 0.05 }))).rejects.toSatisfy(
      (error: unknown) => HardnegError.isInstance(error) && error.code === "UNSUPPORTED_CAPABILITY",
    );
    expect(await store.hasCollection("out")).toBe(false);
    await expect(mine(config({ mode: "vector" }))).rejects.toThrow(/vector.*not offered/);
  });

  it("refuses margin filters in a mode the backend does not score in, and never asks it for such scores", async () => {
    const { store, backend, config } = await fixture();
    backend.scoreDocumentsModes = [];
    const error = await mine(config({ relativeMargin: 0.05 })).catch((caught: unknown) => caught);
    expect(HardnegError.isInstance(error) && error.code).toBe("UNSUPPORTED_CAPABILITY");
    expect((error as Error).message).toContain('no scoreDocuments in mode "bm25"');
    expect(await store.hasCollection("out")).toBe(false);
    // Without margins the run completes; golds outside the pool keep an unknown score instead of a call the backend refuses.
    const report = await mine(config({ poolSize: 2 }));
    expect(report.queries_mined).toBeGreaterThan(0);
    expect(backend.scoreCalls).toBe(0);
    // q3's second gold (d5) is outside a pool of 2, so its lowest gold score is unknown.
    const q3 = (await rows(store)).filter((row) => row.properties["query_id"] === "q3");
    expect(q3.length).toBeGreaterThan(0);
    for (const row of q3) expect(row.properties["gold_score"]).toBeNull();
  });

  it("random query sampling is seeded", async () => {
    const pick = async (seed: number) => {
      const { store, config } = await fixture();
      await mine(config({ querySamples: 2, querySampling: "random", seed }));
      return [...new Set((await rows(store)).map((row) => row.properties["query_id"]))].sort();
    };
    expect(await pick(1)).toEqual(await pick(1));
    const seen = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6]) seen.add((await pick(seed)).join());
    expect(seen.size).toBeGreaterThan(1);
  });

  for (const commit of ["two writes per batch", "one atomic commit per batch"] as const) {
    it(`a run that crashes mid-way and is re-run ends with the rows and report of a clean run (${commit})`, async () => {
      const clean = await fixture();
      const cleanReport = await mine(clean.config({ batchSize: 1, concurrency: 1 }));
      const cleanRows = await rows(clean.store);

      const crashing = await fixture();
      let outWrites = 0;
      const crashOnSecond = (collections: string[]) => {
        if (collections.includes("out") && ++outWrites === 2) throw new Error("simulated crash");
      };
      const failingStore: Store = Object.create(crashing.store);
      if (commit === "two writes per batch") {
        // A store without atomic commits (as the remote engines are): rows, then the progress record.
        Object.defineProperty(failingStore, "upsertTogether", { value: undefined });
        failingStore.upsert = async (name, records) => {
          crashOnSecond([name]);
          return crashing.store.upsert(name, records);
        };
      } else {
        failingStore.upsertTogether = async (writes) => {
          crashOnSecond(writes.map((write) => write.collection));
          return crashing.store.upsertTogether!(writes);
        };
      }
      const run = mine(crashing.config({ batchSize: 1, concurrency: 1, store: failingStore }));
      await expect(run, "the crash reaches the caller").rejects.toThrow("simulated crash");
      expect((await rows(crashing.store)).length, "the crash left fewer rows").toBeLessThan(cleanRows.length);
      const resumed = await mine(crashing.config({ batchSize: 1, concurrency: 1 }));
      expect(resumed.batches_resumed, "committed batches are resumed").toBeGreaterThan(0);
      expect(await rows(crashing.store), "rows equal a clean run's").toEqual(cleanRows);
      expect({ ...resumed, batches_resumed: 0 }, "report equals a clean run's").toEqual({ ...cleanReport, batches_resumed: 0 });
    });
  }
});

/**
 * A corpus whose pools are known by hand: the word-overlap engine scores a document by the query
 * words it holds, every score below differs within a query (ties keep corpus order), and the
 * "zulu" documents share no word with any query (so they are never in a pool).
 */
const RANKED_CORPUS: [string, string][] = [
  ["a1", "alpha bravo charlie delta echo one"], // qa: 5 words, rank 1
  ["a2", "alpha bravo charlie delta two"], // rank 2
  ["a3", "alpha bravo charlie three"], // rank 3
  ["a4", "alpha bravo four"], // rank 4
  ["a5", "alpha five"], // rank 5, qa's gold
  ["b1", "foxtrot golf hotel one"], // qb: rank 1
  ["b2", "foxtrot golf two"], // rank 2
  ["b3", "foxtrot three"], // rank 3, qb's gold
  ["c1", "india juliet one"], // qc: rank 1, its gold
  ["c2", "india two"], // rank 2
  ["m1", "kilo lima mike november oscar"], // qm: rank 1
  ["m2", "kilo lima mike papa"], // rank 2, qm's best gold (listed second)
  ["m3", "kilo lima quebec"], // rank 3
  ["m4", "kilo romeo"], // rank 4, qm's gold listed first
  ["m5", "kilo sierra"], // rank 5 (ties with m4, after it in corpus order)
  ...Array.from({ length: 12 }, (_, index): [string, string] => [`z${index + 1}`, `zulu filler ${index + 1}`]),
];
const RANKED_QUERIES = [
  { query_id: "qa", text: "alpha bravo charlie delta echo", gold_ids: ["a5"] },
  { query_id: "qb", text: "foxtrot golf hotel", gold_ids: ["b3"] },
  { query_id: "qc", text: "india juliet", gold_ids: ["c1"] },
  { query_id: "qm", text: "kilo lima mike november", gold_ids: ["m4", "m2"] },
];
/** Each query's gold rank in its pool, by hand from the comments above (qm: its best gold, m2). */
const GOLD_RANKS: Record<string, number> = { qa: 5, qb: 3, qc: 1, qm: 2 };

async function rankedFixture(queries = RANKED_QUERIES, corpus = RANKED_CORPUS) {
  const store = new MemoryStore();
  await addDocuments(store, corpus);
  await addQueries(store, queries);
  const backend = new ScoringWordOverlapBackend(store);
  const config = mineConfigOf(backend, store, { negativesPerQuery: 3, strategy: "ahead-of-gold" });
  return { store, config };
}

/** Hard-negative ids per query, in row order. */
function negativesByQuery(written: readonly StoredRecord[]): Record<string, unknown[]> {
  const byQuery: Record<string, unknown[]> = {};
  for (const row of written) {
    const queryId = String(row.properties["query_id"]);
    byQuery[queryId] = [...(byQuery[queryId] ?? []), row.properties["hard_negative_id"]];
  }
  return byQuery;
}

const textOf = new Map(RANKED_CORPUS);
const queryTextOf = new Map(RANKED_QUERIES.map((query) => [query.query_id, query.text]));

describe("mine on hand-ranked pools", () => {
  it("rows carry the gold documents' and the negative's titles, empty for a document without one", async () => {
    const { store, config } = await rankedFixture([RANKED_QUERIES[0]!]);
    const titled = (id: string, title: string) => ({ id, properties: { doc_id: id, text: textOf.get(id)!, title } });
    await store.upsert("docs", [titled("a5", "Alpha gold"), titled("a1", "Alpha first")]);
    await mine(config());
    const byNegative = new Map((await rows(store)).map((row) => [row.properties["hard_negative_id"], row.properties]));
    expect(byNegative.get("a1"), "a titled negative").toMatchObject({ gold_titles: ["Alpha gold"], hard_negative_title: "Alpha first" });
    expect(byNegative.get("a2"), "an untitled negative").toMatchObject({ gold_titles: ["Alpha gold"], hard_negative_title: "" });
  });

  it("a padded row carries its random document's title too", async () => {
    const { store, config } = await rankedFixture([RANKED_QUERIES[2]!]);
    await store.upsert(
      "docs",
      RANKED_CORPUS.map(([id, text]) => ({ id, properties: { doc_id: id, text, title: `title of ${id}` } })),
    );
    await mine(config({ shortfall: "pad-random" }));
    const written = await rows(store);
    expect(
      written.some((row) => row.properties["padded"] === true),
      "qc is padded",
    ).toBe(true);
    for (const row of written) {
      expect(row.properties["hard_negative_title"], String(row.properties["hard_negative_id"])).toBe(
        `title of ${row.properties["hard_negative_id"]}`,
      );
    }
  });

  it("writes each query's best gold rank on its rows and counts it in the report's histogram", async () => {
    const { store, config } = await rankedFixture();
    const report = await mine(config({ strategy: "top-k", negativesPerQuery: 2 }));
    const written = await rows(store);
    expect(new Set(written.map((row) => row.properties["query_id"])), "every query has rows").toEqual(new Set(["qa", "qb", "qc", "qm"]));
    for (const row of written) {
      const queryId = String(row.properties["query_id"]);
      expect(row.properties["gold_rank"], `gold_rank of ${queryId}'s rows`).toBe(GOLD_RANKS[queryId]);
    }
    expect(report.gold_rank_histogram, "one query per bucket of its gold rank").toEqual({
      "1": 1,
      "2": 1,
      "3": 1,
      "4": 0,
      "5": 1,
      "6-10": 0,
      "11-20": 0,
      "21-50": 0,
      "51-100": 0,
      "101+": 0,
      none: 0,
    });
    expect(report.metrics.mrr_at_10, "MRR@10 is the mean of 1 / best gold rank").toBeCloseTo((1 / 5 + 1 / 3 + 1 + 1 / 2) / 4, 10);
    expect(report.metrics.recall_at_pool, "every gold is in its pool").toBe(1);
    expect(report.metrics.recall_at_10, "every gold is in the top 10").toBe(1);
    // Binary relevance: DCG sums 1 / log2(rank + 1) over the golds; qm's ideal ranks its two golds 1 and 2.
    const gain = (rank: number) => 1 / Math.log2(rank + 1);
    const ndcg = [gain(5), gain(3), gain(1), (gain(2) + gain(4)) / (gain(1) + gain(2))];
    expect(report.metrics.ndcg_at_10, "nDCG@10, the mean over the queries").toBeCloseTo(ndcg.reduce((sum, value) => sum + value) / 4, 10);
  });

  it("a gold outside the pool gives gold_rank null and the histogram's none bucket", async () => {
    const { store, config } = await rankedFixture([{ query_id: "qz", text: "kilo lima", gold_ids: ["z1"] }]);
    const report = await mine(config({ strategy: "top-k", negativesPerQuery: 2 }));
    const written = await rows(store);
    expect(negativesByQuery(written), "the two best-ranked pool documents").toEqual({ qz: ["m1", "m2"] });
    for (const row of written) expect(row.properties["gold_rank"], "no gold in the pool").toBeNull();
    expect(report.gold_rank_histogram.none, "counted as none").toBe(1);
    expect(
      Object.values(report.gold_rank_histogram).reduce((sum, count) => sum + count, 0),
      "one query, one bucket",
    ).toBe(1);
  });

  it("ahead-of-gold stops at a multi-gold query's best-ranked gold, not its first-listed one", async () => {
    const { store, config } = await rankedFixture([RANKED_QUERIES[3]!]);
    const report = await mine(config({ negativesPerQuery: 3 }));
    const written = await rows(store);
    expect(negativesByQuery(written), "only m1 ranks above m2 (rank 2)").toEqual({ qm: ["m1"] });
    expect(written[0]?.properties["gold_rank"], "the best gold's rank").toBe(2);
    expect(report.dropped.outside_strategy, "m3 and m5 are below the best gold").toBe(2);
  });

  it("masks every gold of a multi-gold query by id, golds with distinct texts included", async () => {
    // m2 and m4 share no text with any document, so a gold that escaped the id mask would be counted
    // as "same_as_gold" instead of "gold".
    const { store, config } = await rankedFixture([RANKED_QUERIES[3]!]);
    const report = await mine(config({ strategy: "top-k", negativesPerQuery: 5 }));
    const written = await rows(store);
    expect(negativesByQuery(written), "every non-gold of the pool, in rank order").toEqual({ qm: ["m1", "m3", "m5"] });
    expect(report.dropped.gold, "both golds masked as golds").toBe(2);
    expect(report.dropped.same_as_gold, "no gold reaches the text checks").toBe(0);
    for (const row of written) expect(row.properties["gold_doc_ids"], "both golds on every row").toEqual(["m4", "m2"]);
  });
});

describe("mine reads past candidates the text checks drop", () => {
  it("top sampling still takes the best-ranked eligible candidates when the first ten repeat the gold's text", async () => {
    const corpus: [string, string][] = [
      ["gold", "river stone gold"],
      ...Array.from({ length: 10 }, (_, index): [string, string] => [`copy${index}`, "River, stone: GOLD!"]),
      ["e1", "river stone bank"],
      ["e2", "river quiet"],
      ["e3", "stone wall"],
    ];
    const { store, config } = await rankedFixture([{ query_id: "qr", text: "which river stone is gold", gold_ids: ["gold"] }], corpus);
    const report = await mine(config({ strategy: "top-k", negativesPerQuery: 2 }));
    expect(negativesByQuery(await rows(store)), "the two best-ranked candidates with a text of their own").toEqual({ qr: ["e1", "e2"] });
    expect(report.dropped.same_as_gold, "every copy of the gold's text").toBe(10);
    expect(report.queries_short, "not short").toBe(0);
  });
});

describe("mine shortfall policies (ahead-of-gold, 3 negatives: qa has 4 eligible, qb 2, qc none, qm 1)", () => {
  it("keep-fewer keeps every eligible candidate, reports the queries it kept short, and skips a query left with none", async () => {
    const { store, config } = await rankedFixture();
    const report = await mine(config({ shortfall: "keep-fewer" }));
    const written = await rows(store);
    expect(negativesByQuery(written), "the eligible candidates, best first; qc has none").toEqual({
      qa: ["a1", "a2", "a3"],
      qb: ["b1", "b2"],
      qm: ["m1"],
    });
    expect(report, "counts").toMatchObject({
      queries: 4,
      queries_mined: 3,
      rows_written: 6,
      queries_short: 2,
      queries_padded: 0,
      queries_skipped: 1,
      skipped_reasons: { shortfall: 1 },
    });
    expect(report.short_examples, "the kept short queries").toEqual(["qb", "qm"]);
    expect(
      report.skipped_examples.map((example) => [example.query_id, example.reason]),
      "qc produced no row",
    ).toEqual([["qc", "shortfall"]]);
    expect(report.queries_mined + report.queries_skipped, "every query is mined or skipped").toBe(report.queries);
    for (const row of written) expect(row.properties["padded"], "no padding").toBe(false);
    const pools = { qa: 5, qb: 3, qc: 2, qm: 5 };
    expect(
      Object.values(report.dropped).reduce((sum, count) => sum + count, 0),
      "every pool candidate not written is counted once as dropped",
    ).toBe(Object.values(pools).reduce((sum, size) => sum + size, 0) - report.rows_written);
  });

  it("skip-query writes only the queries with N negatives and reports the others as skipped", async () => {
    const { store, config } = await rankedFixture();
    const report = await mine(config({ shortfall: "skip-query" }));
    expect(negativesByQuery(await rows(store)), "only qa").toEqual({ qa: ["a1", "a2", "a3"] });
    expect(report, "counts").toMatchObject({
      queries: 4,
      queries_mined: 1,
      rows_written: 3,
      queries_short: 0,
      queries_padded: 0,
      queries_skipped: 3,
      skipped_reasons: { shortfall: 3 },
    });
    expect(
      report.skipped_examples.map((example) => [example.query_id, example.reason, example.detail]),
      "each skipped query, with how many it had",
    ).toEqual([
      ["qb", "shortfall", "2 of 3 negatives"],
      ["qc", "shortfall", "0 of 3 negatives"],
      ["qm", "shortfall", "1 of 3 negatives"],
    ]);
  });

  it("pad-random keeps the eligible candidates and fills up to N with seeded random documents outside the pool", async () => {
    const padded = async (seed: number) => {
      const { store, config } = await rankedFixture();
      const report = await mine(config({ shortfall: "pad-random", seed }));
      return { report, written: await rows(store) };
    };
    const { report, written } = await padded(42);
    expect(report, "counts").toMatchObject({
      queries: 4,
      queries_mined: 4,
      rows_written: 12,
      queries_short: 0,
      queries_padded: 3,
      queries_skipped: 0,
    });
    const byQuery = negativesByQuery(written);
    expect(byQuery["qa"], "qa needs no padding").toEqual(["a1", "a2", "a3"]);
    for (const [queryId, eligible] of [
      ["qb", ["b1", "b2"]],
      ["qc", []],
      ["qm", ["m1"]],
    ] as const) {
      const queryRows = written.filter((row) => row.properties["query_id"] === queryId);
      expect(queryRows.length, `${queryId}: N rows`).toBe(3);
      expect(byQuery[queryId]!.slice(0, eligible.length), `${queryId}: its eligible candidates first`).toEqual(eligible);
      const texts = queryRows.map((row) => row.properties["hard_negative_doc"]);
      expect(new Set(texts).size, `${queryId}: no text twice`).toBe(3);
      for (const row of queryRows.slice(eligible.length)) {
        const id = String(row.properties["hard_negative_id"]);
        expect([row.properties["padded"], row.properties["rank"]], `${queryId}: ${id} is padded, without a rank`).toEqual([true, null]);
        // Outside the pool: the document shares no word with the query, and the engine scores it so.
        expect(wordOverlap(queryTextOf.get(queryId)!, textOf.get(id)!), `${queryId}: ${id} is outside the pool`).toBe(0);
        expect(row.properties["score"], `${queryId}: ${id}'s engine score`).toBe(0);
        expect(row.properties["gold_rank"], `${queryId}: the gold rank stays the pool's`).toBe(GOLD_RANKS[queryId]);
      }
      for (const row of queryRows.slice(0, eligible.length)) expect(row.properties["padded"], `${queryId}: from the pool`).toBe(false);
    }
    const paddedIds = (result: { written: StoredRecord[] }) =>
      result.written
        .filter((row) => row.properties["padded"] === true)
        .map((row) => `${row.properties["query_id"]}:${row.properties["hard_negative_id"]}`);
    expect(paddedIds(await padded(42)), "the same seed pads with the same documents").toEqual(paddedIds({ written }));
    const otherSeeds = await Promise.all([1, 2, 3].map(async (seed) => paddedIds(await padded(seed)).join()));
    expect(
      otherSeeds.some((ids) => ids !== paddedIds({ written }).join()),
      "another seed draws other documents",
    ).toBe(true);
  });

  it("pad-random draws from a corpus far larger than it needs, still outside the pool and seeded", async () => {
    const corpus = [
      ...RANKED_CORPUS,
      ...Array.from({ length: 80 }, (_, index): [string, string] => [`y${index}`, `yankee filler ${index}`]),
    ];
    const paddedRows = async (seed: number) => {
      const { store, config } = await rankedFixture([RANKED_QUERIES[2]!], corpus);
      const report = await mine(config({ shortfall: "pad-random", negativesPerQuery: 1, seed }));
      expect(report.queries_padded, "qc was padded").toBe(1);
      return (await rows(store)).map((row) => [row.properties["hard_negative_id"], row.properties["padded"], row.properties["rank"]]);
    };
    const first = await paddedRows(42);
    expect(first.length, "one row").toBe(1);
    const [id, padded, rank] = first[0]!;
    expect([padded, rank], "padded, without a rank").toEqual([true, null]);
    expect(wordOverlap("india juliet", new Map(corpus).get(String(id))!), `${String(id)} is outside the pool`).toBe(0);
    expect(await paddedRows(42), "the same seed, the same document").toEqual(first);
    const others = await Promise.all([1, 2, 3, 4].map((seed) => paddedRows(seed)));
    expect(
      others.some((other) => other[0]![0] !== id),
      "other seeds, other documents",
    ).toBe(true);
  });
});

describe("mine with a search-only backend and a separate store", () => {
  it("mines an engine that only searches, keeping queries and negatives in the store", async () => {
    // The engine keeps its documents where core cannot read them (as an HTTP search API does).
    const engineData = new MemoryStore({ name: "engine-data" });
    await addDocuments(engineData, CORPUS);
    const store = new MemoryStore({ name: "negatives" });
    await addQueries(store, QUERIES);
    const config: MineConfig = {
      backend: createSearchBackend(new WordOverlapBackend(engineData)),
      store,
      ...fixtureCollections(),
      negativesPerQuery: 2,
    };
    const report = await mine(config);
    expect(report.rows_written, "rows mined through the search-only backend").toBeGreaterThan(0);
    expect(await store.count("out"), "rows land in the separate store").toBe(report.rows_written);
    expect(await engineData.hasCollection("out"), "nothing is written to the engine's data").toBe(false);
    // Random padding needs the corpus ids, which only the engine holds: refused with the fix named.
    await expect(
      mine({
        ...config,
        shortfall: "pad-random",
        negativesPerQuery: 6,
        hardNegativesCollection: new HardNegativesCollection({ collectionName: "out2" }),
      }),
      "pad-random",
    ).rejects.toThrow(/option shortfall: .*search-only backend.*keep-fewer/);
  });

  it("evaluates an engine that only searches, reading the queries from the store", async () => {
    const engineData = new MemoryStore({ name: "engine-data" });
    await addDocuments(engineData, CORPUS);
    const store = new MemoryStore({ name: "queries-store" });
    await addQueries(store, QUERIES);
    const backend = createSearchBackend(new WordOverlapBackend(engineData));
    const report = await evaluate({
      backend,
      store,
      docsCollection: new DocsCollection({ collectionName: "docs" }),
      queriesCollection: new QueriesCollection({ collectionName: "queries" }),
    });
    expect(report.queries, "queries with text and a gold evaluated").toBe(4);
    expect(report.mrr_at_10, "the word-overlap engine ranks some golds first").toBeGreaterThan(0);
    await expect(
      evaluate({
        backend,
        docsCollection: new DocsCollection({ collectionName: "docs" }),
        queriesCollection: new QueriesCollection({ collectionName: "queries" }),
      }),
      "no store",
    ).rejects.toThrow(/only searches; pass a store/);
  });

  it("refuses a search-only backend without a store, naming the option", async () => {
    const engineData = new MemoryStore();
    await expect(
      mine({
        backend: createSearchBackend(new WordOverlapBackend(engineData)),
        ...fixtureCollections(),
        negativesPerQuery: 2,
      }),
    ).rejects.toThrow(/option store: .*only searches; pass a store/);
  });
});

describe("mine refuses collections it cannot use, naming them", () => {
  it("a missing queries collection, with how to load it", async () => {
    const { config } = await fixture();
    await expect(mine(config({ queriesCollection: new QueriesCollection({ collectionName: "no-queries" }) }))).rejects.toThrow(
      /collection "no-queries": does not exist; load the queries first/,
    );
  });

  it("a missing corpus on an engine that stores its documents, with how to load it", async () => {
    const engine = openReferenceEngine({ modes: ["bm25"] });
    await addQueries(engine, QUERIES);
    await expect(
      mine({
        backend: engine,
        ...fixtureCollections(),
        negativesPerQuery: 2,
      }),
    ).rejects.toThrow(/collection "docs": does not exist; load the corpus first/);
  });

  for (const taken of ["docs", "queries"]) {
    it(`an output collection named as the ${taken} collection`, async () => {
      const { store, config } = await fixture();
      const before = await rows(store, taken);
      await expect(mine(config({ hardNegativesCollection: new HardNegativesCollection({ collectionName: taken }) }))).rejects.toThrow(
        /option hardNegativesCollection.collectionName: must differ from the documents and queries collections/,
      );
      expect(await rows(store, taken), `the ${taken} collection is left as it was`).toEqual(before);
    });
  }
});

describe("mine labels and records its runs", () => {
  it("names the strategy on the report and the rows; a range shows its bounds, by default the first rank and the pool size", async () => {
    const label = async (overrides: Partial<MineConfig>) => {
      const { store, config } = await fixture();
      const report = await mine(config(overrides));
      const labels = new Set((await rows(store)).map((row) => row.properties["strategy"]));
      expect([...labels], "every row carries the report's label").toEqual([report.strategy]);
      return report.strategy;
    };
    expect(await label({}), "the default strategy").toBe("top-k");
    expect(await label({ strategy: "range", rangeMin: 2, poolSize: 6 }), "range up to the pool's end").toBe("range:2-6");
    expect(await label({ strategy: "range", rangeMax: 3 }), "range from the first rank").toBe("range:1-3");
    expect(await label({ strategy: "range", rangeMin: 2, rangeMax: 5 }), "range given").toBe("range:2-5");
  });

  /** The run manifest a run wrote, by the run id on its report. */
  async function manifestOf(store: Store, runId: string): Promise<Record<string, unknown>> {
    const record = (await store.getRecords(RUNS_COLLECTION, [runId])).get(runId);
    expect(record, "a manifest under the run id").toBeDefined();
    return record!.properties;
  }

  it("writes a manifest with the run's options and, once complete, its report", async () => {
    const { store, config } = await fixture();
    const report = await mine(config({ batchSize: 3 }));
    const manifest = await manifestOf(store, report.run_id);
    expect(manifest, "complete, with the report returned").toMatchObject({
      type: "run",
      run_id: report.run_id,
      status: "complete",
      report,
    });
    expect(manifest["options"], "the options").toMatchObject({ out: "out", backend: "word-overlap", batchSize: 3, querySamples: "all" });
    const sampled = await mine(
      config({ querySamples: 2, hardNegativesCollection: new HardNegativesCollection({ collectionName: "two" }) }),
    );
    expect((await manifestOf(store, sampled.run_id))["options"], "a sample size").toMatchObject({ querySamples: 2 });
  });

  it("the embedder is part of a vector run's id and options, not of a bm25 run's", async () => {
    const runOf = async (mode: SearchMode, embedderId: string) => {
      const { store, backend, config } = await fixture();
      Object.assign(backend, { modes: ["bm25", "vector"], embedderId });
      const report = await mine(config({ mode }));
      return { runId: report.run_id, options: (await manifestOf(store, report.run_id))["options"] as Record<string, unknown> };
    };
    const vectorA = await runOf("vector", "embedder-a");
    expect(vectorA.options["embedder"], "recorded").toBe("embedder-a");
    expect((await runOf("vector", "embedder-b")).runId, "another embedder, another run").not.toBe(vectorA.runId);
    const bm25 = await runOf("bm25", "embedder-a");
    expect(bm25.options["embedder"], "not recorded").toBeUndefined();
    expect((await runOf("bm25", "embedder-b")).runId, "the embedder plays no part in bm25").toBe(bm25.runId);
  });

  it("the judge's id, version, policy and maxJudgedPerQuery make the run; maxRelabelled, report-only, does not", async () => {
    const judge = (version?: string) => ({
      id: "fixed",
      ...(version === undefined ? {} : { version }),
      judge: async (items: readonly unknown[]) => items.map(() => ({ relevant: false, reason: "fixed" })),
    });
    const runOf = async (overrides: Partial<MineConfig>) => {
      const { store, config } = await fixture();
      const report = await mine(config({ judgePolicy: "relabel", ...overrides }));
      const options = (await manifestOf(store, report.run_id))["options"] as Record<string, unknown>;
      return { runId: report.run_id, options, judgeVersion: report.judge?.judge_version };
    };
    const base = await runOf({ judge: judge("1"), maxJudgedPerQuery: 4 });
    expect(base.judgeVersion, "the report names the judge's version").toBe("1");
    expect(base.options["judge"], "recorded").toEqual({ id: "fixed", version: "1", policy: "relabel", maxJudgedPerQuery: 4 });
    expect((await runOf({ judge: judge("1"), maxJudgedPerQuery: 4, maxRelabelled: 0 })).runId, "maxRelabelled").toBe(base.runId);
    expect((await runOf({ judge: judge("2"), maxJudgedPerQuery: 4 })).runId, "another version").not.toBe(base.runId);
    const versionless = await runOf({ judge: judge(), maxJudgedPerQuery: 4 });
    expect(versionless.options["judge"], "no version").toMatchObject({ version: "" });
    expect(versionless.judgeVersion, "no version in the report either").toBe("");
  });
});

describe("mine progress and report", () => {
  it("reports progress after each batch, counting the usable queries", async () => {
    const { config } = await fixture();
    const events: unknown[] = [];
    await mine(config({ batchSize: 3, concurrency: 1, onProgress: (progress) => events.push(progress) }));
    // q1..q4 are usable (q4's gold is missing, which only mining finds out); q5 has no text.
    expect(events).toEqual([
      { batchesDone: 1, batchesTotal: 2, queriesDone: 3, queriesTotal: 4 },
      { batchesDone: 2, batchesTotal: 2, queriesDone: 4, queriesTotal: 4 },
    ]);
  });

  it("a resumed run's progress starts from the batches already committed", async () => {
    const { store, config } = await fixture();
    const failingStore: Store = Object.create(store);
    let outWrites = 0;
    failingStore.upsertTogether = async (writes) => {
      if (writes.some((write) => write.collection === "out") && ++outWrites === 2) throw new Error("simulated crash");
      return store.upsertTogether!(writes);
    };
    await expect(mine(config({ batchSize: 3, concurrency: 1, store: failingStore }))).rejects.toThrow("simulated crash");
    const runs = await rows(store, RUNS_COLLECTION);
    const manifest = runs.find((record) => record.properties["type"] === "run")?.properties;
    expect(manifest, "the interrupted run's manifest says it is running, with its options").toMatchObject({
      status: "running",
      options: { out: "out", batchSize: 3 },
    });
    expect(manifest?.["report"], "and has no report yet").toBeUndefined();
    const events: unknown[] = [];
    await mine(config({ batchSize: 3, concurrency: 1, onProgress: (progress) => events.push(progress) }));
    expect(events, "only the second batch is mined, after the first 3 queries").toEqual([
      { batchesDone: 2, batchesTotal: 2, queriesDone: 4, queriesTotal: 4 },
    ]);
  });

  it("a run whose every query is unusable reports zero metrics and each skip with its reason, up to the example limit", async () => {
    const store = new MemoryStore();
    await addDocuments(store, CORPUS);
    const empty = Array.from({ length: MAX_EXAMPLES + 2 }, (_, index) => ({ query_id: `e${index}`, text: " ", gold_ids: ["d1"] }));
    await addQueries(store, [{ query_id: "n0", text: "espresso", gold_ids: [] }, ...empty]);
    const report = await mine({
      backend: createSearchBackend(new WordOverlapBackend(store)),
      store,
      ...fixtureCollections(),
      negativesPerQuery: 2,
    });
    expect(report, "every query counted and skipped").toMatchObject({
      queries: MAX_EXAMPLES + 3,
      queries_mined: 0,
      queries_skipped: MAX_EXAMPLES + 3,
      skipped_reasons: { no_gold_ids: 1, empty_query: MAX_EXAMPLES + 2 },
    });
    expect(report.skipped_examples.length, "examples capped").toBe(MAX_EXAMPLES);
    expect(report.skipped_examples[0], "the first, with its reason").toEqual({ query_id: "n0", reason: "no_gold_ids" });
    expect(report.metrics, "no query ranked: zeros, not NaN").toEqual({
      queries: 0,
      ndcg_at_10: 0,
      mrr_at_10: 0,
      recall_at_10: 0,
      recall_at_pool: 0,
      pool_size: 100,
    });
  });

  it("reports the judge's HTTP requests made during the run, or null when the judge does not count them", async () => {
    const judgeFor = (counting: boolean) => {
      const judge = {
        id: "counting",
        requestsMade: counting ? 10 : undefined,
        judge: async (items: readonly unknown[]) => {
          if (judge.requestsMade !== undefined) judge.requestsMade += 1;
          return items.map(() => ({ relevant: false, reason: "no" }));
        },
      };
      return judge;
    };
    const counted = await fixture();
    const judge = judgeFor(true);
    const report = await mine(counted.config({ judge, batchSize: 1, concurrency: 1 }));
    expect(report.judge?.http_requests, "the requests of this run, not the judge's total").toBe((judge.requestsMade ?? 0) - 10);
    expect(report.judge?.http_requests, "one per batch with negatives").toBeGreaterThan(0);
    const uncounted = await fixture();
    expect((await mine(uncounted.config({ judge: judgeFor(false) }))).judge?.http_requests, "not counted").toBeNull();
  });

  it("pad-random reads the corpus ids from the documents' id property, and pads only with documents of the corpus", async () => {
    const store = new MemoryStore();
    await store.createCollection({ name: "docs", kind: "documents" });
    const corpus: [string, string][] = [
      ["g", "india gold"],
      ["o1", "outside one"],
      ["o2", "outside two"],
    ];
    // Record ids differ from the documents' ids: only the doc_id property names a document.
    await store.upsert(
      "docs",
      corpus.map(([id, text]) => ({ id: `record-${id}`, properties: { doc_id: id, text } })),
    );
    const queries = [{ query_id: "qi", text: "india gold", gold_ids: ["g"] }];
    await addQueries(store, queries);
    const backend = new ScoringWordOverlapBackend(store);
    const asked: string[] = [];
    const getDocuments = backend.getDocuments.bind(backend);
    backend.getDocuments = async (target, ids) => {
      asked.push(...ids);
      return getDocuments(target, ids);
    };
    const report = await mine({
      backend: createSearchBackend(backend),
      store,
      ...fixtureCollections(),
      negativesPerQuery: 2,
      shortfall: "pad-random",
    });
    expect(new Set((await rows(store)).map((row) => row.properties["hard_negative_id"])), "both outside documents").toEqual(
      new Set(["o1", "o2"]),
    );
    expect(report.queries_padded, "padded").toBe(1);
    expect(new Set(asked), "only corpus documents are read").toEqual(new Set(["g", "o1", "o2"]));
  });
});
