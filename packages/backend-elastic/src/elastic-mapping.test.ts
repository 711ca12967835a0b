/**
 * Mapping tests: the requests this adapter builds and how it reads responses, checked against
 * fixtures written from Elasticsearch's documented wire format (see __fixtures__/elastic-responses.ts).
 * No Elasticsearch runs here; the live conformance run is elastic.int.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { CollectionSpec, DocumentTarget } from "@hardneg/core";
import { assertIndexName } from "./elastic-index-names.js";
import { bulkFailuresOf, documentOf, hardnegIndicesOf, hitsOf, scoresOf, specOf } from "./elastic-mapping.js";
import {
  bm25ScoreBody,
  bm25SearchBody,
  bulkOperations,
  indexMappings,
  pageBody,
  rrfSearchBody,
  vectorSearchBody,
} from "./elastic-requests.js";
import { toHardnegError } from "./elastic-errors.js";
import {
  bulkAllCreated,
  bulkPartialFailure,
  indexNotFound,
  msearchDocumentsById,
  msearchTwoQueries,
  searchItem,
  unauthenticated,
} from "./__fixtures__/elastic-responses.js";

const target: DocumentTarget = { collection: "coffee", idKey: "doc_id", contentKey: "text", titleKey: "title" };

describe("mapping: Elasticsearch request bodies", () => {
  it("mapping: bm25 is a multi_match over content and title, returning only the id property", () => {
    expect(bm25SearchBody(target, "cold brew", 10)).toEqual({
      size: 10,
      query: { multi_match: { query: "cold brew", fields: ["text", "title"], type: "best_fields", tie_breaker: 0.5 } },
      track_total_hits: false,
      _source: ["doc_id"],
    });
    expect(bm25SearchBody({ ...target, titleKey: undefined } as unknown as DocumentTarget, "x", 1).query).toEqual({
      multi_match: { query: "x", fields: ["text"], type: "best_fields", tie_breaker: 0.5 },
    });
  });

  it("mapping: vector search is a knn section with num_candidates between k and 10 000", () => {
    const body = vectorSearchBody(target, "hardneg_vector", new Float32Array([0.5, 0.25]), 5);
    expect(body.knn).toEqual({ field: "hardneg_vector", query_vector: [0.5, 0.25], k: 5, num_candidates: 100 });
    expect((vectorSearchBody(target, "v", [1], 9000).knn as { num_candidates: number }).num_candidates).toBe(10_000);
  });

  it("mapping: hybrid is the rrf retriever over a standard multi_match and a knn retriever", () => {
    const body = rrfSearchBody(target, "hardneg_vector", "latte", [1, 0], 20);
    expect(body.retriever).toEqual({
      rrf: {
        retrievers: [
          { standard: { query: { multi_match: { query: "latte", fields: ["text", "title"], type: "best_fields", tie_breaker: 0.5 } } } },
          { knn: { field: "hardneg_vector", query_vector: [1, 0], k: 20, num_candidates: 100 } },
        ],
        rank_window_size: 20,
        rank_constant: 60,
      },
    });
    expect(body).not.toHaveProperty("query");
  });

  it("mapping: scoring given documents keeps the match optional so non-matching golds score 0", () => {
    expect(bm25ScoreBody(target, "mocha", ["d1", "d2"]).query).toEqual({
      bool: {
        should: [{ multi_match: { query: "mocha", fields: ["text", "title"], type: "best_fields", tie_breaker: 0.5 } }],
        filter: [{ terms: { doc_id: ["d1", "d2"] } }],
      },
    });
  });

  it("mapping: iteration pages sort by _shard_doc and continue with search_after", () => {
    expect(pageBody("pit-1", 500, [41], "2m")).toEqual({
      size: 500,
      pit: { id: "pit-1", keep_alive: "2m" },
      sort: [{ _shard_doc: "asc" }],
      track_total_hits: false,
      search_after: [41],
    });
    expect(pageBody("pit-1", 500, undefined, "2m")).not.toHaveProperty("search_after");
  });

  it("mapping: bulk writes are index actions by _id, with the vector added to the source", () => {
    const operations = bulkOperations(
      "coffee",
      [
        { id: "d1", properties: { text: "a" } },
        { id: "d2", properties: { text: "b" } },
      ],
      "hardneg_vector",
      [
        [1, 2],
        [3, 4],
      ],
    );
    expect(operations).toEqual([
      { index: { _index: "coffee", _id: "d1" } },
      { text: "a", hardneg_vector: [1, 2] },
      { index: { _index: "coffee", _id: "d2" } },
      { text: "b", hardneg_vector: [3, 4] },
    ]);
  });

  it("mapping: index mappings keep the spec in _meta and follow the original hard-negative schema", () => {
    const spec: CollectionSpec = {
      name: "negatives",
      kind: "hard-negatives",
      hardNegativeKeys: {
        queryContentKey: "query",
        goldIdsKey: "gold_doc_ids",
        goldDocumentsKey: "gold_documents",
        hardNegativeDocumentKey: "hard_negative_doc",
        hardNegativeIdKey: "hard_negative_id",
      },
    };
    const mappings = indexMappings(spec, { vectorField: "hardneg_vector" }) as {
      dynamic: boolean;
      _meta: unknown;
      properties: Record<string, { type: string }>;
    };
    expect(mappings.dynamic).toBe(false);
    expect(mappings._meta).toEqual({ hardneg: spec });
    expect(mappings.properties.query).toEqual({ type: "text" });
    expect(mappings.properties.hard_negative_id).toEqual({ type: "keyword" });
    // Document texts are copies of the corpus: stored, not indexed.
    expect(mappings.properties.gold_documents).toEqual({ type: "text", index: false });
    expect(mappings.properties.hard_negative_doc).toEqual({ type: "text", index: false });
    expect(mappings.properties.rank).toEqual({ type: "integer" });
    const documents = indexMappings(
      { name: "coffee", kind: "documents", target: { idKey: "doc_id", contentKey: "text" } },
      { vectorField: "v", dimensions: 3 },
    ) as { properties: Record<string, unknown> };
    expect(documents.properties).toEqual({
      doc_id: { type: "keyword" },
      text: { type: "text" },
      v: { type: "dense_vector", dims: 3, index: true, similarity: "cosine", index_options: { type: "hnsw" } },
    });
  });

  it("mapping: index names follow Elasticsearch's rules and are never rewritten", () => {
    expect(() => assertIndexName("hardneg_runs")).not.toThrow();
    expect(() => assertIndexName("hardneg-runs.v2")).not.toThrow();
    // Core's rule accepts uppercase; Elasticsearch does not.
    expect(() => assertIndexName("BrightBiology")).toThrow(
      /invalid Elasticsearch index name "BrightBiology": must be lowercase.*"brightbiology"/,
    );
    // Prefixes and characters Elasticsearch forbids are outside core's rule already: core's message.
    expect(() => assertIndexName("_hidden")).toThrow(
      /invalid collection name "_hidden": use 1-128 letters.*starting with a letter or digit/,
    );
    expect(() => assertIndexName("a b")).toThrow(/invalid collection name "a b"/);
    expect(() => assertIndexName("a".repeat(129))).toThrow(/invalid collection name/);
  });
});

describe("mapping: Elasticsearch responses", () => {
  it("mapping: kNN scores of a cosine dense_vector, (1 + cosine) / 2, come back as the cosine similarity; BM25 scores as they are", () => {
    const response = searchItem("coffee", [
      ["a", 0.9],
      ["b", 0.25],
    ]);
    expect(hitsOf(response, "doc_id", 10, "knn-cosine").map((hit) => hit.score)).toEqual([0.8, -0.5]);
    expect(scoresOf(response, "doc_id", "knn-cosine")).toEqual(
      new Map([
        ["a", 0.8],
        ["b", -0.5],
      ]),
    );
    expect(hitsOf(response, "doc_id", 10).map((hit) => hit.score)).toEqual([0.9, 0.25]);
  });

  it("mapping: hits become 1-based ranks with the engine's scores, ids from the id property", () => {
    expect(hitsOf(msearchTwoQueries.responses[0]!, "doc_id", 10)).toEqual([
      { id: "d2", score: 0.6430173, rank: 1 },
      { id: "d9", score: 0.42081726, rank: 2 },
    ]);
    expect(hitsOf(msearchTwoQueries.responses[0]!, "doc_id", 1)).toHaveLength(1);
    expect(hitsOf(msearchTwoQueries.responses[1]!, "doc_id", 10)).toEqual([]);
    expect(hitsOf(searchItem("coffee", [["raw", 1, {}]]), "doc_id", 5)[0]!.id).toBe("raw");
  });

  it("mapping: a stored source becomes a Doc without the vector, title split out, the rest in fields", () => {
    const [first, second] = msearchDocumentsById.responses[0]!.hits.hits;
    expect(documentOf(first!, target, "hardneg_vector")).toEqual({
      id: "d2",
      text: "Espresso is brewed under pressure.",
      title: "Espresso",
      fields: { lang: "en" },
    });
    expect(documentOf(second!, target, "hardneg_vector")).toEqual({ id: "d5", text: "Cold brew steeps for hours." });
  });

  it("mapping: bulk items with an error are reported with their status, type and reason", () => {
    expect(bulkFailuresOf(bulkPartialFailure, ["d1", "d2", "d3"])).toEqual([
      {
        position: 1,
        id: "d2",
        status: 429,
        type: "es_rejected_execution_exception",
        reason: "rejected execution of coordinating operation",
      },
    ]);
    expect(bulkFailuresOf(bulkAllCreated(["d1"]), ["d1"])).toEqual([]);
  });

  it("mapping: an index without hardneg metadata reads as plain records", () => {
    expect(specOf("logs", undefined)).toEqual({ name: "logs", kind: "records" });
    expect(specOf("coffee", { hardneg: { name: "old", kind: "documents" } })).toEqual({ name: "coffee", kind: "documents" });
  });

  it("mapping: error bodies become AuthError, MissingCollectionError and ConnectionError", () => {
    const asClientError = (status: number, body: unknown) =>
      Object.assign(new Error("ResponseError"), { name: "ResponseError", meta: { statusCode: status, body } });
    const auth = toHardnegError(asClientError(401, unauthenticated), "search", "coffee");
    expect(auth).toMatchObject({ name: "AuthError", code: "AUTH" });
    expect(auth.message).toMatch(/^\[hardneg\] \[elastic\] /);
    expect((auth as Error).cause).toBeDefined();
    expect(toHardnegError(asClientError(404, indexNotFound), "search", "missing")).toMatchObject({
      name: "MissingCollectionError",
      code: "MISSING_COLLECTION",
    });
    expect(toHardnegError(asClientError(503, {}), "search", "coffee")).toMatchObject({ name: "ConnectionError" });
    expect(toHardnegError(Object.assign(new Error("connect ECONNREFUSED"), { name: "ConnectionError" }), "search")).toMatchObject({
      name: "ConnectionError",
    });
  });
});

describe("mapping: listing hardneg's indices", () => {
  it("mapping: only indices whose _meta holds hardneg's spec, under names hardneg can address, are listed with their specs", () => {
    const spec = { hardneg: { name: "corpus", kind: "documents", target: { idKey: "doc_id", contentKey: "text" } } };
    const listed = hardnegIndicesOf({
      corpus: { mappings: { _meta: spec } },
      "sample-test": { mappings: { _meta: { hardneg: { name: "sample-test", kind: "queries" } } } },
      logs: { mappings: { _meta: { owner: "platform team" } } },
      plain: { mappings: {} },
      broken: { mappings: { _meta: { hardneg: "not a spec" } } },
      ".hardneg-like-system": { mappings: { _meta: spec } },
      nothing: undefined,
    });
    expect(
      listed.map((collection) => collection.name),
      "hardneg's indices only",
    ).toEqual(["corpus", "sample-test"]);
    expect(listed[0], "the spec, under the index's name").toEqual({ ...spec.hardneg, name: "corpus" });
  });
});
