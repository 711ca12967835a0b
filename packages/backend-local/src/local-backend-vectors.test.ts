import { join } from "node:path";
import { DocsCollection, HardNegativesCollection, mine, QueriesCollection, type DocumentTarget, type StoredRecord } from "@hardneg/core";
import { FIXTURE_VECTOR_DIMENSION, FixtureEmbedder, fixtureVector } from "@hardneg/core/testkit";
import { describe, expect, it } from "vitest";
import { useTemporaryDirectories } from "./__fixtures__/temporary-directory.js";
import type { EngineOf } from "@hardneg/core/adapter";
import { openLocalBackend, type LocalBackend } from "./local-backend.js";

const target: DocumentTarget = { collection: "corpus", idKey: "doc_id", contentKey: "text", titleKey: "title" };
const temporaryDirectory = useTemporaryDirectories();

const CORPUS = [
  { doc_id: "bees", title: "Bees", text: "honey bees pollinate flowers in spring" },
  { doc_id: "wasps", title: "Wasps", text: "wasps sting and build paper nests" },
  { doc_id: "coffee", title: "Coffee", text: "espresso coffee beans are roasted dark" },
  { doc_id: "tea", title: "Tea", text: "green tea leaves are steamed not roasted" },
  { doc_id: "rivers", title: "Rivers", text: "rivers carry sediment to the sea" },
];

async function openWith(
  path: string,
  embedder = new FixtureEmbedder(),
): Promise<{ backend: EngineOf<LocalBackend>; embedder: FixtureEmbedder }> {
  const backend = await openLocalBackend(path, { embedder });
  if (!(await backend.hasCollection("corpus"))) {
    await backend.createCollection({
      name: "corpus",
      kind: "documents",
      target: { idKey: "doc_id", contentKey: "text", titleKey: "title" },
    });
    await backend.upsert(
      "corpus",
      CORPUS.map((properties) => ({ id: `record-${properties.doc_id}`, properties })),
    );
  }
  return { backend, embedder };
}

/** The cosine the backend must give: dot of the fixture's unit vectors, rounded to float32 like the engine. */
function cosine(query: string, document: (typeof CORPUS)[number]): number {
  const left = fixtureVector(query);
  const right = fixtureVector(`${document.title} ${document.text}`);
  return left.reduce((sum, value, index) => sum + value * right[index]!, 0);
}

