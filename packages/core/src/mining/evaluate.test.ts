import { describe, expect, it } from "vitest";
import type { SearchBackend, SearchOptions } from "../backend.js";
import { createSearchBackend } from "../adapter/create-engine.js";
import { MemoryStore } from "../adapter/memory-store.js";
import { DocsCollection, QueriesCollection } from "../collections.js";
import { markLoading } from "../load-records.js";
import { openReferenceEngine } from "../testkit/__fixtures__/reference-engine.js";
import type { SearchMode } from "../types.js";
import { addDocuments, addQueries, WordOverlapBackend } from "./__fixtures__/word-overlap-backend.js";
import { evaluate, type EvaluateConfig, type QueryEvaluation } from "./evaluate.js";

/** Pools by hand: the word-overlap engine scores a document by the query words it holds (ties keep corpus order). */
const CORPUS: [string, string][] = [
  ["a1", "alpha bravo charlie"],
  ["a2", "alpha bravo"],
  ["a3", "alpha"],
  ["b1", "delta echo"],
  ["b2", "delta"],
  ["z1", "zulu"],
];
const QUERIES = [
  { query_id: "qa", text: "alpha bravo charlie", gold_ids: ["a2"] }, // pool a1, a2, a3: gold at rank 2
  { query_id: "qb", text: "delta echo", gold_ids: ["b1"] }, // pool b1, b2: gold at rank 1
  { query_id: "qz", text: "alpha", gold_ids: ["z1"] }, // z1 shares no word: gold not ranked
  { query_id: "qe", text: "   ", gold_ids: ["a1"] }, // no text: not evaluated
];

/** A word-overlap driver claiming the given capabilities (search ignores the mode). */
class ClaimingWordOverlap extends WordOverlapBackend {
  constructor(
    store: MemoryStore,
    readonly modes: readonly SearchMode[] = ["bm25"],
    readonly maxK?: number,
    readonly maxBatchSize?: number,
  ) {
    super(store);
  }
}

/** The backend with every `search` call it receives recorded (request count and options). */
function recording(backend: SearchBackend): { backend: SearchBackend; calls: { requests: number; options: SearchOptions }[] } {
  const calls: { requests: number; options: SearchOptions }[] = [];
  const recorded: SearchBackend = Object.create(backend);
  recorded.search = async (target, requests, options) => {
    calls.push({ requests: requests.length, options });
    return backend.search(target, requests, options);
  };
  return { backend: recorded, calls };
}

async function fixture(claims: { modes?: SearchMode[]; maxK?: number; maxBatchSize?: number } = {}, queries = QUERIES) {
  const store = new MemoryStore();
  await addDocuments(store, CORPUS);
  await addQueries(store, queries);
  const { backend, calls } = recording(createSearchBackend(new ClaimingWordOverlap(store, claims.modes, claims.maxK, claims.maxBatchSize)));
  const config = (overrides: Partial<EvaluateConfig> = {}): EvaluateConfig => ({
    backend,
    store,
    docsCollection: new DocsCollection({ collectionName: "docs" }),
    queriesCollection: new QueriesCollection({ collectionName: "queries" }),
    ...overrides,
  });
  return { store, calls, config };
}

const gain = (rank: number) => 1 / Math.log2(rank + 1);

