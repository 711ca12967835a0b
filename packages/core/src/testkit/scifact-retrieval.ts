import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DocumentTarget, Engine, SearchOptions } from "../backend.js";
import { OnnxEmbedder } from "../embedders/onnx-embedder.js";
import { openBeir } from "../loaders/beir-dataset.js";
import { gradesOf, MetricsAccumulator } from "../metrics.js";
import type { Embedder } from "../embedders/embedder.js";
import type { Doc } from "../types.js";
import { sharedData } from "./shared-data.js";
import { describeSkippedLoudly } from "./skip-loudly.js";

/** Options of {@link describeSciFactRetrieval}. */
export interface SciFactRetrievalOptions {
  /** Engine name in test titles. */
  name: string;
  /** Opens the engine with the embedder it must compute vectors with. */
  open: (embedder: Embedder) => Promise<Engine>;
  /** Collection the slice is loaded into (deleted before and after). */
  collection: string;
  /** Lowest acceptable BM25 nDCG@10 on the slice: engines analyse text differently. */
  bm25Floor: number;
  /** A skip reason (the suite is then skipped loudly), or false. */
  skip: string | false;
  /** The test file's `import.meta.url`, to find `../shared`. */
  testFileUrl: string;
}

/** Documents in the slice: every test gold plus the first other documents of the corpus. */
const SLICE = 1000;

/**
 * Real data on a live engine: SciFact's 300 test queries against a 1,000-document slice of its
 * corpus (every test gold, then the first other documents), loaded into an engine opened with the
 * shared tiny ONNX model (`../shared/models/tiny-scifact-embedder`). Checks BM25 against a floor,
 * vector search against exact cosine over the same embeddings (an oracle computed here), and
 * both hybrid fusions against the two lists they fuse. Prints the figures. Skips loudly without
 * the shared data (fails under HARDNEG_REQUIRE_SHARED_DATA=1).
 */
