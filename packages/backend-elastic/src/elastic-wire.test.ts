/**
 * Mapping (wire fixtures, local HTTP server): the real @elastic/elasticsearch client, driven by
 * this adapter, talks to a server on 127.0.0.1 that answers with Elasticsearch response bodies
 * recorded from Elasticsearch 8.19.21 or, where one cannot be provoked, documented ones
 * (__fixtures__/elastic-responses.ts), and records what was sent. This checks
 * paths, NDJSON bodies, headers and error handling end to end — but it is not Elasticsearch.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CollectionSpec, DocumentTarget, Embedder } from "@hardneg/core";
import { openElasticBackend, type ElasticBackendOptions } from "./elastic-backend.js";
import { expectHardnegRejection, on, startFixtureServer, times, type FixtureServer, type Route } from "@hardneg/core/testkit";
import * as fixtures from "./__fixtures__/elastic-responses.js";

const target: DocumentTarget = { collection: "coffee", idKey: "doc_id", contentKey: "text", titleKey: "title" };
const fastRetries: ElasticBackendOptions["retry"] = { retries: 2, baseDelayMs: 1, maxDelayMs: 2 };
/** A deterministic stand-in for an embedding model (core's `Embedder`): enough to see vectors travel. */
const embedder: Embedder = {
  id: "test:length",
  dimension: 2,
  embedQueries: async (texts) => texts.map((text) => Float32Array.of(text.length, 1)),
  embedDocuments: async (texts) => texts.map((text) => Float32Array.of(text.length, 2)),
};

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
});

/** The index of the search tests, holding vectors of `embedder`. */
const coffeeWithVectors = on("GET", "/coffee/_mapping", { body: fixtures.mappingWithVectors("test:length", 2) });

/** The NDJSON lines of the `n`th `_msearch` call. */
function msearchLines(n = 0): Record<string, unknown>[] {
  return server!.requests.filter((request) => request.path.startsWith("/_msearch"))[n]!.body as Record<string, unknown>[];
}

async function backendAnswering(routes: Route[], options: ElasticBackendOptions = {}) {
  server = await startFixtureServer(routes, { "x-elastic-product": "Elasticsearch" });
  return openElasticBackend(server.url, { retry: fastRetries, ...options });
}

