/**
 * Mapping tests: the requests this adapter builds and how it reads responses, checked against
 * fixtures written from Qdrant's documented REST shapes (see __fixtures__/qdrant-responses.ts).
 * No Qdrant runs here; the live conformance run is qdrant.int.test.ts.
 */
import { describe, expect, it } from "vitest";
import { Tokenizer, uuidV5, type DocumentTarget } from "@hardneg/core";
import { documentSparseVector, querySparseVector, termIndex, tokenize } from "./bm25-sparse-vectors.js";
import { documentOf, hitsOf, recordOf, specOf } from "./qdrant-mapping.js";
import { bm25Query, collectionBody, hybridQuery, idsFilter, pointIdOf, pointsOf, vectorQuery } from "./qdrant-requests.js";
import { toHardnegError } from "./qdrant-errors.js";
import { collectionMissing, queryBatchTwoSearches, scrollDocuments } from "./__fixtures__/qdrant-responses.js";

const target: DocumentTarget = { collection: "coffee", idKey: "doc_id", contentKey: "text", titleKey: "title" };
const names = { dense: "dense", sparse: "bm25" };

describe("mapping: BM25 sparse vectors", () => {
  it("mapping: tokenises exactly like backend-local (lowercase, Unicode words, English stop words, Porter stems)", () => {
    expect(tokenize("The Café's crème-brûlée, and 2 ESPRESSOS!")).toEqual(["café", "crème", "brûlée", "2", "espresso"]);
    expect(tokenize("brewing brews brew")).toEqual(["brew", "brew", "brew"]);
    expect(tokenize("to be or not to be")).toEqual([]);
    const local = new Tokenizer();
    for (const text of ["Espresso extraction pressure", "Café crème, 9 bars!", "the grinding of beans"])
      expect(tokenize(text)).toEqual(local.tokenize(text));
  });

  it("mapping: query weights count repeats; document weights saturate with term frequency and length", () => {
    const query = querySparseVector("latte latte art");
    expect(query.values.slice().sort()).toEqual([1, 2]);
    expect(query.indices).toEqual([...query.indices].sort((left, right) => left - right));
    const once = documentSparseVector("latte", { averageDocumentLength: 1 });
    // One occurrence in a document of average length: tf (k1 + 1) / (tf + k1) = 2.5 / 2.5 = 1.
    expect(once).toEqual({ indices: [termIndex("latt")], values: [1] }); // Porter: "latte" → "latt"
    const twice = documentSparseVector("latte latte", { averageDocumentLength: 2 });
    expect(twice.values[0]).toBeCloseTo((2 * 2.5) / (2 + 1.5), 10);
    const longer = documentSparseVector("latte art milk foam", { averageDocumentLength: 2 });
    expect(longer.values[longer.indices.indexOf(termIndex("latt"))]).toBeLessThan(1);
  });

  it("mapping: term indices are unsigned 32-bit and stable", () => {
    // Persisted: every sparse vector in a Qdrant collection holds these indices, and queries must
    // compute the same ones; they must never change (a change silently breaks every existing
    // collection). "", "a" and "foobar" are FNV-1a 32-bit's published test vectors (ASCII, where
    // UTF-16 code units and bytes agree); the others were computed once and pinned.
    const pinned: Record<string, number> = {
      "": 0x811c9dc5,
      a: 0xe40c292c,
      foobar: 0xbf9cf968,
      latt: 0x71db325e, // Porter stem of "latte"
      latte: 0x771012e1,
      espresso: 0xd2ce88f5,
      pressur: 0xc74a1b73,
      café: 0x3308be7c, // UTF-16 code units, not UTF-8 bytes
      ζ: 0xb30d6f09,
      "🙂": 0x8d31631e, // a surrogate pair: two code units
    };
    for (const [term, index] of Object.entries(pinned)) expect(termIndex(term), `termIndex(${JSON.stringify(term)})`).toBe(index);
    expect(termIndex("latte")).not.toBe(termIndex("lattes"));
    for (const term of ["a", "café", "ζ", "🙂"]) {
      expect(Number.isInteger(termIndex(term))).toBe(true);
      expect(termIndex(term)).toBeGreaterThanOrEqual(0);
      expect(termIndex(term)).toBeLessThan(2 ** 32);
    }
  });
});

