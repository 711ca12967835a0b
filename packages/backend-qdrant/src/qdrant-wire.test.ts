/**
 * Mapping (wire fixtures, local HTTP server): the real @qdrant/js-client-rest client, driven by
 * this adapter, talks to a server on 127.0.0.1 that answers with documented Qdrant response
 * bodies (__fixtures__/qdrant-responses.ts) and records what was sent. This checks paths,
 * bodies, headers and error handling end to end — but it is not Qdrant.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { uuidV5, type DocumentTarget, type Embedder } from "@hardneg/core";
import { openQdrantBackend, type QdrantBackendOptions } from "./qdrant-backend.js";
import { termIndex, type SparseVector } from "./bm25-sparse-vectors.js";
import { expectHardnegRejection, on, startFixtureServer, times, type FixtureServer, type Route } from "@hardneg/core/testkit";
import * as fixtures from "./__fixtures__/qdrant-responses.js";

const target: DocumentTarget = { collection: "coffee", idKey: "doc_id", contentKey: "text", titleKey: "title" };
const fastRetries: QdrantBackendOptions["retry"] = { retries: 2, baseDelayMs: 1, maxDelayMs: 2 };
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

async function backendAnswering(routes: Route[], options: QdrantBackendOptions = {}) {
  server = await startFixtureServer(routes);
  return openQdrantBackend(server.url, { retry: fastRetries, ...options });
}

const bodyOf = (index: number) => server!.requests[index]!.body as Record<string, unknown>;
/** The body of the `n`th query batch call. */
const batchBody = (n: number) =>
  server!.requests.filter((request) => request.path.includes("/points/query/batch"))[n]!.body as Record<string, unknown>;
/** The collection of the search tests, created with `embedder`. */
const coffeeWithVectors = on("GET", "/collections/coffee", { body: fixtures.collectionInfoWithVectors("test:length", 2) });

