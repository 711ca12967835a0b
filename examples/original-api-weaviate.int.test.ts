/**
 * The original tool's own scenario on a live Weaviate (`bash scripts/engines.sh up weaviate`):
 * collections named and keyed as the original named them, `addHardNegatives` as written, rows
 * stored back in Weaviate under the original keys, and a re-run that adds nothing. The query and
 * document vectors come from the shared tiny ONNX model, so the default mode is hybrid, as the
 * original's search was. Skips loudly without WEAVIATE_URL (fails under
 * HARDNEG_REQUIRE_LIVE_ENGINES=1) or without the shared model (fails under
 * HARDNEG_REQUIRE_SHARED_DATA=1).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { connectWeaviate, openWeaviateBackend } from "@hardneg/backend-weaviate";
import { OnnxEmbedder, RUNS_COLLECTION, type Engine, type StoredRecord } from "@hardneg/core";
import { liveEngineUrl, sharedData } from "@hardneg/core/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docs, out, queries, runOriginalApi } from "./original-api.js";

const url = liveEngineUrl("WEAVIATE_URL", "Weaviate");
if (url.skip !== false) console.warn(`[hardneg] SKIPPED the original API on live Weaviate: ${url.skip}`);
const model = sharedData("models/tiny-scifact-embedder", import.meta.url, "onnx/model.onnx");
const sample = join(dirname(fileURLToPath(import.meta.url)), "sample");
const ORIGINAL_KEYS = ["gold_doc_ids", "gold_documents", "hard_negative_doc", "hard_negative_id", "query"];

describe.skipIf(url.skip !== false || !model.available)("the original API as written, on live Weaviate", () => {
  const cacheFolder = mkdtempSync(join(tmpdir(), "hardneg-original-weaviate-"));
  let embedder: OnnxEmbedder;
  let backend: Engine;

  beforeAll(async () => {
    embedder = new OnnxEmbedder({ model: model.path, cache: { directory: cacheFolder } });
    backend = await openWeaviateBackend(url.value!, { embedder });
    // A clean start on a server that may hold an earlier run's collections.
    for (const collection of [docs.collectionName, queries.collectionName, out.collectionName]) await backend.deleteCollection(collection);
  }, 60_000);

  afterAll(async () => {
    await backend?.close?.();
    await embedder?.close();
    rmSync(cacheFolder, { recursive: true, force: true });
  });

  it("mines 5 negatives for each sample query in hybrid mode and stores " +
    "them in Weaviate under the original keys; a re-run adds nothing", async () => {
    const report = await runOriginalApi(backend, sample);
    expect(report).toMatchObject({
      queries: 48,
      queries_mined: 48,
      rows_written: 240,
      queries_skipped: 0,
      mode: "hybrid",
      strategy: "top-k",
    });
    expect(await backend.count(out.collectionName)).toBe(240);

    // Weaviate's own schema has the original properties (not only hardneg's JSON side property).
    const client = await connectWeaviate(url.value!);
    try {
      const config = (await client.collections.get(out.collectionName).config.get()) as unknown as { properties: Array<{ name: string }> };
      expect(config.properties.map((property) => property.name)).toEqual(expect.arrayContaining(ORIGINAL_KEYS));
    } finally {
      await client.close?.();
    }

    const rows: StoredRecord[] = [];
    for await (const batch of backend.iterate(out.collectionName, { batchSize: 100 })) rows.push(...batch);
    expect(rows).toHaveLength(240);
    const sampleQueries = new Map<string, string[]>();
    for await (const batch of backend.iterate(queries.collectionName)) {
      for (const record of batch)
        sampleQueries.set(String(record.properties[queries.queryContentKey]), record.properties[queries.goldIdsKey] as string[]);
    }
    for (const { properties } of rows) {
      for (const key of ORIGINAL_KEYS) expect(properties, key).toHaveProperty(key);
      const golds = sampleQueries.get(String(properties.query));
      expect(golds, `row for a query not in the sample: ${String(properties.query)}`).toBeDefined();
      expect(properties.gold_doc_ids).toEqual(golds);
      expect(golds).not.toContain(properties.hard_negative_id);
      expect((properties.gold_documents as string[]).length).toBe(golds!.length);
    }
    const documents = await backend.getDocuments(
      docs.target,
      rows.slice(0, 5).map((row) => String(row.properties.hard_negative_id)),
    );
    for (const row of rows.slice(0, 5))
      expect(documents.get(String(row.properties.hard_negative_id))?.text).toBe(row.properties.hard_negative_doc);

    const again = await runOriginalApi(backend, sample);
    expect(again.batches_resumed).toBe(again.batches);
    expect(await backend.count(out.collectionName)).toBe(240);
    expect((await backend.getRecords(RUNS_COLLECTION, [report.run_id])).get(report.run_id)?.properties.status).toBe("complete");
  }, 300_000);
});
