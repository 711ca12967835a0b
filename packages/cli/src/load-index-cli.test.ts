import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCliJson, sampleFolder, temporaryFolder } from "./test-support.js";

/** `load` builds the embedded engine's BM25 index while the corpus is fresh, so `mine` starts searching at once. */
const folder = temporaryFolder();
afterAll(() => folder.remove());

describe("load builds the BM25 index (local engine)", () => {
  it("reports the index it built, writes its file, and mine then reads that file instead of building another", () => {
    const database = join(folder.path, "indexed.db");
    const engine = `local:${database}`;
    const loaded = runCliJson(["load", "beir", sampleFolder, "--engine", engine], folder.path);
    expect(loaded.bm25_index.terms).toBeGreaterThan(500);
    expect(loaded.bm25_index.postings).toBeGreaterThan(loaded.bm25_index.terms);
    const indexFolder = `${database}.bm25`;
    const files = readdirSync(indexFolder).filter((file) => file.startsWith("sample@"));
    expect(files, "one index file for the corpus").toHaveLength(1);
    const written = statSync(join(indexFolder, files[0]!)).mtimeMs;

    const mined = runCliJson(
      ["mine", "--engine", engine, "--docs-collection", "sample", "--queries-collection", "sample-test"].concat([
        "--out-collection",
        "negatives",
        "--negatives-per-query",
        "3",
      ]),
      folder.path,
    );
    expect(mined.rows_written).toBeGreaterThan(0);
    expect(readdirSync(indexFolder).filter((file) => file.startsWith("sample@"))).toEqual(files);
    expect(statSync(join(indexFolder, files[0]!)).mtimeMs, "mine did not rewrite the index").toBe(written);
  });
});
