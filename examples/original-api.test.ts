import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openLocalBackend } from "@hardneg/backend-local";
import { afterAll, expect, it } from "vitest";
import { runOriginalApiExample } from "./original-api.js";

const folder = mkdtempSync(join(tmpdir(), "hardneg-example-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

it("the original API example runs as written against backend-local", async () => {
  const database = join(folder, "example.db");
  const sample = join(dirname(fileURLToPath(import.meta.url)), "sample");
  const report = await runOriginalApiExample(database, sample);
  expect(report).toMatchObject({ queries: 48, queries_mined: 48, rows_written: 240, mode: "bm25", strategy: "top-k" });

  const store = await openLocalBackend(database);
  try {
    const [row] = (await store.iterate("HardNegatives")[Symbol.asyncIterator]().next()).value!;
    expect(Object.keys(row!.properties).sort()).toEqual([
      "gold_doc_ids",
      "gold_documents",
      "gold_rank",
      "gold_score",
      "gold_titles",
      "hard_negative_doc",
      "hard_negative_id",
      "hard_negative_title",
      "padded",
      "query",
      "query_id",
      "rank",
      "run_id",
      "score",
      "strategy",
    ]);
    const stored = await store.getRecords("BrightBiology", ["d001"]);
    expect(Object.keys(stored.get("d001")!.properties)).toEqual(expect.arrayContaining(["dataset_id", "content"]));
  } finally {
    await store.close();
  }
  // Running it again writes no duplicates.
  const again = await runOriginalApiExample(database, sample);
  expect(again.rows_written).toBe(240);
  const reopened = await openLocalBackend(database);
  try {
    expect(await reopened.count("HardNegatives")).toBe(240);
  } finally {
    await reopened.close();
  }
});