describe("mapping (wire fixtures, local HTTP server): search", () => {
  it("mapping: a bm25 batch is one query/batch call with sparse queries; stop-word-only queries are not sent", async () => {
    const backend = await backendAnswering([
      on("GET", "/collections/coffee", { body: fixtures.collectionInfoWithoutVectors }),
      on("POST", "/collections/coffee/points/query/batch", { body: fixtures.queryBatchTwoSearches }),
    ]);
    const hits = await backend.search(target, [{ text: "espresso pressure" }, { text: "the and of" }, { text: "milk" }], {
      mode: "bm25",
      k: 10,
    });
    expect(hits[0]).toEqual([
      { id: "d2", score: 11.5, rank: 1 },
      { id: "d7", score: 4.25, rank: 2 },
    ]);
    expect(hits[1]).toEqual([]);
    expect(hits[2]).toEqual([{ id: "d1", score: 0.87, rank: 1 }]);
    expect(
      server!.requests.map((request) => `${request.method} ${request.path}`),
      "the collection's spec (its language) is read once, then one batch",
    ).toEqual(["GET /collections/coffee", "POST /collections/coffee/points/query/batch"]);
    const searches = batchBody(0).searches as Array<Record<string, unknown>>;
    expect(searches).toHaveLength(2);
    // Terms as backend-local analyses them: Porter stems "pressure" to "pressur".
    expect(searches[0]).toEqual({
      query: { indices: [termIndex("espresso"), termIndex("pressur")].sort((a, b) => a - b), values: [1, 1] },
      using: "bm25",
      limit: 10,
      with_payload: ["doc_id", "hardneg_id"],
    });
  });

  it("mapping: vector and rrf hybrid queries carry the embedder's vector; hybrid prefetches both and fuses on the server", async () => {
    const backend = await backendAnswering(
      [coffeeWithVectors, on("POST", "/collections/coffee/points/query/batch", { body: fixtures.queryBatchOf([[["d2", 0.9]]]) })],
      { embedder },
    );
    await backend.search(target, [{ text: "mocha" }], { mode: "vector", k: 3 });
    expect((batchBody(0).searches as unknown[])[0]).toMatchObject({ query: [5, 1], using: "dense", limit: 3 });
    await backend.search(target, [{ text: "mocha" }], { mode: "hybrid", k: 3, alpha: 0.7, fusion: "rrf" });
    const hybrid = (batchBody(1).searches as Array<Record<string, unknown>>)[0]!;
    expect(hybrid.query).toEqual({ rrf: { weights: [0.30000000000000004, 0.7] } });
    expect(hybrid.prefetch).toHaveLength(2);
  });

  it("mapping: relative-score hybrid asks for a BM25 and a dense list in one batch and fuses them client-side", async () => {
    const backend = await backendAnswering(
      [
        coffeeWithVectors,
        on("POST", "/collections/coffee/points/query/batch", {
          body: fixtures.queryBatchOf([
            [
              ["a", 9],
              ["b", 1],
            ],
            [
              ["b", 0.9],
              ["c", 0.5],
            ],
          ]),
        }),
      ],
      { embedder },
    );
    const [hits] = await backend.search(target, [{ text: "mocha" }], { mode: "hybrid", k: 3, alpha: 0.75, fusion: "relative-score" });
    // b: 0.75 · 1 + 0.25 · 0 = 0.75; a: 0.25 · 1 = 0.25; c: 0.75 · 0 = 0.
    expect(hits).toEqual([
      { id: "b", score: 0.75, rank: 1 },
      { id: "a", score: 0.25, rank: 2 },
      { id: "c", score: 0, rank: 3 },
    ]);
    const searches = batchBody(0).searches as Array<Record<string, unknown>>;
    expect(searches.map((search) => search.using)).toEqual(["bm25", "dense"]);
  });

  it("mapping: precomputed document vectors are read from a property; requests must then carry vectors", async () => {
    const backend = await backendAnswering(
      [
        on("GET", "/collections/coffee", { body: fixtures.collectionInfoWithVectors("property:vector", 2) }),
        on("PUT", "/collections/coffee/points", { body: fixtures.upsertCompleted }),
      ],
      { documentVectors: { property: "vector", dimension: 2 } },
    );
    expect(backend.capabilities().modes).toEqual(["bm25", "vector", "hybrid"]);
    await backend.upsert("coffee", [{ id: "d1", properties: { doc_id: "d1", text: "x", vector: [0.5, 0.5] } }]);
    expect((bodyOf(1).points as Array<Record<string, unknown>>)[0]!.vector).toMatchObject({ dense: [0.5, 0.5] });
    expect(
      (await expectHardnegRejection(backend.upsert("coffee", [{ id: "d2", properties: { doc_id: "d2", text: "x", vector: "no" } }]))).code,
    ).toBe("BAD_INPUT");
    expect((await expectHardnegRejection(backend.search(target, [{ text: "x" }], { mode: "vector", k: 1 }))).code).toBe("BAD_INPUT");
  });

  it("mapping: gold documents come from one filtered scroll on the id property", async () => {
    const backend = await backendAnswering([on("POST", "/collections/coffee/points/scroll", { body: fixtures.scrollDocuments })]);
    const documents = await backend.getDocuments(target, ["d2", "d5", "d404"]);
    expect([...documents.keys()].sort()).toEqual(["d2", "d5"]);
    expect(documents.get("d5")).toEqual({ id: "d5", text: "Cold brew steeps for hours." });
    expect(bodyOf(0)).toEqual({
      limit: 3,
      with_payload: true,
      with_vector: false,
      filter: { must: [{ key: "doc_id", match: { any: ["d2", "d5", "d404"] } }] },
    });
  });

  it("mapping: scoreDocuments gives matching golds their BM25 score and existing non-matching ones 0", async () => {
    const backend = await backendAnswering([
      on("GET", "/collections/coffee", { body: fixtures.collectionInfoWithoutVectors }),
      on("POST", "/collections/coffee/points/query/batch", { body: fixtures.queryBatchOf([[["d2", 6.5]]]) }),
      on("POST", "/collections/coffee/points/scroll", { body: fixtures.scrollDocuments }),
    ]);
    const scores = await backend.scoreDocuments(target, { text: "espresso" }, ["d2", "d5", "d404"], { mode: "bm25", k: 10 });
    expect(Object.fromEntries(scores)).toEqual({ d2: 6.5, d5: 0 });
    expect((batchBody(0).searches as Array<Record<string, unknown>>)[0]!.filter).toEqual({
      must: [{ key: "doc_id", match: { any: ["d2", "d5", "d404"] } }],
    });
  });
});

