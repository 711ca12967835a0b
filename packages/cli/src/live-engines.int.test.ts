/**
 * The CLI end to end on live Weaviate and Elasticsearch (`bash scripts/engines.sh up`), beside
 * the embedded engine: load, eval in every mode with the shared tiny ONNX model, and one
 * `compare` across the three engines. Collection names valid on every engine. Skips loudly
 * without the URLs (fails under HARDNEG_REQUIRE_LIVE_ENGINES=1) or without the shared model.
 */
import { join } from "node:path";
import { openElasticBackend } from "@hardneg/backend-elastic";
import { openWeaviateBackend } from "@hardneg/backend-weaviate";
import { liveEngineUrl, sharedData } from "@hardneg/core/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { runCliJson, sampleFolder, temporaryFolder } from "./test-support.js";

const weaviateUrl = liveEngineUrl("WEAVIATE_URL", "Weaviate");
const elasticUrl = liveEngineUrl("ELASTICSEARCH_URL", "Elasticsearch");
const skip = weaviateUrl.skip || elasticUrl.skip;
if (skip) console.warn(`[hardneg] SKIPPED the CLI on live engines: ${skip}`);
const model = sharedData("models/tiny-scifact-embedder", import.meta.url, "onnx/model.onnx");

describe.skipIf(skip !== false || !model.available)("the CLI on local, Weaviate and Elasticsearch", () => {
  const folder = temporaryFolder();
  const docs = `hardneg_cli_${process.pid}`;
  const queries = `${docs}_test`;
  const outPrefix = `${docs}_compare`;
  const engines = [`local:${join(folder.path, "sample.db")}`, `weaviate:${weaviateUrl.value}`, `elastic:${elasticUrl.value}`];
  const embedder = ["--embedder", `onnx:${model.path}`, "--embedder-cache", join(folder.path, "embeddings")];

  afterAll(async () => {
    try {
      for (const open of [() => openWeaviateBackend(weaviateUrl.value!), () => openElasticBackend(elasticUrl.value!)]) {
        const engine = await open();
        for (const name of [docs, queries, `${outPrefix}_bm25`]) await engine.deleteCollection(name);
        await engine.close?.();
      }
    } finally {
      folder.remove();
    }
  });

  it("loads the sample into each engine and evaluates it in every mode: vector search agrees across engines", () => {
    const figures = new Map<string, Record<string, number>>();
    for (const engine of engines) {
      const loaded = runCliJson(
        [
          "load",
          "beir",
          sampleFolder,
          "--split",
          "test",
          "--docs-collection",
          docs,
          "--queries-collection",
          queries,
          "--engine",
          engine,
          ...embedder,
        ],
        folder.path,
      );
      expect(loaded).toMatchObject({ documents: 300, queries: 48 });
      const byMode: Record<string, number> = {};
      for (const mode of ["bm25", "vector", "hybrid"]) {
        const report = runCliJson(
          ["eval", "--docs-collection", docs, "--queries-collection", queries, "--mode", mode, "--engine", engine, ...embedder],
          folder.path,
        );
        expect(report["queries"], `${engine} ${mode}`).toBe(48);
        byMode[mode] = report["ndcg_at_10"];
      }
      figures.set(engine.split(":")[0]!, byMode);
    }
    console.info(`sample nDCG@10 by engine and mode: ${JSON.stringify(Object.fromEntries(figures))}`);
    for (const [engine, byMode] of figures) {
      expect(byMode["bm25"], engine).toBeGreaterThan(0.6);
      // The same embedder on 300 documents: every engine's vector search finds the exact neighbours.
      expect(Math.abs(byMode["vector"]! - figures.get("local")!["vector"]!), engine).toBeLessThan(0.005);
      expect(byMode["hybrid"], engine).toBeGreaterThan(0);
    }
  }, 300_000);

  it("compares the three engines in one command, into collections every engine accepts", () => {
    const result = runCliJson(
      [
        "compare",
        "--docs-collection",
        docs,
        "--queries-collection",
        queries,
        "--negatives-per-query",
        "3",
        "--mode",
        "bm25",
        "--out-prefix",
        outPrefix,
        ...engines.flatMap((engine) => ["--engine", engine]),
      ],
      folder.path,
    );
    expect(result["engines"]).toHaveLength(3);
    for (const engine of result["engines"]) {
      expect(engine).toMatchObject({ mode: "bm25", queries: 48, out_collection: `${outPrefix}_bm25` });
      expect(engine["rows"]).toBeGreaterThan(100);
    }
    // Different BM25 analysers: related lists, not identical ones.
    expect(result["mean_jaccard"][1][2]).toBeGreaterThan(0.2);
    expect(result["only_one_engine_share"]).toBeGreaterThan(0);
  }, 300_000);
});