export function describeSciFactRetrieval(options: SciFactRetrievalOptions): void {
  const title = `SciFact slice on ${options.name} (300 test queries, ${SLICE} documents, tiny ONNX model)`;
  if (options.skip !== false) {
    describeSkippedLoudly("scifact", options.name, title, options.skip);
    return;
  }
  const scifact = sharedData("datasets/scifact", options.testFileUrl, "corpus.jsonl");
  const model = sharedData("models/tiny-scifact-embedder", options.testFileUrl, "onnx/model.onnx");

  describe.skipIf(!scifact.available || !model.available)(title, () => {
    const target: DocumentTarget = { collection: options.collection, idKey: "doc_id", contentKey: "text", titleKey: "title" };
    const cacheFolder = mkdtempSync(join(tmpdir(), "hardneg-scifact-live-"));
    const queries: Array<{ text: string; grades: Map<string, number> }> = [];
    let slice: Doc[] = [];
    let embedder: OnnxEmbedder;
    let engine: Engine;

    beforeAll(async () => {
      const dataset = await openBeir(scifact.path, { split: "test" });
      for await (const query of dataset.queries()) queries.push({ text: query.text, grades: gradesOf(query) });
      const golds = new Set(queries.flatMap((query) => [...query.grades.keys()]));
      const others: Doc[] = [];
      for await (const document of dataset.documents()) {
        if (golds.has(document.id)) slice.push(document);
        else if (others.length < SLICE - golds.size) others.push(document);
      }
      slice = slice.concat(others);
      embedder = new OnnxEmbedder({ model: model.path, cache: { directory: cacheFolder } });
      engine = await options.open(embedder);
      await engine.deleteCollection(options.collection);
      await engine.createCollection({
        name: options.collection,
        kind: "documents",
        target: { idKey: "doc_id", contentKey: "text", titleKey: "title" },
      });
      await engine.upsert(
        options.collection,
        slice.map((document) => ({
          id: document.id,
          properties: { doc_id: document.id, title: document.title ?? "", text: document.text },
        })),
      );
    }, 300_000);

    afterAll(async () => {
      try {
        await engine?.deleteCollection(options.collection);
      } finally {
        await engine?.close?.();
        await embedder?.close();
        rmSync(cacheFolder, { recursive: true, force: true });
      }
    });

    async function ndcgAt10(searchOptions: SearchOptions): Promise<number> {
      const results = await engine.search(
        target,
        queries.map((query) => ({ text: query.text })),
        searchOptions,
      );
      return ndcgOf(results.map((hits) => hits.map((hit) => hit.id)));
    }

    function ndcgOf(rankings: string[][]): number {
      const metrics = new MetricsAccumulator();
      rankings.forEach((ids, index) => {
        metrics.add(ids, queries[index]!.grades);
      });
      return metrics.summary().ndcg_at_10;
    }

    it(`bm25 ranks SciFact's golds (nDCG@10 at least ${options.bm25Floor})`, async () => {
      const bm25 = await ndcgAt10({ mode: "bm25", k: 100 });
      console.info(`[${options.name}] SciFact slice bm25 nDCG@10 ${bm25.toFixed(3)}`);
      expect(bm25, "bm25 nDCG@10").toBeGreaterThanOrEqual(options.bm25Floor);
    }, 120_000);

    it("vector search finds what exact cosine over the same embeddings finds", async () => {
      // The oracle: the same model's vectors (title and text joined by a newline, as adapters embed documents), ranked exactly.
      const documentVectors = await embedder.embedDocuments(
        slice.map((document) => [document.title, document.text].filter((part) => part).join("\n")),
      );
      const queryVectors = await embedder.embedQueries(queries.map((query) => query.text));
      const position = new Map(slice.map((document, index) => [document.id, index]));
      const cosine = (query: number, id: string) => dot(queryVectors[query]!, documentVectors[position.get(id)!]!);
      const exact = queryVectors.map((_, query) =>
        slice
          .map((document) => ({ id: document.id, score: cosine(query, document.id) }))
          .sort((left, right) => right.score - left.score)
          .slice(0, 10)
          .map((hit) => hit.id),
      );
      const results = await engine.search(
        target,
        queries.map((query) => ({ text: query.text })),
        { mode: "vector", k: 10 },
      );
      const overlap =
        results.reduce((sum, hits, index) => sum + hits.filter((hit) => exact[index]!.includes(hit.id)).length, 0) / (10 * queries.length);
      const scoreError = Math.max(...results.flatMap((hits, query) => hits.map((hit) => Math.abs(hit.score - cosine(query, hit.id)))));
      const engineNdcg = ndcgOf(results.map((hits) => hits.map((hit) => hit.id)));
      const exactNdcg = ndcgOf(exact);
      console.info(
        `[${options.name}] SciFact slice vector nDCG@10 ${engineNdcg.toFixed(3)} (exact cosine ${exactNdcg.toFixed(3)}), ` +
          `top-10 overlap with exact ${overlap.toFixed(3)}, largest score error ${scoreError.toExponential(1)}`,
      );
      // Vector scores are cosine similarities on every adapter, so margins and score filters mean the same everywhere.
      expect(scoreError, "largest difference between a vector score and exact cosine").toBeLessThan(1e-4);
      // Approximate indexes (HNSW) may miss a neighbour now and then; a wrong vector (other text,
      // other dimension, other metric) misses most.
      expect(overlap, "top-10 overlap with exact cosine").toBeGreaterThan(0.97);
      expect(Math.abs(engineNdcg - exactNdcg), "nDCG@10 difference from exact cosine").toBeLessThan(0.01);
    }, 180_000);

    it("hybrid with an even weighting: relative-score beats both lists, rrf the weaker one", async () => {
      const bm25 = await ndcgAt10({ mode: "bm25", k: 100 });
      const vector = await ndcgAt10({ mode: "vector", k: 100 });
      const relative = await ndcgAt10({ mode: "hybrid", k: 100, alpha: 0.5, fusion: "relative-score" });
      const rrf = await ndcgAt10({ mode: "hybrid", k: 100, alpha: 0.5, fusion: "rrf" });
      console.info(
        `[${options.name}] SciFact slice nDCG@10: bm25 ${bm25.toFixed(3)}, vector ${vector.toFixed(3)}, ` +
          `hybrid relative-score ${relative.toFixed(3)}, hybrid rrf ${rrf.toFixed(3)}`,
      );
      // Relative-score fusion of two decent, different lists beats the better one (by 0.06 on
      // Weaviate and Elasticsearch); a broken fusion (swapped alpha, lost hits, one list ignored)
      // falls to or below one of them. RRF discards the scores and lands near the better list.
      expect(relative, "hybrid relative-score nDCG@10 above both lists").toBeGreaterThan(Math.max(bm25, vector));
      expect(rrf, "hybrid rrf nDCG@10 above the weaker list").toBeGreaterThan(Math.min(bm25, vector));
    }, 180_000);
  });
}

function dot(left: ArrayLike<number>, right: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < left.length; index++) sum += left[index]! * right[index]!;
  return sum;
}
