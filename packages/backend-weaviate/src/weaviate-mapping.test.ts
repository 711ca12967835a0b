/**
 * Mapping tests: what this adapter asks weaviate-client v3 for and how it reads the answers,
 * against a recording stand-in client answering in the client's documented return shapes
 * (__fixtures__/weaviate-responses.ts). Weaviate itself (and the gRPC wire under the client) is
 * not exercised here; the live conformance run is weaviate.int.test.ts.
 */
import { describe, expect, it } from "vitest";
import { uuidV5, type DocumentTarget } from "@hardneg/core";
import { expectHardnegRejection, FixtureEmbedder, fixtureVector } from "@hardneg/core/testkit";
import { openWeaviateBackend, type WeaviateBackendOptions } from "./weaviate-backend.js";
import { collectionConfig, hybridOptions } from "./weaviate-requests.js";
import { hitsOf, specOf } from "./weaviate-mapping.js";
import { weaviateCollectionName } from "./weaviate-names.js";
import { fakeWeaviateClient, type FakeAnswers } from "./__fixtures__/fake-weaviate-client.js";
import * as answers from "./__fixtures__/weaviate-responses.js";

const target: DocumentTarget = { collection: "coffee", idKey: "doc_id", contentKey: "text", titleKey: "title" };
const fastRetries: WeaviateBackendOptions["retry"] = { retries: 2, baseDelayMs: 1, maxDelayMs: 2 };

/** weaviate-client's error classes are not exported from its root; these mirror their names, codes and messages. */
function clientError(name: string, message: string, code?: number): Error {
  return Object.assign(new Error(message), { name, ...(code === undefined ? {} : { code }) });
}

async function backendWith(fake: FakeAnswers, options: WeaviateBackendOptions = {}) {
  const { client, calls } = fakeWeaviateClient(fake);
  return { backend: await openWeaviateBackend("http://127.0.0.1:8080", { client, retry: fastRetries, ...options }), calls };
}

describe("mapping: Weaviate requests", () => {
  it("mapping: collection names are capitalised as Weaviate stores them, invalid ones refused", () => {
    expect(weaviateCollectionName("hardneg_runs")).toBe("Hardneg_runs");
    expect(weaviateCollectionName("BrightBiology")).toBe("BrightBiology");
    // Names core accepts but Weaviate does not: refused with Weaviate's rule and a suggestion.
    expect(() => weaviateCollectionName("sample-negatives")).toThrow(
      /invalid Weaviate collection name "sample-negatives".*"sample_negatives"/,
    );
    expect(() => weaviateCollectionName("2024_runs")).toThrow(/invalid Weaviate collection name "2024_runs"/);
    // Names core refuses: core's rule and message.
    expect(() => weaviateCollectionName("")).toThrow(/invalid collection name "": use 1-128 letters/);
  });

  it('mapping: the engine refuses a name only Weaviate forbids before any call, as a BadOptionError on "collection"', async () => {
    const { backend, calls } = await backendWith({});
    const digitFirst = { ...target, collection: "2024_docs" };
    for (const attempt of [backend.count("sample-negatives"), backend.search(digitFirst, [{ text: "x" }], { mode: "bm25", k: 1 })]) {
      const error = await expectHardnegRejection(attempt);
      expect([error.code, error.location.option]).toEqual(["BAD_OPTION", "collection"]);
      expect(error.message).toContain("invalid Weaviate collection name");
    }
    expect(calls).toEqual([]);
  });

  it("mapping: hybrid always passes alpha and fusionType explicitly, with score metadata", () => {
    expect(hybridOptions(target, 10, 0.75, "relative-score")).toEqual({
      limit: 10,
      alpha: 0.75,
      fusionType: "RelativeScore",
      queryProperties: ["text", "title"],
      returnMetadata: ["score"],
      returnProperties: ["doc_id"],
    });
    expect(hybridOptions(target, 5, 0.5, "rrf", new Float32Array([1, 0]))).toMatchObject({
      fusionType: "Ranked",
      alpha: 0.5,
      vector: [1, 0],
    });
  });

  it("mapping: the hard-negatives collection has the original schema: query vectorised, ids and documents skipped", () => {
    const keys = {
      queryContentKey: "query",
      goldIdsKey: "gold_doc_ids",
      goldDocumentsKey: "gold_documents",
      hardNegativeDocumentKey: "hard_negative_doc",
      hardNegativeIdKey: "hard_negative_id",
    };
    const config = collectionConfig({ name: "HardNegatives", kind: "hard-negatives", hardNegativeKeys: keys }, "HardNegatives", {
      vectorizer: "text2vec",
    });
    const properties = config.properties as Array<{ name: string; dataType: string; skipVectorization: boolean }>;
    const byName = new Map(properties.map((property) => [property.name, property]));
    expect(byName.get("query")).toMatchObject({ dataType: "text", skipVectorization: false });
    for (const name of ["gold_doc_ids", "gold_documents", "hard_negative_doc", "hard_negative_id", "hardneg_id"])
      expect(byName.get(name)!.skipVectorization, name).toBe(true);
    expect(byName.get("gold_doc_ids")!.dataType).toBe("text[]");
    // Document texts are copies of the corpus: stored, not indexed.
    for (const name of ["gold_documents", "hard_negative_doc"])
      expect(byName.get(name), name).toMatchObject({ indexSearchable: false, indexFilterable: false });
    expect(byName.get("query")).not.toHaveProperty("indexSearchable");
    expect(byName.get("rank")!.dataType).toBe("int");
    expect(config.vectorizers).toEqual({ vectorizer: "text2vec" });
    expect(specOf("HardNegatives", config.description as string)).toMatchObject({ kind: "hard-negatives", hardNegativeKeys: keys });
    expect(collectionConfig({ name: "runs", kind: "records" }, "Runs", { vectorizer: "x" })).not.toHaveProperty("vectorizers");
  });
});

