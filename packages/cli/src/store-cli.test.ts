import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliJson, sampleFolder, temporaryFolder } from "./test-support.js";

/**
 * `--store` (README, "Searching one engine, storing in another"): the documents are searched in
 * `--engine`; the queries, hard negatives and run records live in `--store`. `load beir --store`
 * puts the queries there, and `mine --store` only reads the searched engine (opened read-only).
 */
const folder = temporaryFolder();
afterAll(() => folder.remove());
const search = `local:${join(folder.path, "search.db")}`;
const negatives = `local:${join(folder.path, "negatives.db")}`;
const single = `local:${join(folder.path, "single.db")}`;
const mineArgs = [
  "mine",
  "--docs-collection",
  "sample",
  "--queries-collection",
  "sample-test",
  "--out-collection",
  "negatives",
  "--negatives-per-query",
  "3",
];

const digest = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("mining one engine into another's store", () => {
  beforeAll(() => {
    const split = runCliJson(["load", "beir", sampleFolder, "--engine", search, "--store", negatives], folder.path);
    expect(split, "corpus into --engine, queries into --store").toMatchObject({ documents: 300, queries: 48, unknown_gold_ids: 0 });
    runCliJson(["load", "beir", sampleFolder, "--engine", single], folder.path);
  });

  it("puts the corpus in --engine and the queries in --store only", () => {
    const exported = (engine: string, collection: string) =>
      runCli(
        ["export", "--collection", collection, "--format", "seed", "--output", join(folder.path, "x.jsonl"), "--engine", engine],
        folder.path,
      );
    expect(
      runCli(["eval", "--docs-collection", "sample", "--queries-collection", "sample-test", "--engine", search], folder.path).stderr,
      "the searched engine holds no queries",
    ).toContain('collection "sample-test": does not exist');
    expect(exported(negatives, "sample").stderr, "the store holds no corpus").toContain('"sample"');
  });

  it("mines with the same result as one engine holding everything, writing nothing to the searched engine", () => {
    const before = digest(join(folder.path, "search.db"));
    const split = runCliJson([...mineArgs, "--engine", search, "--store", negatives], folder.path);
    const together = runCliJson([...mineArgs, "--engine", single], folder.path);
    expect(split, "same run id, rows, metrics and histogram").toEqual(together);
    expect(split).toMatchObject({ queries: 48, queries_mined: 48, rows_written: 144 });
    expect(digest(join(folder.path, "search.db")), "search.db unchanged: nothing written to the searched engine").toBe(before);

    const output = join(folder.path, "triplets.jsonl");
    const exportArgs = ["export", "--collection", "negatives", "--format", "triplets", "--output", output, "--engine", negatives];
    const exported = runCliJson(exportArgs, folder.path);
    expect(exported, "the negatives are in the store").toMatchObject({ rows: 144 });
    const again = runCliJson([...mineArgs, "--engine", search, "--store", negatives], folder.path);
    expect(again["batches_resumed"], "the run records are in the store too: a re-run resumes").toBe(again["batches"]);
  });

  it("eval --store reads the queries from the store and gives the figures of one engine holding everything", () => {
    const evalArgs = ["eval", "--docs-collection", "sample", "--queries-collection", "sample-test"];
    const split = runCliJson([...evalArgs, "--engine", search, "--store", negatives], folder.path);
    const together = runCliJson([...evalArgs, "--engine", single], folder.path);
    expect(split, "same metrics as one engine").toEqual(together);
    expect(split["queries"], "every sample test query evaluated").toBe(48);
  });

  it("without --store, mine looks for the queries in --engine and says where they are missing", () => {
    const result = runCli([...mineArgs, "--engine", search], folder.path);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('collection "sample-test": does not exist');
  });

  it("a --report over the store's database is refused before mining", () => {
    const report = join(folder.path, "negatives.db");
    const result = runCli([...mineArgs, "--engine", search, "--store", negatives, "--report", report], folder.path);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`is the database file of --engine ${negatives}`);
  });
});