describe("mapping (wire fixtures, local HTTP server): store", () => {
  it("mapping: iterate scrolls with next_page_offset until it is null", async () => {
    const pages = [fixtures.scrollPage(["r1", "r2"], uuidV5("r3")), fixtures.scrollPage(["r3"], null)];
    const backend = await backendAnswering([on("POST", "/collections/runs/points/scroll", () => ({ body: pages.shift() }))]);
    const batches: string[][] = [];
    for await (const batch of backend.iterate("runs", { batchSize: 2 })) batches.push(batch.map((record) => record.id));
    expect(batches).toEqual([["r1", "r2"], ["r3"]]);
    expect(bodyOf(0)).toEqual({ limit: 2, with_payload: true, with_vector: false });
    expect(bodyOf(1)).toEqual({ limit: 2, with_payload: true, with_vector: false, offset: uuidV5("r3") });
  });

  it("mapping: a collection recorded as German is written and searched with German terms (Snowball, German stop words)", async () => {
    const german = fixtures.collectionInfoOf(
      { vectors: {}, sparse_vectors: { bm25: { modifier: "idf" } } },
      { hardneg: { name: "coffee", kind: "documents", target: { idKey: "doc_id", contentKey: "text" }, language: "de" } },
    );
    const backend = await backendAnswering([
      on("GET", "/collections/coffee", { body: german }),
      on("PUT", "/collections/coffee/points", { body: fixtures.upsertCompleted }),
      on("POST", "/collections/coffee/points/query/batch", { body: fixtures.queryBatchOf([[["d1", 2]]]) }),
    ]);
    await backend.upsert("coffee", [{ id: "d1", properties: { doc_id: "d1", text: "Die Bremsen" } }]);
    await backend.search(target, [{ text: "Bremse" }], { mode: "bm25", k: 5 });
    const upsert = server!.requests.find((request) => request.method === "PUT")!.body as {
      points: Array<{ vector: { bm25: SparseVector } }>;
    };
    // "die" is a German stop word; "Bremsen" and "Bremse" both stem to "brems".
    expect(upsert.points[0]!.vector.bm25.indices).toEqual([termIndex("brems")]);
    expect((batchBody(0).searches as Array<{ query: SparseVector }>)[0]!.query.indices).toEqual([termIndex("brems")]);
  });

  it("mapping: upsert waits, uses UUIDv5 ids and sends sparse and dense vectors for documents", async () => {
    const backend = await backendAnswering(
      [
        on("GET", "/collections/coffee", { body: fixtures.collectionInfo }),
        on("PUT", "/collections/coffee/points", { body: fixtures.upsertCompleted }),
      ],
      { embedder, pointsPerUpsert: 2 },
    );
    await backend.upsert(
      "coffee",
      ["d1", "d2", "d3"].map((id) => ({ id, properties: { doc_id: id, text: `latte ${id}` } })),
    );
    const upserts = server!.requests.filter((request) => request.method === "PUT");
    expect(upserts).toHaveLength(2);
    expect(upserts[0]!.path).toContain("wait=true");
    const point = (upserts[0]!.body as { points: Array<Record<string, unknown>> }).points[0]!;
    expect(point.id).toBe(uuidV5("d1"));
    expect(point.payload).toEqual({ doc_id: "d1", text: "latte d1", hardneg_id: "d1" });
    expect(point.vector).toMatchObject({ dense: [8, 2], bm25: { indices: expect.any(Array), values: expect.any(Array) } });
  });

  it("mapping: a repeated id within one upsert keeps its last record", async () => {
    const backend = await backendAnswering([
      on("GET", "/collections/runs", { body: fixtures.payloadCollectionInfo({ hardneg: { name: "runs", kind: "records" } }) }),
      on("PUT", "/collections/runs/points", { body: fixtures.upsertCompleted }),
    ]);
    await backend.upsert("runs", [
      { id: "r1", properties: { version: "a" } },
      { id: "r2", properties: {} },
      { id: "r1", properties: { version: "b", missing: null } },
    ]);
    const points = (server!.requests.at(-1)!.body as { points: Array<Record<string, unknown>> }).points;
    expect(points.map((point) => point.payload)).toEqual([{ version: "b", missing: null, hardneg_id: "r1" }, { hardneg_id: "r2" }]);
    expect(points[0]!.vector).toEqual({});
  });

  it("mapping: a refused upsert fails with Qdrant's reason, not retried", async () => {
    const backend = await backendAnswering(
      [
        // Created with a 384-dimensional model; the 2-dimensional vectors sent now do not fit.
        on("GET", "/collections/coffee", { body: fixtures.collectionInfoWithVectors("onnx:all-MiniLM-L6-v2", 384) }),
        on("PUT", "/collections/coffee/points", { status: 400, body: fixtures.wrongDimension }),
      ],
      { embedder },
    );
    const error = await expectHardnegRejection(backend.upsert("coffee", [{ id: "d1", properties: { doc_id: "d1", text: "x" } }]));
    expect(error.code).toBe("BAD_INPUT");
    expect(error.message).toContain("Vector dimension error");
    expect(server!.requests.filter((request) => request.method === "PUT")).toHaveLength(1);
  });

  it(
    "mapping: createCollection sends vectors sized by core's Embedder (its `dimension`), " +
      "sparse vectors with idf, metadata, then a keyword index on the id",
    async () => {
      const backend = await backendAnswering(
        [
          on("GET", "/collections/fresh", { status: 404, body: fixtures.collectionMissing }),
          on("PUT", "/collections/fresh", { body: fixtures.created }),
          on("PUT", "/collections/fresh/index", { body: fixtures.indexCreated }),
        ],
        { embedder },
      );
      await backend.createCollection({ name: "fresh", kind: "documents", target: { idKey: "doc_id", contentKey: "text" } });
      const [, create, index] = server!.requests;
      expect(create!.body).toEqual({
        vectors: { dense: { size: 2, distance: "Cosine" } },
        sparse_vectors: { bm25: { modifier: "idf" } },
        metadata: {
          hardneg: {
            name: "fresh",
            kind: "documents",
            target: { idKey: "doc_id", contentKey: "text" },
            vectors: { embedderId: "test:length", dimension: 2 },
          },
        },
      });
      expect(index!.body).toEqual({ field_name: "doc_id", field_schema: "keyword" });
      expect(index!.path).toContain("wait=true");
      expect(backend.embedderId).toBe("test:length");
    },
  );

  it("mapping: describe, count, exists (core's, from describe) and getRecords read the documented answers", async () => {
    const backend = await backendAnswering([
      // Loaded without an embedder: sparse vectors only, no vectors in the spec.
      on("GET", "/collections/coffee", { body: fixtures.collectionInfoWithoutVectors }),
      on("POST", "/collections/coffee/points/count", { body: fixtures.countThree }),
      on("GET", "/collections/missing", { status: 404, body: fixtures.collectionMissing }),
      on("POST", "/collections/runs/points", { body: fixtures.retrieveOne }),
    ]);
    expect(await backend.describeCollection("coffee")).toEqual({
      name: "coffee",
      kind: "documents",
      target: { idKey: "doc_id", contentKey: "text" },
    });
    expect(await backend.count("coffee")).toBe(3);
    expect(await backend.hasCollection("coffee")).toBe(true);
    expect(await backend.hasCollection("missing")).toBe(false);
    const records = await backend.getRecords("runs", ["r1", "r404"]);
    expect([...records.values()]).toEqual([{ id: "r1", properties: { type: "run", done: true } }]);
    expect(server!.requests.at(-1)!.body).toEqual({ ids: [uuidV5("r1"), uuidV5("r404")], with_payload: true, with_vector: false });
  });
});

