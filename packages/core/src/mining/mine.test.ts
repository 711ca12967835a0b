import { describe, expect, it } from "vitest";
import type { Store } from "../backend.js";
import { createSearchBackend } from "../adapter/create-engine.js";
import type { SearchDriver } from "../adapter/driver.js";
import type { SearchMode } from "../types.js";
import { DocsCollection, HardNegativesCollection, QueriesCollection } from "../collections.js";
import { HardnegError } from "../errors.js";
import { MemoryStore } from "../adapter/memory-store.js";
import type { StoredRecord } from "../types.js";
import { WordOverlapBackend, wordOverlap } from "./__fixtures__/word-overlap-backend.js";
import { addHardNegatives } from "./add-hard-negatives.js";
import { mine } from "./mine.js";
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
  await store.createCollection({ name: "docs", kind: "documents" });
  await store.upsert(
    "docs",
    CORPUS.map(([id, text]) => ({ id, properties: { doc_id: id, text } })),
  );
  await store.createCollection({ name: "queries", kind: "queries" });
  await store.upsert(
    "queries",
    QUERIES.map((query) => ({ id: query.query_id, properties: query })),
  );
  const backend = new ScoringWordOverlapBackend(store, { scoreDocuments: options.scoreDocuments ?? true });
  const config = (overrides: Partial<MineConfig> = {}): MineConfig => ({
    backend: createSearchBackend(backend),
    store,
    docsCollection: new DocsCollection({ collectionName: "docs" }),
    queriesCollection: new QueriesCollection({ collectionName: "queries" }),
    hardNegativesCollection: new HardNegativesCollection({ collectionName: "out" }),
    negativesPerQuery: 2,
    ...overrides,
  });
  return { store, backend, config };
}

async function rows(store: Store, collection = "out"): Promise<StoredRecord[]> {
  const all: StoredRecord[] = [];
  for await (const batch of store.iterate(collection)) all.push(...batch);
  return all;
}

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
      "hard_negative_id",
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

  it("shortfall policies: keep-fewer keeps, skip-query skips, pad-random pads with random documents", async () => {
    const strict = { negativesPerQuery: 4, strategy: "ahead-of-gold" as const };
    const keep = await mine((await fixture()).config(strict));
    expect(keep.queries_short).toBeGreaterThan(0);
    const skip = await mine((await fixture()).config({ ...strict, shortfall: "skip-query" }));
    expect(skip.skipped_reasons.shortfall).toBe(keep.queries_short);
    const padded = await fixture();
    const report = await mine(padded.config({ ...strict, shortfall: "pad-random" }));
    expect(report.queries_padded).toBeGreaterThan(0);
    const paddedRows = (await rows(padded.store)).filter((row) => row.properties["padded"] === true);
    expect(paddedRows.length).toBeGreaterThan(0);
    for (const row of paddedRows) {
      expect(row.properties["rank"]).toBeNull();
      expect(row.properties["gold_doc_ids"]).not.toContain(row.properties["hard_negative_id"]);
    }
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

describe("mine with a search-only backend and a separate store", () => {
  it("mines an engine that only searches, keeping queries and negatives in the store", async () => {
    // The engine keeps its documents where core cannot read them (as an HTTP search API does).
    const engineData = new MemoryStore({ name: "engine-data" });
    await engineData.createCollection({ name: "docs", kind: "documents" });
    await engineData.upsert(
      "docs",
      CORPUS.map(([id, text]) => ({ id, properties: { doc_id: id, text } })),
    );
    const store = new MemoryStore({ name: "negatives" });
    await store.createCollection({ name: "queries", kind: "queries" });
    await store.upsert(
      "queries",
      QUERIES.map((query) => ({ id: query.query_id, properties: query })),
    );
    const config: MineConfig = {
      backend: createSearchBackend(new WordOverlapBackend(engineData)),
      store,
      docsCollection: new DocsCollection({ collectionName: "docs" }),
      queriesCollection: new QueriesCollection({ collectionName: "queries" }),
      hardNegativesCollection: new HardNegativesCollection({ collectionName: "out" }),
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
    ).rejects.toThrow(/search-only backend.*keep-fewer/);
  });

  it("evaluates an engine that only searches, reading the queries from the store", async () => {
    const engineData = new MemoryStore({ name: "engine-data" });
    await engineData.createCollection({ name: "docs", kind: "documents" });
    await engineData.upsert(
      "docs",
      CORPUS.map(([id, text]) => ({ id, properties: { doc_id: id, text } })),
    );
    const store = new MemoryStore({ name: "queries-store" });
    await store.createCollection({ name: "queries", kind: "queries" });
    await store.upsert(
      "queries",
      QUERIES.map((query) => ({ id: query.query_id, properties: query })),
    );
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
        docsCollection: new DocsCollection({ collectionName: "docs" }),
        queriesCollection: new QueriesCollection({ collectionName: "queries" }),
        hardNegativesCollection: new HardNegativesCollection({ collectionName: "out" }),
        negativesPerQuery: 2,
      }),
    ).rejects.toThrow(/option store: .*only searches; pass a store/);
  });
});
