import { describe, expect, it } from "vitest";
import type { DocumentTarget, SearchRequest } from "../backend.js";
import type { Hit } from "../types.js";
import { fakeDriver } from "../testkit/__fixtures__/fake-driver.js";
import { CheckedSearchBackend } from "./checked-search-backend.js";
import { createEngine, createSearchBackend, createStore } from "./create-engine.js";

const target: DocumentTarget = { collection: "docs", idKey: "doc_id", contentKey: "text" };
const requestsOf = (count: number): SearchRequest[] => Array.from({ length: count }, (_, position) => ({ text: `q${position}` }));
/** Answers each request with one hit named after its text, so order is visible. */
const echo = async (_target: DocumentTarget, requests: readonly SearchRequest[]): Promise<Hit[][]> =>
  requests.map((request) => [{ id: request.text, score: 1, rank: 1 }]);

describe("createEngine: capabilities with their defaults", () => {
  it("defaults to bm25, batches of 256, no maxK and no scoreDocuments", () => {
    expect(createEngine(fakeDriver()).capabilities(), "the defaults").toEqual({
      modes: ["bm25"],
      scoreDocumentsModes: [],
      maxBatchSize: 256,
    });
  });

  it("scoreDocumentsModes defaults to every search mode when the driver has scoreDocuments, and never names a mode not searched", () => {
    const scoreDocuments = async () => new Map<string, number>();
    expect(createEngine(fakeDriver({ modes: ["bm25", "vector"], scoreDocuments })).capabilities().scoreDocumentsModes, "default").toEqual([
      "bm25",
      "vector",
    ]);
    expect(
      createEngine(fakeDriver({ modes: ["bm25"], scoreDocuments, scoreDocumentsModes: ["bm25", "hybrid"] })).capabilities()
        .scoreDocumentsModes,
      "filtered",
    ).toEqual(["bm25"]);
    expect(
      createEngine(fakeDriver({ modes: ["bm25"], scoreDocumentsModes: ["bm25"] })).capabilities().scoreDocumentsModes,
      "no method, no modes",
    ).toEqual([]);
  });

  it("passes maxK and maxBatchSize through", () => {
    expect(createEngine(fakeDriver({ maxK: 50, maxBatchSize: 8 })).capabilities(), "declared").toMatchObject({ maxK: 50, maxBatchSize: 8 });
  });
});

describe("createEngine: batches split by maxBatchSize", () => {
  it("sends at most maxBatchSize requests per driver call and joins the answers in request order", async () => {
    const driver = fakeDriver({ maxBatchSize: 3, search: echo });
    const lists = await createEngine(driver).search(target, requestsOf(8), { mode: "bm25", k: 1 });
    expect(
      driver.callsOf("search").map((call) => (call.args[1] as SearchRequest[]).length),
      "batch sizes",
    ).toEqual([3, 3, 2]);
    expect(
      lists.map((hits) => hits[0]?.id),
      "answers in request order",
    ).toEqual(requestsOf(8).map((request) => request.text));
  });

  it("splits at 256 by default and sends nothing for an empty batch", async () => {
    const driver = fakeDriver({ search: echo });
    const engine = createEngine(driver);
    await engine.search(target, requestsOf(600), { mode: "bm25", k: 1 });
    expect(
      driver.callsOf("search").map((call) => (call.args[1] as SearchRequest[]).length),
      "batch sizes",
    ).toEqual([256, 256, 88]);
    expect(await engine.search(target, [], { mode: "bm25", k: 1 }), "no requests, no lists").toEqual([]);
    expect(driver.callsOf("search"), "no call for an empty batch").toHaveLength(3);
  });

  it("asks getDocuments and scoreDocuments for each id once", async () => {
    const driver = fakeDriver({ scoreDocuments: async () => new Map() });
    const engine = createEngine(driver);
    await engine.getDocuments(target, ["a", "b", "a"]);
    await engine.scoreDocuments(target, { text: "q" }, ["b", "b", "c"], { mode: "bm25", k: 1 });
    expect(driver.callsOf("getDocuments")[0]?.args[1], "getDocuments ids").toEqual(["a", "b"]);
    expect(driver.callsOf("scoreDocuments")[0]?.args[2], "scoreDocuments ids").toEqual(["b", "c"]);
  });
});

describe("createEngine: optional abilities exist exactly when the driver has them", () => {
  const abilities = ["replaceCollection", "upsertTogether", "listCollections", "embedderId"] as const;

  it("a driver without them gives an engine without them (not even as undefined properties)", () => {
    const engine = createEngine(fakeDriver());
    for (const ability of abilities) expect(ability in engine, ability).toBe(false);
    for (const ability of ["replaceCollection", "upsertTogether", "listCollections"] as const) {
      expect(ability in createStore(fakeDriver()), `store ${ability}`).toBe(false);
    }
    expect("embedderId" in createSearchBackend(fakeDriver()), "search backend embedderId").toBe(false);
  });

  it("a driver with them gives an engine with them, calling the driver", async () => {
    const driver = fakeDriver({
      embedderId: "model-a",
      replaceCollection: async () => undefined,
      upsertTogether: async () => undefined,
      listCollections: async () => ["c"],
    });
    const engine = createEngine(driver);
    expect(engine.embedderId, "embedderId").toBe("model-a");
    expect(createSearchBackend(driver).embedderId, "search backend embedderId").toBe("model-a");
    await engine.replaceCollection!("staging", "c");
    await engine.upsertTogether!([{ collection: "c", records: [{ id: "a", properties: {} }] }]);
    expect(await engine.listCollections!(), "the driver's collection names").toEqual(["c"]);
    expect(
      driver.calls.map((call) => call.method),
      "each reached the driver",
    ).toEqual(["replaceCollection", "upsertTogether", "listCollections"]);
  });

  it("keeps the driver, and close calls the driver's close when it has one", async () => {
    let closed = 0;
    const driver = fakeDriver({ close: async () => void closed++ });
    const engine = createEngine(driver);
    expect(engine.driver, "the driver").toBe(driver);
    await engine.close!();
    await new CheckedSearchBackend(driver).close();
    expect(closed, "closed through the engine and the search backend").toBe(2);
    await expect(createEngine(fakeDriver()).close!(), "no close: nothing to do").resolves.toBeUndefined();
  });
});