describe("evaluate", () => {
  it("reports each query's gold rank, nDCG@10 and Recall@100 in query order, and the means over the usable queries", async () => {
    const { config } = await fixture();
    const perQuery: QueryEvaluation[] = [];
    const report = await evaluate(config({ onQuery: (result) => perQuery.push(result) }));
    expect(perQuery, "one figure set per usable query, in order").toEqual([
      { query_id: "qa", gold_rank: 2, ndcg_at_10: expect.closeTo(gain(2), 10), recall_at_pool: 1 },
      { query_id: "qb", gold_rank: 1, ndcg_at_10: 1, recall_at_pool: 1 },
      { query_id: "qz", gold_rank: null, ndcg_at_10: 0, recall_at_pool: 0 },
    ]);
    expect(report, "means over qa, qb and qz; the empty query is counted as skipped").toEqual({
      mode: "bm25",
      queries: 3,
      pool_size: 100,
      ndcg_at_10: expect.closeTo((gain(2) + 1) / 3, 10),
      mrr_at_10: expect.closeTo((1 / 2 + 1) / 3, 10),
      recall_at_10: expect.closeTo(2 / 3, 10),
      recall_at_pool: expect.closeTo(2 / 3, 10),
      queries_skipped: 1,
    });
  });

  it("a gold graded 0 is not relevant: the gold rank is that of the best gold graded above 0", async () => {
    const graded = [{ query_id: "qg", text: "alpha bravo charlie", gold_ids: ["a1", "a3"], gold_grades: { a1: 0, a3: 2 } }];
    const { config } = await fixture({}, graded);
    const perQuery: QueryEvaluation[] = [];
    await evaluate(config({ onQuery: (result) => perQuery.push(result) }));
    expect(
      perQuery.map((result) => [result.query_id, result.gold_rank]),
      "a3 at rank 3, not a1 at rank 1",
    ).toEqual([["qg", 3]]);
  });

  it("searches the top 100, or fewer when the engine's maxK is lower", async () => {
    const k = async (maxK?: number) => {
      const { calls, config } = await fixture(maxK === undefined ? {} : { maxK });
      await evaluate(config());
      return [...new Set(calls.map((call) => call.options.k))];
    };
    expect(await k(), "no engine limit").toEqual([100]);
    expect(await k(1000), "a limit above 100").toEqual([100]);
    expect(await k(2), "a limit below 100").toEqual([2]);
  });

  it("reports the pool it searched as pool_size, and Recall over that pool", async () => {
    const { config } = await fixture({ maxK: 2 });
    const report = await evaluate(config());
    expect(report.pool_size, "the engine's maxK").toBe(2);
    // qa's gold is ranked 2nd, qb's 1st; qz's gold is not found in a pool of 2.
    expect(report.recall_at_pool, "recall within the top 2").toBeCloseTo(2 / 3, 10);
  });

  it("sends the queries in batches of batchSize, by default the engine's maxBatchSize, and evaluates every one", async () => {
    const batches = async (claims: { maxBatchSize?: number }, batchSize?: number) => {
      const { calls, config } = await fixture(claims);
      const report = await evaluate(config(batchSize === undefined ? {} : { batchSize }));
      expect(report.queries, "every usable query evaluated").toBe(3);
      return calls.map((call) => call.requests);
    };
    expect(await batches({}, 2), "batchSize 2").toEqual([2, 1]);
    expect(await batches({ maxBatchSize: 1 }), "the engine's maxBatchSize 1").toEqual([1, 1, 1]);
    expect(await batches({}), "the default maxBatchSize holds all three").toEqual([3]);
  });

  it("uses the backend's best mode by default, and in hybrid mode mining's defaults alpha 0.75 and relative-score fusion", async () => {
    const { calls, config } = await fixture({ modes: ["bm25", "vector", "hybrid"] });
    const report = await evaluate(config());
    expect(report.mode, "hybrid is the best mode").toBe("hybrid");
    expect(calls[0]?.options, "hybrid defaults").toEqual({ mode: "hybrid", k: 100, alpha: 0.75, fusion: "relative-score" });
    calls.length = 0;
    await evaluate(config({ alpha: 0.3, fusion: "rrf" }));
    expect(calls[0]?.options, "given hybrid options").toEqual({ mode: "hybrid", k: 100, alpha: 0.3, fusion: "rrf" });
    calls.length = 0;
    const vector = await evaluate(config({ mode: "vector", alpha: 0.3, fusion: "rrf" }));
    expect(vector.mode, "the mode asked for").toBe("vector");
    expect(calls[0]?.options, "no hybrid options outside hybrid mode").toEqual({ mode: "vector", k: 100 });
  });

  it("refuses a mode the backend does not offer, naming the mode and the ones it offers", async () => {
    const { calls, config } = await fixture({ modes: ["bm25", "vector"] });
    await expect(evaluate(config({ mode: "hybrid" }))).rejects.toThrow(
      /option mode: search mode "hybrid" is not offered .*offers: bm25, vector/,
    );
    expect(calls, "nothing searched").toEqual([]);
  });

  it("refuses a missing queries collection, naming it, even when the engine only searches", async () => {
    const { store, config } = await fixture();
    // Without the corpus in the store, the engine alone holds the documents, and core checks only the queries.
    await store.deleteCollection("docs");
    await expect(evaluate(config({ queriesCollection: new QueriesCollection({ collectionName: "no-queries" }) }))).rejects.toThrow(
      /collection "no-queries": does not exist; load it first/,
    );
  });

  it("refuses a queries collection whose load did not finish", async () => {
    const { store, config } = await fixture();
    await markLoading(store, "queries");
    await expect(evaluate(config())).rejects.toThrow(/collection "queries".*incomplete/);
  });

  describe("on an engine that stores its documents", () => {
    async function engineFixture() {
      const engine = openReferenceEngine({ modes: ["bm25"] });
      await addDocuments(engine, CORPUS);
      await addQueries(engine, QUERIES);
      const config = (docs = "docs"): EvaluateConfig => ({
        backend: engine,
        docsCollection: new DocsCollection({ collectionName: docs }),
        queriesCollection: new QueriesCollection({ collectionName: "queries" }),
      });
      return { engine, config };
    }

    it("reads the queries from the engine itself when no store is given", async () => {
      const { config } = await engineFixture();
      expect((await evaluate(config())).queries, "the usable queries").toBe(3);
    });

    it("refuses a missing documents collection, naming it", async () => {
      const { config } = await engineFixture();
      await expect(evaluate(config("no-docs"))).rejects.toThrow(/collection "no-docs": does not exist; load it first/);
    });

    it("refuses a documents collection whose load did not finish", async () => {
      const { engine, config } = await engineFixture();
      await markLoading(engine, "docs");
      await expect(evaluate(config())).rejects.toThrow(/collection "docs".*incomplete/);
    });
  });
});