describe("mapping (wire fixtures, local HTTP server): search", () => {
  it("mapping: a bm25 batch is one _msearch with an index header per request, answered in order", async () => {
    const backend = await backendAnswering([on("POST", "/_msearch", { body: fixtures.msearchTwoQueries })]);
    const hits = await backend.search(target, [{ text: "espresso" }, { text: "tea" }], { mode: "bm25", k: 10 });
    expect(hits).toEqual([
      [
        { id: "d2", score: 0.6430173, rank: 1 },
        { id: "d9", score: 0.42081726, rank: 2 },
      ],
      [],
    ]);
    expect(server!.requests).toHaveLength(1);
    const lines = server!.requests[0]!.body as Record<string, unknown>[];
    expect(lines).toHaveLength(4);
    expect(lines[0]).toEqual({ index: "coffee" });
    expect(lines[1]).toMatchObject({ size: 10, query: { multi_match: { query: "espresso" } } });
    expect(lines[3]).toMatchObject({ query: { multi_match: { query: "tea" } } });
  });

  it("mapping: vector search sends the embedder's query vector in knn", async () => {
    const backend = await backendAnswering([coffeeWithVectors, on("POST", "/_msearch", { body: fixtures.msearchOf(fixtures.knnItem) })], {
      embedder,
    });
    const [hits] = await backend.search(target, [{ text: "mocha" }], { mode: "vector", k: 3 });
    // Elasticsearch's cosine score is (1 + cosine) / 2; hits carry the cosine.
    expect(hits!.map((hit) => hit.id)).toEqual(["d5", "d2", "d9"]);
    expect(hits![0]!.score).toBeCloseTo(2 * 0.99936473 - 1, 12);
    const lines = msearchLines();
    expect(lines[1]).toMatchObject({ size: 3, knn: { field: "hardneg_vector", query_vector: [5, 1], k: 3 } });
  });

  it("mapping: hybrid rrf with alpha 0.5 uses the rrf retriever", async () => {
    const backend = await backendAnswering(
      [coffeeWithVectors, on("POST", "/_msearch", { body: fixtures.msearchOf(fixtures.espressoItem) })],
      { embedder },
    );
    const [hits] = await backend.search(target, [{ text: "mocha" }], { mode: "hybrid", k: 3, alpha: 0.5, fusion: "rrf" });
    expect(hits!.map((hit) => hit.id)).toEqual(["d2", "d9"]);
    expect(msearchLines()[1]).toHaveProperty("retriever.rrf.rank_constant", 60);
  });

  it("mapping: relative-score hybrid sends a BM25 and a kNN search per request and fuses them client-side", async () => {
    const keyword = fixtures.searchItem("coffee", [
      ["a", 9],
      ["b", 1],
    ]);
    const vector = fixtures.searchItem("coffee", [
      ["b", 0.9],
      ["c", 0.5],
    ]);
    const backend = await backendAnswering([coffeeWithVectors, on("POST", "/_msearch", { body: fixtures.msearchOf(keyword, vector) })], {
      embedder,
    });
    const [hits] = await backend.search(target, [{ text: "mocha" }], { mode: "hybrid", k: 3, alpha: 0.75, fusion: "relative-score" });
    // b: 0.75 · 1 + 0.25 · 0 = 0.75; a: 0.25 · 1 = 0.25; c: 0.75 · 0 = 0.
    expect(hits).toEqual([
      { id: "b", score: 0.75, rank: 1 },
      { id: "a", score: 0.25, rank: 2 },
      { id: "c", score: 0, rank: 3 },
    ]);
    const lines = msearchLines();
    expect(lines).toHaveLength(4);
    expect(lines[1]).toHaveProperty("query.multi_match");
    expect(lines[3]).toHaveProperty("knn.query_vector", [5, 1]);
  });

  it("mapping: a cluster that refuses the rrf retriever (licence 403, or 400 without the module) gets client-side fusion", async () => {
    // Documented: a licence refusal as an item of the _msearch answer.
    const licence = {
      error: { root_cause: [], type: "security_exception", reason: "current license is non-compliant for [Reciprocal Rank Fusion (RRF)]" },
      status: 403,
    };
    const refusals = [
      { name: "licence", refusal: on("POST", "/_msearch", { body: fixtures.msearchOf(licence) }) },
      // Recorded from Elasticsearch 8.19.21: the whole _msearch is refused with HTTP 400.
      { name: "unknown retriever", refusal: on("POST", "/_msearch", { status: 400, body: fixtures.rrfRetrieverUnknown }) },
    ];
    for (const { name, refusal } of refusals) {
      const answer = fixtures.searchItem("coffee", [["a", 2]]);
      const backend = await backendAnswering(
        [coffeeWithVectors, times(1, refusal), on("POST", "/_msearch", { body: fixtures.msearchOf(answer, answer) })],
        { embedder },
      );
      const [hits] = await backend.search(target, [{ text: "mocha" }], { mode: "hybrid", k: 3, alpha: 0.5, fusion: "rrf" });
      expect(
        hits!.map((hit) => hit.id),
        name,
      ).toEqual(["a"]);
      expect(
        server!.requests.filter((request) => request.path.startsWith("/_msearch")),
        name,
      ).toHaveLength(2);
      expect(msearchLines(1), name).toHaveLength(4);
      await server!.close();
      server = undefined;
    }
  });

  it("mapping: precomputed document vectors are read from a property; requests must then carry vectors", async () => {
    const backend = await backendAnswering(
      [
        on("GET", "/coffee/_mapping", { body: fixtures.mappingWithVectors("property:vector", 2) }),
        on("POST", "/_bulk", { body: fixtures.bulkAllCreated(["d1"]) }),
      ],
      { documentVectors: { property: "vector", dimension: 2 } },
    );
    expect(backend.capabilities().modes).toEqual(["bm25", "vector", "hybrid"]);
    await backend.upsert("coffee", [{ id: "d1", properties: { doc_id: "d1", text: "x", vector: [0.5, 0.5] } }]);
    expect((server!.requests.find((request) => request.path.startsWith("/_bulk"))!.body as unknown[])[1]).toEqual({
      doc_id: "d1",
      text: "x",
      vector: [0.5, 0.5],
      hardneg_vector: [0.5, 0.5],
    });
    expect(
      (await expectHardnegRejection(backend.upsert("coffee", [{ id: "d2", properties: { doc_id: "d2", text: "x", vector: [1] } }]))).code,
    ).toBe("BAD_INPUT");
    expect((await expectHardnegRejection(backend.search(target, [{ text: "x" }], { mode: "vector", k: 1 }))).code).toBe("BAD_INPUT");
  });

  it("mapping: vectors written into an index created without them add the vector field and record their embedder first", async () => {
    const backend = await backendAnswering(
      [
        on("GET", "/coffee/_mapping", { body: fixtures.mappingWithSpec }),
        on("PUT", "/coffee/_mapping", { body: fixtures.acknowledged }),
        on("POST", "/_bulk", { body: fixtures.bulkAllCreated(["d1"]) }),
      ],
      { embedder },
    );
    await backend.upsert("coffee", [{ id: "d1", properties: { doc_id: "d1", text: "x" } }]);
    const paths = server!.requests.map((request) => `${request.method} ${request.path.split("?")[0]}`);
    expect(paths).toEqual(["GET /coffee/_mapping", "PUT /coffee/_mapping", "POST /_bulk"]);
    expect(server!.requests[1]!.body).toEqual({
      _meta: {
        hardneg: {
          name: "coffee",
          kind: "documents",
          target: { idKey: "doc_id", contentKey: "text" },
          vectors: { embedderId: "test:length", dimension: 2 },
        },
      },
      properties: { hardneg_vector: { type: "dense_vector", dims: 2, index: true, similarity: "cosine", index_options: { type: "hnsw" } } },
    });
  });

  it("mapping: vector search on an index without vectors, or with another embedder's, is refused before searching", async () => {
    const plain = await backendAnswering([on("GET", "/coffee/_mapping", { body: fixtures.mappingWithSpec })], { embedder });
    expect((await expectHardnegRejection(plain.search(target, [{ text: "x" }], { mode: "vector", k: 3 }))).message).toContain(
      "holds no document vectors",
    );
    await server!.close();
    const other = await backendAnswering([on("GET", "/coffee/_mapping", { body: fixtures.mappingWithVectors("onnx:another-model", 2) })], {
      embedder,
    });
    const error = await expectHardnegRejection(other.search(target, [{ text: "x" }], { mode: "hybrid", k: 3, alpha: 0.5, fusion: "rrf" }));
    expect([error.code, error.message]).toEqual(["BAD_OPTION", expect.stringContaining('come from "onnx:another-model"')]);
    expect(server!.requests.some((request) => request.path.startsWith("/_msearch"))).toBe(false);
  });

  it("mapping: without an embedder only bm25 is offered and vector search is refused clearly", async () => {
    const backend = await backendAnswering([]);
    expect(backend.capabilities().modes).toEqual(["bm25"]);
    expect((await expectHardnegRejection(backend.search(target, [{ text: "x" }], { mode: "vector", k: 3 }))).code).toBe(
      "UNSUPPORTED_CAPABILITY",
    );
    expect((await expectHardnegRejection(backend.search(target, [{ text: "  " }], { mode: "bm25", k: 3 }))).code).toBe("BAD_INPUT");
    expect(server!.requests).toEqual([]);
  });

  it(
    "mapping: core refuses what the engine cannot serve before any request: " + "hybrid scores, k above 10 000, an uppercase index",
    async () => {
      const backend = await backendAnswering([], { embedder });
      expect(backend.capabilities()).toMatchObject({
        modes: ["bm25", "vector", "hybrid"],
        scoreDocumentsModes: ["bm25", "vector"],
        maxK: 10_000,
      });
      const hybrid = { mode: "hybrid", k: 5, alpha: 0.5, fusion: "rrf" } as const;
      expect((await expectHardnegRejection(backend.scoreDocuments(target, { text: "x" }, ["d1"], hybrid))).code).toBe(
        "UNSUPPORTED_CAPABILITY",
      );
      const tooMany = await expectHardnegRejection(backend.search(target, [{ text: "x" }], { mode: "bm25", k: 10_001 }));
      expect(tooMany.message).toContain("above this engine's maximum of 10000");
      const uppercase = await expectHardnegRejection(
        backend.search({ ...target, collection: "Coffee" }, [{ text: "x" }], { mode: "vector", k: 3 }),
      );
      expect([uppercase.code, uppercase.location.option]).toEqual(["BAD_OPTION", "collection"]);
      expect(uppercase.message).toContain("must be lowercase");
      expect((await expectHardnegRejection(backend.upsert("Runs", [{ id: "r1", properties: {} }]))).message).toContain("must be lowercase");
      expect(server!.requests).toEqual([]);
    },
  );

  it("mapping: gold documents are fetched with one terms query, missing ids simply absent", async () => {
    const backend = await backendAnswering([on("POST", "/_msearch", { body: fixtures.msearchDocumentsById })]);
    const documents = await backend.getDocuments(target, ["d2", "d5", "d404", "d2"]);
    expect([...documents.keys()].sort()).toEqual(["d2", "d5"]);
    expect(documents.get("d2")).toEqual({
      id: "d2",
      text: "Espresso is brewed under pressure.",
      title: "Espresso",
      fields: { lang: "en" },
    });
    const lines = server!.requests[0]!.body as Record<string, unknown>[];
    expect(lines[1]).toMatchObject({ query: { terms: { doc_id: ["d2", "d5", "d404"] } } });
  });
});