describe("mapping (wire fixtures, local HTTP server): listCollections", () => {
  it(
    "mapping: listCollections reads GET /collections, then each collection's metadata; only those holding hardneg's spec are " +
      "listed (not the user's, nor one deleted meanwhile, nor a name hardneg cannot address)",
    async () => {
      const backend = await backendAnswering([
        on("GET", "/collections", { body: fixtures.collectionsList }),
        on("GET", "/collections/coffee", { body: fixtures.collectionInfoWithoutVectors }),
        on("GET", "/collections/hardneg_runs", {
          body: fixtures.payloadCollectionInfo({ hardneg: { name: "hardneg_runs", kind: "records" } }),
        }),
        on("GET", "/collections/user_vectors", { body: fixtures.payloadCollectionInfo(null) }),
        on("GET", "/collections/gone", { status: 404, body: fixtures.collectionMissing }),
      ]);
      expect((await backend.listCollections()).sort(), "hardneg's collections").toEqual(["coffee", "hardneg_runs"]);
      const paths = server!.requests.map((request) => `${request.method} ${request.path.split("?")[0]}`);
      expect(paths[0], "the names first").toBe("GET /collections");
      expect(paths.slice(1).sort(), "then each addressable collection once").toEqual([
        "GET /collections/coffee",
        "GET /collections/gone",
        "GET /collections/hardneg_runs",
        "GET /collections/user_vectors",
      ]);
      // The specs read are kept: describing a listed collection sends nothing more.
      expect(await backend.describeCollection("coffee"), "the listed spec").toMatchObject({ kind: "documents" });
      expect(server!.requests, "no request after listing").toHaveLength(5);
    },
  );

  it("mapping: listCollections of a server without collections is empty after one request", async () => {
    const backend = await backendAnswering([
      on("GET", "/collections", { body: { result: { collections: [] }, status: "ok", time: 0.0001 } }),
    ]);
    expect(await backend.listCollections(), "no collections").toEqual([]);
    expect(server!.requests, "one request").toHaveLength(1);
  });
});