describe("mapping: Weaviate search through the client", () => {
  it("mapping: bm25 runs one query per request with queryProperties and score metadata; hits keep Weaviate's scores", async () => {
    const { backend, calls } = await backendWith({ bm25: [answers.bm25Answer, answers.emptyAnswer] });
    const hits = await backend.search(target, [{ text: "espresso" }, { text: "tea" }], { mode: "bm25", k: 10 });
    expect(hits).toEqual([
      [
        { id: "d2", score: 3.75, rank: 1 },
        { id: "d9", score: 1.5, rank: 2 },
      ],
      [],
    ]);
    expect(calls.map((call) => [call.collection, call.method, call.args[0]])).toEqual([
      ["Coffee", "bm25", "espresso"],
      ["Coffee", "bm25", "tea"],
    ]);
    expect(calls[0]!.args[1]).toEqual({
      limit: 10,
      queryProperties: ["text", "title"],
      returnMetadata: ["score"],
      returnProperties: ["doc_id"],
    });
  });

  it(
    "mapping: vector search is nearText with a server vectorizer " + "and nearVector with a request vector; score = 1 − distance",
    async () => {
      const { backend, calls } = await backendWith(
        { nearText: [answers.nearAnswer], nearVector: [answers.nearAnswer] },
        { serverVectorizer: true },
      );
      const [byText] = await backend.search(target, [{ text: "mocha" }], { mode: "vector", k: 2 });
      expect(byText).toEqual([
        { id: "d5", score: 0.875, rank: 1 },
        { id: "d2", score: 0.5, rank: 2 },
      ]);
      await backend.search(target, [{ text: "mocha", vector: [0.5, 0.5] }], { mode: "vector", k: 2 });
      expect(calls.map((call) => call.method)).toEqual(["nearText", "nearVector"]);
      expect(calls[1]!.args).toEqual([[0.5, 0.5], { limit: 2, returnMetadata: ["distance"], returnProperties: ["doc_id"] }]);
    },
  );

  it("mapping: hybrid sends alpha and the fusion type; without vectors anywhere vector modes are not claimed", async () => {
    const { backend, calls } = await backendWith({ hybrid: [answers.hybridAnswer] }, { serverVectorizer: true });
    const [hits] = await backend.search(target, [{ text: "mocha" }], { mode: "hybrid", k: 5, alpha: 0.25, fusion: "rrf" });
    expect(hits!.map((hit) => hit.id)).toEqual(["d9", "d2"]);
    expect(calls[0]!.args[1]).toMatchObject({ alpha: 0.25, fusionType: "Ranked" });
    const plain = await backendWith({});
    expect(plain.backend.capabilities().modes).toEqual(["bm25"]);
    expect(
      (await expectHardnegRejection(plain.backend.search(target, [{ text: "x" }], { mode: "hybrid", k: 1, alpha: 0.5, fusion: "rrf" })))
        .code,
    ).toBe("UNSUPPORTED_CAPABILITY");
  });

  it("mapping: a hybrid score a float32 rounding error above the one ranked before it is capped; a real inversion stays visible", () => {
    const object = (id: string, score: number) => ({ uuid: id, properties: { doc_id: id }, metadata: { score } });
    // The pair seen live on Weaviate 1.39: the engine's order is kept, the score is capped.
    const rounded = hitsOf([object("a", 0.3613445460796356), object("b", 0.361344575881958), object("c", 0.2)], "doc_id", 10, "score");
    expect(rounded).toEqual([
      { id: "a", score: 0.3613445460796356, rank: 1 },
      { id: "b", score: 0.3613445460796356, rank: 2 },
      { id: "c", score: 0.2, rank: 3 },
    ]);
    const inverted = hitsOf([object("a", 0.3), object("b", 0.4)], "doc_id", 10, "score");
    expect(inverted.map((hit) => hit.score)).toEqual([0.3, 0.4]);
  });

  it("mapping: with core's Embedder, documents are embedded from title and content on upsert and queries on nearVector", async () => {
    const embedder = new FixtureEmbedder();
    const withTitle = {
      name: "Coffee",
      description: JSON.stringify({
        hardneg: { name: "coffee", kind: "documents", target: { idKey: "doc_id", contentKey: "text", titleKey: "title" } },
      }),
    };
    const { backend, calls } = await backendWith(
      {
        exists: [true],
        configGet: [withTitle],
        configUpdate: [undefined],
        insertMany: [answers.batchAllInserted],
        nearVector: [answers.nearAnswer],
      },
      { embedder },
    );
    expect(backend.embedderId).toBe("fixture:hashed-words");
    expect(backend.capabilities().modes).toEqual(["bm25", "vector", "hybrid"]);
    await backend.upsert("coffee", [{ id: "d1", properties: { doc_id: "d1", title: "Mocha", text: "chocolate espresso" } }]);
    const inserted = (calls.find((call) => call.method === "insertMany")!.args[0] as Array<{ vectors: number[] }>)[0]!;
    expect(inserted.vectors).toEqual(Array.from(Float32Array.from(fixtureVector("Mocha chocolate espresso"))));
    await backend.search(target, [{ text: "mocha" }], { mode: "vector", k: 2 });
    expect(calls.at(-1)!.method).toBe("nearVector");
    expect(calls.at(-1)!.args[0]).toEqual(Array.from(Float32Array.from(fixtureVector("mocha"))));
    expect([embedder.embeddedDocuments, embedder.embeddedQueries]).toEqual([1, 1]);
    // The first vectors written recorded their embedder in the collection's description, before the insert.
    const update = calls.find((call) => call.method === "configUpdate")!;
    expect(calls.indexOf(update)).toBeLessThan(calls.findIndex((call) => call.method === "insertMany"));
    expect(specOf("coffee", (update.args[0] as { description: string }).description).vectors).toEqual({
      embedderId: "fixture:hashed-words",
      dimension: 32,
    });
  });

  it("mapping: vector search on a collection without vectors, or with another embedder's, is refused before searching", async () => {
    const plain = await backendWith({ exists: [true], configGet: [answers.documentsConfig] }, { embedder: new FixtureEmbedder() });
    expect((await expectHardnegRejection(plain.backend.search(target, [{ text: "x" }], { mode: "vector", k: 3 }))).message).toContain(
      "holds no document vectors",
    );
    const otherModel = {
      name: "Coffee",
      description: JSON.stringify({
        hardneg: {
          name: "coffee",
          kind: "documents",
          target: { idKey: "doc_id", contentKey: "text" },
          vectors: { embedderId: "onnx:another", dimension: 32 },
        },
      }),
    };
    const other = await backendWith({ exists: [true], configGet: [otherModel] }, { embedder: new FixtureEmbedder() });
    expect(
      (await expectHardnegRejection(other.backend.search(target, [{ text: "x" }], { mode: "hybrid", k: 3, alpha: 0.5, fusion: "rrf" })))
        .code,
    ).toBe("BAD_OPTION");
    expect([...plain.calls, ...other.calls].map((call) => call.method)).not.toContain("hybrid");
    // A server vectorizer computes the vectors itself: nothing to check.
    const server = await backendWith({ nearText: [answers.nearAnswer] }, { serverVectorizer: true });
    await server.backend.search(target, [{ text: "x" }], { mode: "vector", k: 3 });
  });

  it("mapping: gold documents come from one fetchObjects with a containsAny filter on the id property", async () => {
    const { backend, calls } = await backendWith({ fetchObjects: [answers.documentsAnswer] });
    const documents = await backend.getDocuments(target, ["d2", "d5", "d404", "d2"]);
    expect(calls).toHaveLength(1);
    // The filter as weaviate-client builds it (its own builder runs in the fake).
    expect(calls[0]!.args[0]).toEqual({
      limit: 3,
      filters: { operator: "ContainsAny", target: { property: "doc_id" }, value: ["d2", "d5", "d404"] },
    });
    expect(documents.get("d2")).toEqual({
      id: "d2",
      text: "Espresso is brewed under pressure.",
      title: "Espresso",
      fields: { lang: "en" },
    });
    expect(documents.get("d5")).toEqual({ id: "d5", text: "Cold brew steeps for hours." });
    expect(documents.has("d404")).toBe(false);
  });

  it("mapping: scoreDocuments filters bm25 to the ids and gives existing non-matching documents 0", async () => {
    const { backend, calls } = await backendWith({
      bm25: [{ objects: [answers.bm25Answer.objects[0]!] }],
      fetchObjects: [answers.documentsAnswer],
    });
    const scores = await backend.scoreDocuments(target, { text: "espresso" }, ["d2", "d5", "d404"], { mode: "bm25", k: 10 });
    expect(Object.fromEntries(scores)).toEqual({ d2: 3.75, d5: 0 });
    expect(calls[0]!.args[1]).toMatchObject({
      limit: 3,
      filters: { operator: "ContainsAny", target: { property: "doc_id" }, value: ["d2", "d5", "d404"] },
    });
  });
});

