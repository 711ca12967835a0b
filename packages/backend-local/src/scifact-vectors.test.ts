import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MetricsAccumulator, OnnxEmbedder, type DocumentTarget, type SearchOptions } from "@hardneg/core";
import { sharedData } from "@hardneg/core/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineOf } from "@hardneg/core/adapter";
import { openLocalBackend, type LocalBackend } from "./local-backend.js";

// Fusion on real data: SciFact test queries against a 1,000-document slice of the corpus (every
// test gold plus the first other documents), embedded by the shared tiny model. A slice keeps
// embedding to seconds; benchmarks/embedding-bench.mjs and the README report the full corpus.
const scifact = sharedData("datasets/scifact", import.meta.url, "corpus.jsonl");
const model = sharedData("models/tiny-scifact-embedder", import.meta.url, "onnx/model.onnx");
const scifactDirectory = scifact.path;
const modelFolder = model.path;
const present = scifact.available && model.available;
const SLICE = 1000;

describe.skipIf(!present)("vector and hybrid on a SciFact slice (300 test queries, 1,000 documents, tiny model)", () => {
  const target: DocumentTarget = { collection: "scifact", idKey: "doc_id", contentKey: "text", titleKey: "title" };
  const cacheFolder = mkdtempSync(join(tmpdir(), "hardneg-scifact-vectors-"));
  let backend: EngineOf<LocalBackend>;
  let embedder: OnnxEmbedder;
  const queries: Array<{ text: string; grades: Map<string, number> }> = [];

  beforeAll(async () => {
    const texts = new Map(
      readFileSync(join(scifactDirectory, "queries.jsonl"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const query = JSON.parse(line) as { _id: string; text: string };
          return [query._id, query.text] as const;
        }),
    );
    const grades = new Map<string, Map<string, number>>();
    for (const line of readFileSync(join(scifactDirectory, "qrels", "test.tsv"), "utf8")
      .split("\n")
      .slice(1)
      .filter(Boolean)) {
      const [queryId, documentId, grade] = line.split("\t") as [string, string, string];
      grades.set(queryId, (grades.get(queryId) ?? new Map()).set(documentId, Number(grade)));
    }
    for (const [id, queryGrades] of grades) queries.push({ text: texts.get(id)!, grades: queryGrades });
    const golds = new Set(queries.flatMap((query) => [...query.grades.keys()]));
    const corpus = readFileSync(join(scifactDirectory, "corpus.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { _id: string; title: string; text: string });
    const others = corpus.filter((document) => !golds.has(document._id)).slice(0, SLICE - golds.size);
    const slice = corpus.filter((document) => golds.has(document._id)).concat(others);
    embedder = new OnnxEmbedder({ model: modelFolder, cache: { directory: cacheFolder } });
    backend = await openLocalBackend(":memory:", { embedder });
    await backend.createCollection({ name: "scifact", kind: "documents", target });
    await backend.upsert(
      "scifact",
      slice.map((document) => ({ id: document._id, properties: { doc_id: document._id, title: document.title, text: document.text } })),
    );
  }, 180_000);

  afterAll(async () => {
    await backend?.close();
    await embedder?.close();
    rmSync(cacheFolder, { recursive: true, force: true });
  });

  async function ndcgAt10(options: SearchOptions): Promise<number> {
    const results = await backend.search(
      target,
      queries.map((query) => ({ text: query.text })),
      options,
    );
    const metrics = new MetricsAccumulator();
    results.forEach((hits, index) => {
      metrics.add(
        hits.map((hit) => hit.id),
        queries[index]!.grades,
      );
    });
    return metrics.summary().ndcg_at_10;
  }

  it("hybrid with an even weighting beats both lists with relative-score, and the weaker list with rrf", async () => {
    const bm25 = await ndcgAt10({ mode: "bm25", k: 100 });
    const vector = await ndcgAt10({ mode: "vector", k: 100 });
    const relative = await ndcgAt10({ mode: "hybrid", k: 100, alpha: 0.5, fusion: "relative-score" });
    const rrf = await ndcgAt10({ mode: "hybrid", k: 100, alpha: 0.5, fusion: "rrf" });
    console.info(
      `SciFact slice nDCG@10: bm25 ${bm25.toFixed(3)}, vector ${vector.toFixed(3)}, ` +
        `hybrid relative-score ${relative.toFixed(3)}, hybrid rrf ${rrf.toFixed(3)}`,
    );
    expect(vector).toBeGreaterThan(0.5);
    // Relative-score fusion of two decent, different lists beats the better one; a broken fusion
    // (wrong normalisation, swapped alpha, lost hits) falls to or below the weaker one. RRF throws
    // the scores away and, with lists this unequal, lands between them (0.79 here, BM25 0.81).
    expect(relative).toBeGreaterThan(Math.max(bm25, vector));
    expect(rrf).toBeGreaterThan(Math.min(bm25, vector));
  }, 120_000);
});