describe("mapping (wire fixtures, local HTTP server): what core does before the driver", () => {
  it(
    "mapping: core refuses before any request: hybrid scores, " + "an empty query, vectors without an embedder, a name outside its rule",
    async () => {
      const backend = await backendAnswering([], { embedder });
      expect(backend.capabilities()).toEqual({
        modes: ["bm25", "vector", "hybrid"],
        scoreDocumentsModes: ["bm25", "vector"],
        maxBatchSize: 256,
      });
      const hybrid = { mode: "hybrid", k: 5, alpha: 0.5, fusion: "rrf" } as const;
      expect((await expectHardnegRejection(backend.scoreDocuments(target, { text: "x" }, ["d1"], hybrid))).code).toBe(
        "UNSUPPORTED_CAPABILITY",
      );
      expect((await expectHardnegRejection(backend.search(target, [{ text: "\t" }], { mode: "bm25", k: 5 }))).message).toContain(
        "query text is empty",
      );
      // Qdrant itself would take "coffee beans"; core's portable rule refuses it, for every engine alike.
      const name = await expectHardnegRejection(backend.count("coffee beans"));
      expect([name.code, name.location.option]).toEqual(["BAD_OPTION", "collection"]);
      const bm25Only = await openQdrantBackend(server!.url, { retry: fastRetries });
      expect((await expectHardnegRejection(bm25Only.search(target, [{ text: "x" }], { mode: "vector", k: 5 }))).code).toBe(
        "UNSUPPORTED_CAPABILITY",
      );
      expect(server!.requests).toEqual([]);
    },
  );

  it(
    "mapping: an existing collection is kept for the same kind and refused for another; " + "one without hardneg metadata reads as records",
    async () => {
      const foreign = fixtures.payloadCollectionInfo(null);
      const backend = await backendAnswering([on("GET", "/collections/products", { body: foreign })]);
      await backend.createCollection({ name: "products", kind: "records" });
      const documents = { name: "products", kind: "documents", target: { idKey: "doc_id", contentKey: "text" } } as const;
      const error = await expectHardnegRejection(backend.createCollection(documents));
      expect([error.code, error.location.option]).toEqual(["BAD_OPTION", "collection"]);
      expect(error.message).toContain('"products" already exists as a records collection, not documents');
      expect(server!.requests.map((request) => request.method)).toEqual(["GET"]);
    },
  );

  it("mapping: a create refused because another writer just created the collection succeeds when that one has the same kind", async () => {
    const theirs = fixtures.payloadCollectionInfo({ hardneg: { name: "runs", kind: "records" } });
    const backend = await backendAnswering([
      times(1, on("GET", "/collections/runs", { status: 404, body: fixtures.collectionMissing })),
      on("PUT", "/collections/runs", {
        status: 409,
        body: { status: { error: "Wrong input: Collection `runs` already exists!" }, time: 0 },
      }),
      on("GET", "/collections/runs", { body: theirs }),
    ]);
    await backend.createCollection({ name: "runs", kind: "records" });
    const sent = server!.requests.map((request) => `${request.method} ${request.path.split("?")[0]}`);
    expect(sent).toEqual(["GET /collections/runs", "PUT /collections/runs", "GET /collections/runs"]);
  });
});