describe("mapping (wire fixtures, local HTTP server): store", () => {
  it("mapping: iterate opens a point in time, pages with search_after, and closes it", async () => {
    const pages = [fixtures.pointInTimePage(["r1", "r2"], 0), fixtures.pointInTimePage(["r3"], 2)];
    const backend = await backendAnswering([
      on("POST", "/runs/_pit", { body: fixtures.pointInTimeOpened }),
      on("POST", "/_search", () => ({ body: pages.shift() })),
      on("DELETE", "/_pit", { body: fixtures.pointInTimeClosed }),
    ]);
    const batches: string[][] = [];
    for await (const batch of backend.iterate("runs", { batchSize: 2 })) batches.push(batch.map((record) => record.id));
    expect(batches).toEqual([["r1", "r2"], ["r3"]]);
    const searches = server!.requests.filter((request) => request.path.startsWith("/_search"));
    expect(searches[0]!.body).not.toHaveProperty("search_after");
    expect(searches[1]!.body).toMatchObject({
      size: 2,
      search_after: [1],
      sort: [{ _shard_doc: "asc" }],
      pit: { id: fixtures.pointInTimeOpened.id },
    });
    expect(server!.requests.at(-1)).toMatchObject({ method: "DELETE", path: "/_pit", body: { id: fixtures.pointInTimeOpened.id } });
  });

  it("mapping: upsert resends only the items refused with 429, with vectors for documents", async () => {
    const backend = await backendAnswering(
      [
        coffeeWithVectors,
        times(1, on("POST", "/_bulk", { body: fixtures.bulkPartialFailure })),
        on("POST", "/_bulk", { body: fixtures.bulkAllCreated(["d2"]) }),
      ],
      { embedder },
    );
    await backend.upsert(
      "coffee",
      ["d1", "d2", "d3"].map((id) => ({ id, properties: { doc_id: id, text: `text ${id}` } })),
    );
    const bulks = server!.requests.filter((request) => request.path.startsWith("/_bulk"));
    expect(bulks).toHaveLength(2);
    expect(bulks[0]!.path).toContain("refresh=false");
    expect(bulks[0]!.body as unknown[]).toHaveLength(6);
    expect(bulks[0]!.body as unknown[]).toContainEqual({ doc_id: "d1", text: "text d1", hardneg_vector: [7, 2] });
    expect(bulks[1]!.body).toEqual([{ index: { _index: "coffee", _id: "d2" } }, { doc_id: "d2", text: "text d2", hardneg_vector: [7, 2] }]);
  });

  it(
    "mapping: writes do not wait for a refresh; " + "the first read of a written index refreshes it once, and close refreshes what is left",
    async () => {
      const backend = await backendAnswering([
        on("GET", /^\/(coffee|runs)\/_mapping/, { body: fixtures.mappingWithSpec }),
        on("POST", "/_bulk", { body: fixtures.bulkAllCreated(["d1"]) }),
        on("*", /^\/(coffee|runs)\/_refresh/, { body: fixtures.refreshed }),
        on("*", "/coffee/_count", { body: fixtures.countThree }),
      ]);
      await backend.upsert("coffee", [{ id: "d1", properties: { doc_id: "d1", text: "x" } }]);
      await backend.upsert("runs", [{ id: "r1", properties: { done: true } }]);
      await backend.count("coffee");
      await backend.count("coffee");
      await backend.close!(); // core's engine always has close (EngineOf types it optional, as Store does)
      const paths = server!.requests
        .map((request) => `${request.method} ${request.path.split("?")[0]}`)
        .filter((path) => !path.includes("_mapping"));
      expect(paths).toEqual([
        "POST /_bulk",
        "POST /_bulk",
        "GET /coffee/_refresh",
        "GET /coffee/_count",
        "GET /coffee/_count",
        "GET /runs/_refresh",
      ]);
    },
  );

  it("mapping: a bulk item refused for its content fails the upsert naming the record and reason", async () => {
    const backend = await backendAnswering([
      on("GET", "/coffee/_mapping", { body: fixtures.mappingWithSpec }),
      on("POST", "/_bulk", { body: fixtures.bulkMappingFailure }),
    ]);
    const error = await expectHardnegRejection(backend.upsert("coffee", [{ id: "d1", properties: { doc_id: "d1", text: "x" } }]));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.message).toContain('"d1": document_parsing_exception');
    expect(server!.requests.filter((request) => request.path.startsWith("/_bulk"))).toHaveLength(1);
  });

  it("mapping: getRecords uses _mget and leaves out documents not found", async () => {
    const backend = await backendAnswering([on("POST", "/runs/_mget", { body: fixtures.mgetOneMissing })]);
    const records = await backend.getRecords("runs", ["r1", "r404"]);
    expect([...records.values()]).toEqual([{ id: "r1", properties: { type: "run", n: 1 } }]);
    expect(server!.requests[0]!.body).toEqual({ ids: ["r1", "r404"] });
  });

  it(
    "mapping: listCollections is one get-mapping over open, non-hidden indices, filtered to _meta; " +
      "only indices holding hardneg's spec are listed",
    async () => {
      const backend = await backendAnswering([on("GET", "/*/_mapping", { body: fixtures.allMappingsMeta })]);
      expect((await backend.listCollections()).sort(), "hardneg's indices, not the user's logs").toEqual(["coffee", "hardneg_runs"]);
      expect(server!.requests, "one request").toHaveLength(1);
      const url = new URL(server!.requests[0]!.path, "http://x");
      expect(url.searchParams.get("expand_wildcards"), "open indices only: hidden (system) and closed ones left out").toBe("open");
      expect(url.searchParams.get("filter_path"), "only the _meta of each index travels").toBe("*.mappings._meta");
      // The specs read are kept: describing a listed collection sends nothing more.
      expect(await backend.describeCollection("coffee"), "the listed spec").toMatchObject({ kind: "documents" });
      expect(server!.requests, "no request after listing").toHaveLength(1);
    },
  );

  it("mapping: listCollections of a cluster without indices (an empty filtered answer) is empty", async () => {
    const backend = await backendAnswering([on("GET", "/*/_mapping", { body: {} })]);
    expect(await backend.listCollections(), "no collections").toEqual([]);
  });

  it("mapping: getRecords on a missing index (answered 200 by _mget) is MissingCollectionError", async () => {
    const backend = await backendAnswering([on("POST", "/gone/_mget", { body: fixtures.mgetIndexMissing })]);
    const error = await expectHardnegRejection(backend.getRecords("gone", ["a"]));
    expect(error.code, "a missing index, not an empty answer").toBe("MISSING_COLLECTION");
    expect(error.message, "names the collection").toContain('collection "gone"');
  });

  it(
    "mapping: createCollection puts the index with mappings; describe, " + "count and exists (core's, from describe) read the answers",
    async () => {
      const backend = await backendAnswering([
        times(1, on("GET", "/fresh/_mapping", { status: 404, body: fixtures.indexNotFound })),
        on("PUT", "/fresh", { body: fixtures.indexCreated("fresh") }),
        on("GET", "/coffee/_mapping", { body: fixtures.mappingWithSpec }),
        on("*", "/coffee/_count", { body: fixtures.countThree }),
        on("GET", "/missing/_mapping", { status: 404, body: fixtures.indexNotFound }),
      ]);
      await backend.createCollection({
        name: "fresh",
        kind: "queries",
        queryKeys: { idKey: "query_id", queryContentKey: "text", goldIdsKey: "gold_ids", gradesKey: "gold_grades" },
      });
      const put = server!.requests.find((request) => request.method === "PUT")!;
      expect(put.body).toMatchObject({
        mappings: { dynamic: false, _meta: { hardneg: { kind: "queries" } }, properties: { gold_ids: { type: "keyword" } } },
      });
      expect(await backend.describeCollection("coffee")).toEqual({
        name: "coffee",
        kind: "documents",
        target: { idKey: "doc_id", contentKey: "text" },
      });
      expect(await backend.count("coffee")).toBe(3);
      expect(await backend.hasCollection("coffee")).toBe(true);
      expect(await backend.hasCollection("missing")).toBe(false);
    },
  );

  it(
    "mapping: an existing index is kept for the same kind and refused for another; " + "one without hardneg metadata reads as records",
    async () => {
      const foreign = { logs: { mappings: { properties: { message: { type: "text" } } } } };
      const backend = await backendAnswering([on("GET", "/logs/_mapping", { body: foreign })]);
      await backend.createCollection({ name: "logs", kind: "records" });
      const error = await expectHardnegRejection(backend.createCollection({ name: "logs", kind: "queries" }));
      expect([error.code, error.location.option]).toEqual(["BAD_OPTION", "collection"]);
      expect(error.message).toContain('"logs" already exists as a records collection, not queries');
      expect(server!.requests.map((request) => request.method)).toEqual(["GET"]);
    },
  );

  it("mapping: a create refused because another writer just created the index succeeds when that one has the same kind", async () => {
    const backend = await backendAnswering([
      times(1, on("GET", "/fresh/_mapping", { status: 404, body: fixtures.indexNotFound })),
      on("PUT", "/fresh", { status: 400, body: fixtures.indexAlreadyExists }),
      on("GET", "/fresh/_mapping", { body: fixtures.freshRecordsMapping }),
    ]);
    await backend.createCollection({ name: "fresh", kind: "records" });
    const sent = server!.requests.map((request) => `${request.method} ${request.path.split("?")[0]}`);
    expect(sent).toEqual(["GET /fresh/_mapping", "PUT /fresh", "GET /fresh/_mapping"]);
  });
});