describe("mapping: Qdrant request bodies", () => {
  it("mapping: string ids become UUIDv5 point ids, the original id kept in the payload", () => {
    expect(pointIdOf("d1")).toBe(uuidV5("d1"));
    expect(pointIdOf("d1")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(pointsOf([{ id: "d1", properties: { text: "x" } }], [{ bm25: { indices: [1], values: [0.5] } }])).toEqual([
      { id: uuidV5("d1"), payload: { text: "x", hardneg_id: "d1" }, vector: { bm25: { indices: [1], values: [0.5] } } },
    ]);
    expect(pointsOf([{ id: "r", properties: {} }])[0]!.vector).toEqual({});
  });

  it("mapping: bm25 and vector queries use the named vectors of the Query API", () => {
    expect(bm25Query(target, { indices: [3, 9], values: [1, 2] }, 10, names)).toEqual({
      query: { indices: [3, 9], values: [1, 2] },
      using: "bm25",
      limit: 10,
      with_payload: ["doc_id", "hardneg_id"],
    });
    expect(vectorQuery(target, new Float32Array([0.5, 0.25]), 4, names, idsFilter("doc_id", ["d1"]))).toEqual({
      query: [0.5, 0.25],
      using: "dense",
      limit: 4,
      with_payload: ["doc_id", "hardneg_id"],
      filter: { must: [{ key: "doc_id", match: { any: ["d1"] } }] },
    });
  });

  it("mapping: hybrid prefetches both and fuses with rrf, weighted by alpha unless alpha is 0.5", () => {
    const sparse = { indices: [3], values: [1] };
    const plain = hybridQuery(target, sparse, [1, 0], 20, 0.5, names);
    expect(plain).toEqual({
      prefetch: [
        { query: { indices: [3], values: [1] }, using: "bm25", limit: 20 },
        { query: [1, 0], using: "dense", limit: 20 },
      ],
      query: { fusion: "rrf" },
      limit: 20,
      with_payload: ["doc_id", "hardneg_id"],
    });
    expect(hybridQuery(target, sparse, [1, 0], 20, 0.75, names).query).toEqual({ rrf: { weights: [0.25, 0.75] } });
    expect(hybridQuery(target, { indices: [], values: [] }, [1, 0], 5, 0.75, names).prefetch as unknown[]).toHaveLength(1);
  });

  it("mapping: documents get an idf-modified sparse vector and an optional dense one; the spec goes in metadata", () => {
    const spec = { name: "coffee", kind: "documents" as const, target: { idKey: "doc_id", contentKey: "text" } };
    expect(collectionBody(spec, names, 384)).toEqual({
      vectors: { dense: { size: 384, distance: "Cosine" } },
      sparse_vectors: { bm25: { modifier: "idf" } },
      metadata: { hardneg: spec },
    });
    expect(collectionBody({ name: "runs", kind: "records" }, names, 384)).toEqual({
      vectors: {},
      metadata: { hardneg: { name: "runs", kind: "records" } },
    });
  });
});

describe("mapping: Qdrant responses", () => {
  it("mapping: scored points become 1-based hits with Qdrant's scores and ids from the payload", () => {
    expect(hitsOf(queryBatchTwoSearches.result[0]!.points, "doc_id", 10)).toEqual([
      { id: "d2", score: 11.5, rank: 1 },
      { id: "d7", score: 4.25, rank: 2 },
    ]);
    expect(hitsOf([{ id: 7, score: 1, payload: null }], "doc_id", 10)).toEqual([{ id: "7", score: 1, rank: 1 }]);
  });

  it("mapping: payloads become documents and records without the kept id", () => {
    const [first] = scrollDocuments.result.points;
    expect(documentOf(first!, target)).toEqual({
      id: "d2",
      text: "Espresso is brewed under pressure.",
      title: "Espresso",
      fields: { lang: "en" },
    });
    expect(recordOf(first!)).toEqual({
      id: "d2",
      properties: { doc_id: "d2", text: "Espresso is brewed under pressure.", title: "Espresso", lang: "en" },
    });
  });

  it("mapping: collection metadata gives the spec back; foreign collections read as records", () => {
    expect(specOf("coffee", { hardneg: { name: "x", kind: "documents" } })).toEqual({ name: "coffee", kind: "documents" });
    expect(specOf("theirs", null)).toEqual({ name: "theirs", kind: "records" });
  });

  it("mapping: error answers become AuthError, MissingCollectionError, BadInputError and ConnectionError", () => {
    const apiError = (status: number, data: unknown) => Object.assign(new Error("Not Found"), { status, data });
    const missing = toHardnegError(apiError(404, collectionMissing), "search", "missing");
    expect(missing).toMatchObject({ name: "MissingCollectionError" });
    expect(missing.message).toMatch(/^\[hardneg\] \[qdrant\] collection "missing"/);
    expect(toHardnegError(apiError(401, "Invalid API key"), "search", "c")).toMatchObject({ name: "AuthError" });
    expect(toHardnegError(apiError(400, { status: { error: "Wrong input" } }), "search", "c")).toMatchObject({ name: "BadInputError" });
    expect(toHardnegError(apiError(503, {}), "search", "c")).toMatchObject({ name: "ConnectionError" });
    const unexpected = Object.assign(new Error("Unexpected Response: 404 (Not Found)\nRaw response content:"), {
      name: "QdrantClientUnexpectedResponseError",
    });
    expect(toHardnegError(unexpected, "count", "gone")).toMatchObject({ name: "MissingCollectionError" });
    const bug = new TypeError("x is not a function");
    expect(toHardnegError(bug, "count", "c")).toBe(bug);
  });
});