describe("mapping: Weaviate store through the client", () => {
  it("mapping: iterate pages with the cursor (after = last UUID) until a short page", async () => {
    const { backend, calls } = await backendWith({ fetchObjects: [answers.recordsPage(["r1", "r2"]), answers.recordsPage(["r3"])] });
    const batches: string[][] = [];
    for await (const batch of backend.iterate("runs", { batchSize: 2 })) batches.push(batch.map((record) => record.id));
    expect(batches).toEqual([["r1", "r2"], ["r3"]]);
    expect(calls.map((call) => call.args[0])).toEqual([{ limit: 2 }, { limit: 2, after: uuidV5("r2") }]);
    expect(calls[0]!.collection).toBe("Runs");
  });

  it("mapping: upsert inserts with UUIDv5 ids and resends only the failed objects", async () => {
    const { backend, calls } = await backendWith({
      exists: [true],
      configGet: [answers.documentsConfig],
      insertMany: [answers.batchOneFailed, answers.batchAllInserted],
    });
    await backend.upsert(
      "coffee",
      ["d1", "d2", "d3"].map((id) => ({ id, properties: { doc_id: id, text: `text ${id}` } })),
    );
    const inserts = calls
      .filter((call) => call.method === "insertMany")
      .map((call) => call.args[0] as Array<{ id: string; properties: Record<string, unknown> }>);
    expect(inserts).toHaveLength(2);
    expect(inserts[0]!.map((object) => object.id)).toEqual([uuidV5("d1"), uuidV5("d2"), uuidV5("d3")]);
    expect(inserts[0]![0]!.properties).toEqual({ doc_id: "d1", text: "text d1", hardneg_id: "d1" });
    expect(inserts[1]!.map((object) => object.properties.hardneg_id)).toEqual(["d2"]);
  });

  it("mapping: objects still failing after the retries are reported with Weaviate's message", async () => {
    const { backend, calls } = await backendWith({
      exists: [true],
      configGet: [answers.documentsConfig],
      insertMany: [answers.batchOneFailed, answers.batchFirstFailed],
    });
    const error = await expectHardnegRejection(
      backend.upsert("coffee", [
        { id: "d1", properties: {} },
        { id: "d2", properties: { text: 1 } },
      ]),
    );
    expect(error.code).toBe("BAD_INPUT");
    expect(error.message).toContain('"d2": invalid text property');
    expect(calls.filter((call) => call.method === "insertMany")).toHaveLength(3);
  });

  it("mapping: free-form properties travel as JSON and come back exactly; a repeated id keeps its last record", async () => {
    const runsConfig = { description: JSON.stringify({ hardneg: { name: "runs", kind: "records" } }) };
    const { backend, calls } = await backendWith({ exists: [true], configGet: [runsConfig], insertMany: [answers.batchAllInserted] });
    const properties = { version: "b", missing: null, tags: ["a"], nested: { grades: { "4983": 2, "bee-1": 1 } } };
    await backend.upsert("runs", [
      { id: "r1", properties: { version: "a" } },
      { id: "r2", properties: {} },
      { id: "r1", properties },
    ]);
    const objects = calls.find((call) => call.method === "insertMany")!.args[0] as Array<{
      id: string;
      properties: Record<string, unknown>;
    }>;
    expect(objects.map((object) => object.id)).toEqual([uuidV5("r1"), uuidV5("r2")]);
    expect(objects[0]!.properties).toEqual({ hardneg_id: "r1", hardneg_json: JSON.stringify(properties) });
    expect(objects[1]!.properties).toEqual({ hardneg_id: "r2" });
    // Read back as weaviate-client returns it: schema properties the object lacks come as undefined.
    const read = await backendWith({
      fetchObjects: [
        {
          objects: [
            {
              metadata: {},
              properties: { hardneg_id: "r1", hardneg_json: JSON.stringify(properties) },
              references: undefined,
              uuid: uuidV5("r1"),
              vectors: {},
            },
            // The client's type has no undefined property values, but the client returns them (recorded on Weaviate 1.39).
            {
              metadata: {},
              properties: { hardneg_id: "r2", hardneg_json: undefined as unknown as string },
              references: undefined,
              uuid: uuidV5("r2"),
              vectors: {},
            },
          ],
        },
      ],
    });
    const records = await read.backend.getRecords("runs", ["r1", "r2"]);
    expect(records.get("r1")).toEqual({ id: "r1", properties });
    expect(records.get("r2")).toEqual({ id: "r2", properties: {} });
  });

  it("mapping: query records keep id, text and gold ids as properties and their grades as JSON", async () => {
    const queriesConfig = {
      description: JSON.stringify({
        hardneg: {
          name: "q",
          kind: "queries",
          queryKeys: { idKey: "query_id", queryContentKey: "text", goldIdsKey: "gold_ids", gradesKey: "gold_grades" },
        },
      }),
    };
    const { backend, calls } = await backendWith({ exists: [true], configGet: [queriesConfig], insertMany: [answers.batchAllInserted] });
    await backend.upsert("q", [{ id: "q1", properties: { query_id: "q1", text: "bees", gold_ids: ["4983"], gold_grades: { "4983": 1 } } }]);
    const [object] = calls.find((call) => call.method === "insertMany")!.args[0] as Array<{ properties: Record<string, unknown> }>;
    expect(object!.properties).toEqual({
      hardneg_id: "q1",
      query_id: "q1",
      text: "bees",
      gold_ids: ["4983"],
      hardneg_json: JSON.stringify({ gold_grades: { "4983": 1 } }),
    });
  });

  it("mapping: precomputed document vectors go into the batch objects' vectors", async () => {
    const { backend, calls } = await backendWith(
      { exists: [true], configGet: [answers.documentsConfig], configUpdate: [undefined], insertMany: [answers.batchAllInserted] },
      { documentVectors: { property: "vector", dimension: 2 } },
    );
    await backend.upsert("coffee", [{ id: "d1", properties: { doc_id: "d1", text: "x", vector: [0.25, 0.75] } }]);
    expect((calls.at(-1)!.args[0] as Array<Record<string, unknown>>)[0]!.vectors).toEqual([0.25, 0.75]);
  });

  it("mapping: createCollection sends the schema with the spec in the description; count reads totalCount", async () => {
    const { backend, calls } = await backendWith({ exists: [false, true], create: [undefined], overAll: [answers.countThree] });
    await backend.createCollection({
      name: "fresh",
      kind: "queries",
      queryKeys: { idKey: "query_id", queryContentKey: "text", goldIdsKey: "gold_ids", gradesKey: "gold_grades" },
    });
    const config = calls.find((call) => call.method === "create")!.args[0] as Record<string, unknown>;
    expect(config.name).toBe("Fresh");
    expect(JSON.parse(config.description as string)).toEqual({
      hardneg: {
        name: "fresh",
        kind: "queries",
        queryKeys: { idKey: "query_id", queryContentKey: "text", goldIdsKey: "gold_ids", gradesKey: "gold_grades" },
      },
    });
    expect(await backend.count("fresh")).toBe(3);
  });

  it(
    "mapping: a collection Weaviate already holds is kept for the same " + "kind and refused for another, a foreign one reading as records",
    async () => {
      const foreign = { name: "Coffee", description: "someone else's products" };
      const { backend, calls } = await backendWith({ exists: [true], configGet: [foreign] });
      await backend.createCollection({ name: "coffee", kind: "records" });
      const documents = { name: "coffee", kind: "documents", target: { idKey: "doc_id", contentKey: "text" } } as const;
      const error = await expectHardnegRejection(backend.createCollection(documents));
      expect([error.code, error.location.option]).toEqual(["BAD_OPTION", "collection"]);
      expect(error.message).toContain('"coffee" already exists as a records collection, not documents');
      expect(calls.map((call) => call.method)).not.toContain("create");
    },
  );

  it(
    "mapping: a create Weaviate refuses because another writer just " + "created the collection succeeds when that one has the same kind",
    async () => {
      const queries = { description: JSON.stringify({ hardneg: { name: "fresh", kind: "queries" } }) };
      const alreadyExists = "The request to Weaviate failed with status code: 422 and message: class name Fresh already exists";
      const { backend, calls } = await backendWith({
        exists: [false, true],
        configGet: [queries],
        create: [clientError("WeaviateUnexpectedStatusCodeError", alreadyExists, 422)],
      });
      await backend.createCollection({ name: "fresh", kind: "queries" });
      expect(calls.map((call) => call.method)).toEqual(["exists", "create", "exists", "configGet"]);
      await expect(backend.describeCollection("fresh")).resolves.toMatchObject({ kind: "queries" });
    },
  );

  it("mapping: listCollections lists the classes holding hardneg's spec under hardneg's names; the user's are left out", async () => {
    const { backend, calls } = await backendWith({ listAll: [answers.listAllAnswer] });
    expect(await backend.listCollections(), "hardneg_runs (class Hardneg_runs), coffee, and the copied spec under its class name").toEqual([
      "hardneg_runs",
      "coffee",
      "Copied",
    ]);
    expect(
      calls.map((call) => call.method),
      "one listAll call",
    ).toEqual(["listAll"]);
    // The specs read are kept: describing a listed collection asks Weaviate nothing more.
    await expect(backend.describeCollection("coffee"), "the listed documents collection").resolves.toMatchObject({
      name: "coffee",
      kind: "documents",
      target: { idKey: "doc_id", contentKey: "text" },
    });
    expect(calls, "no call after listing").toHaveLength(1);
    const { backend: empty } = await backendWith({ listAll: [[]] });
    expect(await empty.listCollections(), "a Weaviate without collections").toEqual([]);
  });

  it("mapping: getRecords filters by the records' UUIDv5 object ids", async () => {
    const { backend, calls } = await backendWith({ fetchObjects: [answers.recordsPage(["r1"])] });
    const records = await backend.getRecords("runs", ["r1", "r404"]);
    expect([...records.values()]).toEqual([{ id: "r1", properties: { type: "run" } }]);
    expect(calls[0]!.args[0]).toEqual({
      limit: 2,
      filters: { operator: "ContainsAny", target: { property: "_id" }, value: [uuidV5("r1"), uuidV5("r404")] },
    });
  });
});