describe("mapping (wire fixtures, local HTTP server): document indexes", () => {
  const documents: CollectionSpec = {
    name: "fresh",
    kind: "documents",
    target: { idKey: "doc_id", contentKey: "text", titleKey: "title" },
  };
  const createRoutes = (analyze: Route) => [
    times(1, on("GET", "/fresh/_mapping", { status: 404, body: fixtures.indexNotFound })),
    analyze,
    on("PUT", "/fresh", { body: fixtures.indexCreated("fresh") }),
  ];
  const putBody = () =>
    server!.requests.find((request) => request.method === "PUT")!.body as {
      mappings: { properties: Record<string, unknown> };
      settings?: unknown;
    };

  it(
    "mapping: the dense_vector has the dimension of core's Embedder " +
      "(its `dimension`), and the english analyzer when the cluster has it",
    async () => {
      const backend = await backendAnswering(createRoutes(on("POST", "/_analyze", { body: { tokens: [] } })), { embedder });
      await backend.createCollection(documents);
      const { mappings, settings } = putBody();
      expect(mappings.properties.hardneg_vector).toEqual({
        type: "dense_vector",
        dims: 2,
        index: true,
        similarity: "cosine",
        index_options: { type: "hnsw" },
      });
      expect(mappings.properties.text).toEqual({ type: "text", analyzer: "english" });
      expect(mappings.properties.title).toEqual({ type: "text", analyzer: "english" });
      expect(settings).toBeUndefined();
      expect(backend.embedderId).toBe("test:length");
    },
  );

  it("mapping: an embedder that does not know its dimension yet (a model not loaded) is asked for one vector first", async () => {
    let probes = 0;
    const loading: Embedder = {
      ...embedder,
      dimension: 0,
      embedDocuments: async (texts) => {
        probes++;
        return texts.map(() => new Float32Array(5));
      },
    };
    const backend = await backendAnswering(createRoutes(on("POST", "/_analyze", { body: { tokens: [] } })), { embedder: loading });
    await backend.createCollection(documents);
    expect(putBody().mappings.properties.hardneg_vector).toMatchObject({ dims: 5 });
    expect(probes).toBe(1);
  });

  it("mapping: a cluster without the english analyzer gets the standard tokenizer with English stop words", async () => {
    const missing = { error: { type: "illegal_argument_exception", reason: "failed to find global analyzer [english]" }, status: 400 };
    const backend = await backendAnswering(createRoutes(on("POST", "/_analyze", { status: 400, body: missing })));
    await backend.createCollection(documents);
    const { mappings, settings } = putBody();
    expect(mappings.properties.text).toEqual({ type: "text", analyzer: "hardneg_english_unstemmed" });
    expect(settings).toEqual({
      analysis: {
        filter: { hardneg_english_stop: { type: "stop", stopwords: "_english_" } },
        analyzer: { hardneg_english_unstemmed: { type: "custom", tokenizer: "standard", filter: ["lowercase", "hardneg_english_stop"] } },
      },
    });
    expect(mappings.properties).not.toHaveProperty("hardneg_vector");
  });

  it("mapping: an analyzer given in the options is used as it is, without asking the cluster", async () => {
    const backend = await backendAnswering(createRoutes(on("POST", "/_analyze", { status: 500, body: fixtures.unavailable })), {
      analyzer: "standard",
    });
    await backend.createCollection(documents);
    expect(putBody().mappings.properties.text).toEqual({ type: "text", analyzer: "standard" });
    expect(server!.requests.some((request) => request.path.startsWith("/_analyze"))).toBe(false);
  });
});