describe("local backend vector and hybrid modes", () => {
  it("offers vector and hybrid only with an embedder, and says how to get one", async () => {
    const plain = await openLocalBackend(":memory:");
    expect(plain.capabilities().modes).toEqual(["bm25"]);
    await expect(plain.search(target, [{ text: "bees" }], { mode: "vector", k: 3 })).rejects.toMatchObject({
      code: "UNSUPPORTED_CAPABILITY",
      message: expect.stringContaining("--embedder"),
    });
    const { backend } = await openWith(":memory:");
    expect(backend.capabilities().modes).toEqual(["bm25", "vector", "hybrid"]);
    expect(backend.embedderId).toBe("fixture:hashed-words");
    await expect(backend.search(target, [{ text: "bees" }], { mode: "hybrid", k: 3 })).rejects.toMatchObject({
      code: "BAD_OPTION",
      message: expect.stringContaining("alpha"),
    });
    await plain.close();
    await backend.close();
  });

  it("vector search ranks by cosine similarity of title + content, every document scored", async () => {
    const { backend } = await openWith(":memory:");
    const query = "roasted coffee beans";
    const [hits] = await backend.search(target, [{ text: query }], { mode: "vector", k: 10 });
    const expected = CORPUS.map((document) => ({ id: document.doc_id, score: cosine(query, document) })).sort((a, b) => b.score - a.score);
    expect(hits!.map((hit) => hit.id)).toEqual(expected.map((item) => item.id));
    hits!.forEach((hit, position) => {
      expect(hit.score).toBeCloseTo(expected[position]!.score, 6);
    });
    await backend.close();
  });

  it("computes document vectors once: stored next to the index, reloaded by a new process, recomputed after a write", async () => {
    const path = join(temporaryDirectory(), "vectors.db");
    const first = await openWith(path);
    expect((await first.backend.driver.prepareVectors(target)).source).toBe("embedded");
    expect(first.embedder.embeddedDocuments).toBe(CORPUS.length);
    await first.backend.search(target, [{ text: "bees" }], { mode: "vector", k: 2 });
    expect(first.embedder.embeddedDocuments).toBe(CORPUS.length);
    await first.backend.close();

    const second = await openWith(path);
    const stats = await second.backend.driver.prepareVectors(target);
    expect(stats).toMatchObject({
      source: "loaded",
      documentCount: CORPUS.length,
      dimension: FIXTURE_VECTOR_DIMENSION,
      embedderId: "fixture:hashed-words",
    });
    expect(stats.file).toMatch(/vectors\.db\.bm25\/corpus@[0-9a-f]{20}\.vectors$/);
    expect(second.embedder.embeddedDocuments).toBe(0);
    await second.backend.upsert("corpus", [
      { id: "record-moths", properties: { doc_id: "moths", title: "Moths", text: "moths fly to lamps at night" } },
    ]);
    const [hits] = await second.backend.search(target, [{ text: "moths at night" }], { mode: "vector", k: 1 });
    expect(hits![0]!.id).toBe("moths");
    expect(second.embedder.embeddedDocuments).toBe(CORPUS.length + 1);
    await second.backend.close();

    // Another embedder never reuses these vectors.
    const other = await openWith(path, new FixtureEmbedder("fixture:other-model"));
    expect((await other.backend.driver.prepareVectors(target)).source).toBe("embedded");
    await other.backend.close();
  });

  it("uses the request's own vector when given, and refuses one of the wrong dimension", async () => {
    const { backend, embedder } = await openWith(":memory:");
    const [hits] = await backend.search(target, [{ text: "anything", vector: fixtureVector("espresso coffee") }], { mode: "vector", k: 1 });
    expect(hits![0]!.id).toBe("coffee");
    expect(embedder.embeddedQueries).toBe(0);
    await expect(backend.search(target, [{ text: "x", vector: [1, 0, 0] }], { mode: "vector", k: 1 })).rejects.toMatchObject({
      code: "BAD_INPUT",
    });
    await backend.close();
  });

  it("hybrid with alpha 1 ranks like vector, with alpha 0 like BM25, and scoreDocuments gives the fused score", async () => {
    const { backend } = await openWith(":memory:");
    const request = { text: "roasted coffee and tea leaves" };
    const [vector] = await backend.search(target, [request], { mode: "vector", k: 5 });
    const [keyword] = await backend.search(target, [request], { mode: "bm25", k: 5 });
    for (const fusion of ["relative-score", "rrf"] as const) {
      const [pureVector] = await backend.search(target, [request], { mode: "hybrid", k: 5, alpha: 1, fusion });
      expect(pureVector!.map((hit) => hit.id)).toEqual(vector!.map((hit) => hit.id));
      const [pureKeyword] = await backend.search(target, [request], { mode: "hybrid", k: 5, alpha: 0, fusion });
      expect(pureKeyword!.slice(0, keyword!.length).map((hit) => hit.id)).toEqual(keyword!.map((hit) => hit.id));
      const options = { mode: "hybrid", k: 2, alpha: 0.5, fusion } as const;
      const [fused] = await backend.search(target, [request], { ...options, k: 5 });
      const scores = await backend.scoreDocuments(
        target,
        request,
        fused!.map((hit) => hit.id),
        options,
      );
      for (const hit of fused!) expect(scores.get(hit.id)).toBe(hit.score);
    }
    await backend.close();
  });

  it("mining with relativeMargin in vector mode scores a gold outside the pool with its real cosine", async () => {
    const { backend } = await openWith(":memory:");
    await backend.createCollection({ name: "queries", kind: "queries" });
    // The gold ("rivers") is far from the query in vector space: with a pool of 2 it is not retrieved.
    const queryText = "roasted coffee beans and green tea";
    await backend.upsert("queries", [{ id: "q1", properties: { query_id: "q1", text: queryText, gold_ids: ["rivers"] } }]);
    const [pool] = await backend.search(target, [{ text: queryText }], { mode: "vector", k: 2 });
    expect(pool!.map((hit) => hit.id)).not.toContain("rivers");
    const goldCosine = cosine(queryText, CORPUS.find((document) => document.doc_id === "rivers")!);
    expect(goldCosine).toBeLessThan(pool![1]!.score);

    const report = await mine({
      backend,
      negativesPerQuery: 2,
      poolSize: 2,
      mode: "vector",
      relativeMargin: 0.05,
      docsCollection: new DocsCollection({ collectionName: "corpus", idKey: "doc_id", contentKey: "text", titleKey: "title" }),
      queriesCollection: new QueriesCollection({
        collectionName: "queries",
        idKey: "query_id",
        queryContentKey: "text",
        goldIdsKey: "gold_ids",
      }),
      hardNegativesCollection: new HardNegativesCollection({ collectionName: "negatives" }),
    });
    // Both pool candidates score above 95% of the gold's (lower) cosine: dropped as likely false
    // negatives. Had the gold's score been unknown (or taken as the pool's), nothing would be.
    expect(report.dropped.relative_margin).toBe(2);
    expect(report.rows_written).toBe(0);

    // With the margin off, the rows carry the same real gold score.
    await mine({
      backend,
      negativesPerQuery: 2,
      poolSize: 2,
      mode: "vector",
      docsCollection: new DocsCollection({ collectionName: "corpus", idKey: "doc_id", contentKey: "text", titleKey: "title" }),
      queriesCollection: new QueriesCollection({
        collectionName: "queries",
        idKey: "query_id",
        queryContentKey: "text",
        goldIdsKey: "gold_ids",
      }),
      hardNegativesCollection: new HardNegativesCollection({ collectionName: "negatives-plain" }),
    });
    const rows: StoredRecord[] = [];
    for await (const batch of backend.iterate("negatives-plain")) rows.push(...batch);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.properties["gold_score"] as number).toBeCloseTo(goldCosine, 6);
    await backend.close();
  });
});