describe("mapping: Weaviate errors", () => {
  it("mapping: refused credentials become AuthError and are not retried", async () => {
    const { backend, calls } = await backendWith({
      overAll: [
        clientError(
          "WeaviateUnexpectedStatusCodeError",
          "The request to Weaviate failed with status code: 401 and message: anonymous access not enabled",
          401,
        ),
      ],
    });
    expect((await expectHardnegRejection(backend.count("coffee"))).code).toBe("AUTH");
    const denied = await backendWith({
      bm25: [clientError("WeaviateInsufficientPermissionsError", "/weaviate.v1.Weaviate/Search PERMISSION_DENIED: forbidden", 7)],
    });
    expect((await expectHardnegRejection(denied.backend.search(target, [{ text: "x" }], { mode: "bm25", k: 1 }))).code).toBe("AUTH");
    expect(calls.filter((call) => call.method === "overAll")).toHaveLength(1);
  });

  it("mapping: a failure on a collection that does not exist becomes MissingCollectionError", async () => {
    const { backend } = await backendWith({
      bm25: [
        clientError(
          "WeaviateQueryError",
          "Query call with protocol gRPC failed with message: /weaviate.v1.Weaviate/Search UNKNOWN: could not find class Missing in schema",
        ),
      ],
      exists: [false],
    });
    const error = await expectHardnegRejection(
      backend.search({ ...target, collection: "missing" }, [{ text: "x" }], { mode: "bm25", k: 1 }),
    );
    expect(error.code).toBe("MISSING_COLLECTION");
    expect(error.message).toMatch(/^\[hardneg\] \[weaviate\] collection "missing"/);
  });

  it("mapping: gRPC unavailability is retried, then reported as ConnectionError with the cause kept", async () => {
    const unavailable = clientError(
      "WeaviateQueryError",
      "Query call with protocol gRPC failed with message: /weaviate.v1.Weaviate/Search UNAVAILABLE: No connection established",
    );
    const { backend, calls } = await backendWith({ bm25: [unavailable], exists: [true] });
    const error = await expectHardnegRejection(backend.search(target, [{ text: "x" }], { mode: "bm25", k: 1 }));
    expect(error.code).toBe("CONNECTION");
    expect(error.cause).toBe(unavailable);
    expect(calls.filter((call) => call.method === "bm25")).toHaveLength(3);
  });

  it("mapping: a 503 then an answer succeeds", async () => {
    const { backend } = await backendWith({
      overAll: [
        clientError("WeaviateUnexpectedStatusCodeError", "The request to Weaviate failed with status code: 503 and message: busy", 503),
        answers.countThree,
      ],
    });
    expect(await backend.count("coffee")).toBe(3);
  });

  it(
    "mapping: core refuses what the engine cannot serve before calling it: " + "hybrid scores, k above Weaviate's 10 000, empty queries",
    async () => {
      const { backend, calls } = await backendWith({}, { serverVectorizer: true });
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
      const empty = await expectHardnegRejection(backend.search(target, [{ text: "x" }, { text: " " }], { mode: "bm25", k: 1 }));
      expect(empty.message).toContain("search request 1: query text is empty");
      expect(calls).toEqual([]);
    },
  );

  it("mapping: a non-URL location is refused before connecting", async () => {
    expect((await expectHardnegRejection(openWeaviateBackend("localhost:8080"))).code).toBe("BAD_OPTION");
  });
});