describe("mapping (wire fixtures, local HTTP server): errors", () => {
  it("mapping: 401 and 403 become AuthError, not retried", async () => {
    const backend = await backendAnswering([
      on("*", "/coffee/_count", { status: 401, body: fixtures.unauthenticated }),
      on("*", "/other/_count", { status: 403, body: fixtures.forbidden }),
    ]);
    expect((await expectHardnegRejection(backend.count("coffee"))).code).toBe("AUTH");
    expect((await expectHardnegRejection(backend.count("other"))).code).toBe("AUTH");
    expect(server!.requests).toHaveLength(2);
  });

  it("mapping: a missing index becomes MissingCollectionError naming it", async () => {
    const backend = await backendAnswering([on("POST", "/_msearch", { body: fixtures.msearchIndexMissing })]);
    const error = await expectHardnegRejection(
      backend.search({ ...target, collection: "missing" }, [{ text: "x" }], { mode: "bm25", k: 1 }),
    );
    expect(error.code).toBe("MISSING_COLLECTION");
    expect(error.message).toContain('collection "missing"');
  });

  it("mapping: 503 is retried, then reported as ConnectionError with the cause kept", async () => {
    const backend = await backendAnswering([on("*", "/coffee/_count", { status: 503, body: fixtures.unavailable })]);
    const error = await expectHardnegRejection(backend.count("coffee"));
    expect(error.code).toBe("CONNECTION");
    expect(error.cause).toBeDefined();
    expect(server!.requests).toHaveLength(3);
  });

  it("mapping: a 429 sub-search is retried and the retry's answer is used", async () => {
    const backend = await backendAnswering([
      times(1, on("POST", "/_msearch", { body: fixtures.msearchOneRejected })),
      on("POST", "/_msearch", { body: fixtures.msearchOf(fixtures.espressoItem) }),
    ]);
    const hits = await backend.search(target, [{ text: "espresso" }], { mode: "bm25", k: 5 });
    expect(hits[0]!.map((hit) => hit.id)).toEqual(["d2", "d9"]);
    expect(server!.requests).toHaveLength(2);
  });

  it('mapping: a cluster that does not answer at all becomes ConnectionError naming the socket error, not "HTTP 0"', async () => {
    const closed = await startFixtureServer([]);
    const url = closed.url;
    await closed.close();
    const backend = await openElasticBackend(url, { retry: fastRetries });
    const error = await expectHardnegRejection(backend.count("coffee"));
    expect(error.code).toBe("CONNECTION");
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.message).not.toContain("HTTP 0");
  });

  it("mapping: the API key comes from ELASTICSEARCH_API_KEY and never appears in error messages", async () => {
    vi.stubEnv("ELASTICSEARCH_API_KEY", "c2VjcmV0LWtleQ==");
    const backend = await backendAnswering([on("*", "/coffee/_count", { status: 401, body: fixtures.unauthenticated })]);
    const error = await expectHardnegRejection(backend.count("coffee"));
    expect(server!.requests[0]!.headers.authorization).toBe("ApiKey c2VjcmV0LWtleQ==");
    expect(error.message).not.toContain("c2VjcmV0LWtleQ==");
    expect(error.message).toContain("ELASTICSEARCH_API_KEY");
  });
});
