import { once } from "node:events";
import { join } from "node:path";
import { openLocalBackend } from "@hardneg/backend-local";
import { RUNS_COLLECTION, type Store, type StoredRecord } from "@hardneg/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliJson, scifactAvailable, scifactFolder, startCli, temporaryFolder } from "./test-support.js";

const available = scifactAvailable();
const folder = temporaryFolder();
afterAll(() => folder.remove());

const mineArgs = (out: string) => [
  "mine",
  "--docs-collection",
  "scifact",
  "--queries-collection",
  "scifact-train",
  "--out-collection",
  out,
  "--negatives-per-query",
  "5",
];

async function rowsOf(database: string, collection: string): Promise<Map<string, StoredRecord["properties"]>> {
  const store = await openLocalBackend(database);
  try {
    const rows = new Map<string, StoredRecord["properties"]>();
    for await (const batch of store.iterate(collection)) for (const row of batch) rows.set(row.id, row.properties);
    return rows;
  } finally {
    await store.close();
  }
}

/** The progress records of committed batches in a database's run records. */
async function committedBatchRecords(store: Store): Promise<StoredRecord["properties"][]> {
  const batches: StoredRecord["properties"][] = [];
  for await (const batch of store.iterate(RUNS_COLLECTION))
    for (const record of batch) if (record.properties["type"] === "batch") batches.push(record.properties);
  return batches;
}

async function committedQueryIds(store: Store): Promise<string[]> {
  return (await committedBatchRecords(store)).flatMap((batch) => batch["query_ids"] as string[]);
}

describe.skipIf(!available)("hardneg on SciFact (real benchmark from ../shared)", () => {
  const database = join(folder.path, "scifact.db");
  const engine = ["--engine", `local:${database}`];

  beforeAll(() => {
    const test = runCliJson(["load", "beir", scifactFolder, "--split", "test", ...engine], folder.path);
    expect(test).toMatchObject({ documents: 5183, queries: 300 });
    const train = runCliJson(["load", "beir", scifactFolder, "--split", "train", ...engine], folder.path);
    expect(train).toMatchObject({ documents: 5183, queries: 809 });
  });

  it("BM25 eval on the test split lands on the reference nDCG@10 (0.67–0.70)", () => {
    const report = runCliJson(
      ["eval", "--docs-collection", "scifact", "--queries-collection", "scifact-test", "--mode", "bm25", ...engine],
      folder.path,
    );
    expect(report["queries"]).toBe(300);
    expect(report["ndcg_at_10"]).toBeGreaterThanOrEqual(0.67);
    expect(report["ndcg_at_10"]).toBeLessThanOrEqual(0.7);
  });

  it("mines train with 5 negatives per query: none is gold, and a re-run leaves the row count unchanged", async () => {
    const first = runCliJson([...mineArgs("train-negatives"), ...engine], folder.path);
    expect(first["queries"]).toBe(809);
    expect(first["rows_written"]).toBe(809 * 5);
    const rows = await rowsOf(database, "train-negatives");
    expect(rows.size).toBe(809 * 5);
    for (const row of rows.values()) {
      expect(row["gold_doc_ids"] as string[]).not.toContain(row["hard_negative_id"]);
    }
    runCliJson([...mineArgs("train-negatives"), ...engine], folder.path);
    expect((await rowsOf(database, "train-negatives")).size).toBe(809 * 5);
  });

  it(
    "a run killed with SIGKILL mid-way holds exactly its committed batches' rows, " + "and its re-run ends with the rows of a clean run",
    async () => {
      const clean = await rowsOf(database, "train-negatives");
      // A second database with the same collections, so the run id and every row id must match.
      const killedDatabase = join(folder.path, "killed.db");
      const killedEngine = ["--engine", `local:${killedDatabase}`];
      runCliJson(["load", "beir", scifactFolder, "--split", "train", ...killedEngine], folder.path);
      const small = ["--batch-size", "4", "--concurrency", "1"];
      const child = startCli([...mineArgs("train-negatives"), ...small, ...killedEngine], folder.path);
      // Kill once a batch has been committed (wherever the kill then lands).
      const store = await openLocalBackend(killedDatabase);
      try {
        for (let attempt = 0; attempt < 4000 && child.exitCode === null; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          if ((await store.hasCollection(RUNS_COLLECTION)) && (await committedQueryIds(store)).length > 0) break;
        }
      } finally {
        await store.close();
      }
      child.kill("SIGKILL");
      await once(child, "exit");

      // A batch's rows and its progress record are one commit: the rows present are exactly those
      // of the committed batches, as a clean run wrote them, whatever the kill point.
      const reopened = await openLocalBackend(killedDatabase);
      const committed = new Set(await committedQueryIds(reopened));
      const batches = (await committedBatchRecords(reopened)).length;
      await reopened.close();
      expect(batches).toBeGreaterThan(0);
      const partial = await rowsOf(killedDatabase, "train-negatives");
      const expected = new Map([...clean].filter(([, row]) => committed.has(String(row["query_id"]))));
      expect(partial).toEqual(expected);

      const resumed = runCliJson([...mineArgs("train-negatives"), ...small, ...killedEngine], folder.path);
      expect(resumed["batches_resumed"]).toBe(batches);
      expect(resumed["rows_written"]).toBe(809 * 5);
      const after = await rowsOf(killedDatabase, "train-negatives");
      expect(after).toEqual(clean);
      const runs = await rowsOf(killedDatabase, RUNS_COLLECTION);
      expect([...runs.values()].some((record) => record["type"] === "run" && record["status"] === "complete")).toBe(true);
    },
  );
});
