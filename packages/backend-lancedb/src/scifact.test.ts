import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DocsCollection, evaluate, ingestDocuments, ingestQueries, openBeir, QueriesCollection } from "@hardneg/core";
import type { EngineOf } from "@hardneg/core/adapter";
import { sharedData } from "@hardneg/core/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLanceDbBackend, type LanceDbBackend } from "./lancedb-backend.js";

// The shared datasets sit next to the repository, never inside it.
const { path: scifactDirectory, available: dataPresent } = sharedData("datasets/scifact", import.meta.url, "corpus.jsonl");

describe.skipIf(!dataPresent)("LanceDB FTS quality on SciFact test (300 queries, 5,183 documents)", () => {
  const folder = mkdtempSync(join(tmpdir(), "hardneg-lancedb-scifact-"));
  const docsCollection = new DocsCollection({ collectionName: "scifact", idKey: "doc_id", contentKey: "text", titleKey: "title" });
  const queriesCollection = new QueriesCollection({ collectionName: "scifact-test" });
  let backend: EngineOf<LanceDbBackend>;

  beforeAll(async () => {
    backend = await openLanceDbBackend(join(folder, "db"));
    const dataset = await openBeir(scifactDirectory, { split: "test" });
    await ingestDocuments(backend, docsCollection, dataset.documents());
    await ingestQueries(backend, queriesCollection, dataset.queries());
  });

  afterAll(async () => {
    await backend?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("reaches nDCG@10 between 0.67 and 0.71 with LanceDB's default FTS analyser (measured 0.689)", async () => {
    expect(await backend.count("scifact")).toBe(5183);
    const report = await evaluate({ backend, store: backend, docsCollection, queriesCollection, mode: "bm25" });
    console.info(`SciFact test, LanceDB FTS: ${JSON.stringify(report)}`);
    expect(report.queries).toBe(300);
    expect(report.ndcg_at_10).toBeGreaterThanOrEqual(0.67);
    expect(report.ndcg_at_10).toBeLessThanOrEqual(0.71);
    expect(report.recall_at_pool).toBeGreaterThan(report.recall_at_10);
  });
});