describe("mapping (wire fixtures, local HTTP server): errors", () => {
  it("mapping: 401 and 403 become AuthError and are not retried", async () => {
    const backend = await backendAnswering([
      on("POST", "/collections/coffee/points/count", { status: 401, text: "Must provide an API key or an Authorization bearer token" }),
      on("POST", "/collections/other/points/count", { status: 403, body: { status: { error: "Forbidden: read-only access" } } }),
    ]);
    expect((await expectHardnegRejection(backend.count("coffee"))).code).toBe("AUTH");
    expect((await expectHardnegRejection(backend.count("other"))).code).toBe("AUTH");
    expect(server!.requests).toHaveLength(2);
  });

  it("mapping: a missing collection becomes MissingCollectionError naming it", async () => {
    const backend = await backendAnswering([
      on("GET", "/collections/missing", { status: 404, body: fixtures.collectionMissing }),
      on("POST", "/collections/missing/points/query/batch", { status: 404, body: fixtures.collectionMissing }),
    ]);
    const error = await expectHardnegRejection(
      backend.search({ ...target, collection: "missing" }, [{ text: "latte" }], { mode: "bm25", k: 1 }),
    );
    expect(error.code).toBe("MISSING_COLLECTION");
    expect(error.message).toContain('collection "missing"');
  });

  it("mapping: 503 is retried, then reported as ConnectionError with the cause kept", async () => {
    const backend = await backendAnswering([on("POST", "/collections/coffee/points/count", { status: 503, body: fixtures.unavailable })]);
    const error = await expectHardnegRejection(backend.count("coffee"));
    expect(error.code).toBe("CONNECTION");
    expect(error.cause).toBeDefined();
    expect(server!.requests).toHaveLength(3);
  });

  it("mapping: 429 with Retry-After is retried and the retry's answer used", async () => {
    const backend = await backendAnswering([
      times(
        1,
        on("POST", "/collections/coffee/points/count", {
          status: 429,
          body: { status: { error: "Too many requests" } },
          headers: { "retry-after": "0" },
        }),
      ),
      on("POST", "/collections/coffee/points/count", { body: fixtures.countThree }),
    ]);
    expect(await backend.count("coffee")).toBe(3);
    expect(server!.requests).toHaveLength(2);
  });

  it("mapping: the API key comes from QDRANT_API_KEY and never appears in error messages", async () => {
    vi.stubEnv("QDRANT_API_KEY", "qdrant-secret-key");
    const backend = await backendAnswering([
      on("POST", "/collections/coffee/points/count", { status: 401, text: "Invalid API key or JWT" }),
    ]);
    const error = await expectHardnegRejection(backend.count("coffee"));
    expect(server!.requests[0]!.headers["api-key"]).toBe("qdrant-secret-key");
    expect(error.message).not.toContain("qdrant-secret-key");
    expect(error.message).toContain("QDRANT_API_KEY");
  });
});
