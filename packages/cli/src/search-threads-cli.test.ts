import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, runCliJson, sampleFolder, temporaryFolder } from "./test-support.js";

/** `--search-threads` moves the local engine's BM25 searches into threads; the rows must not change. */
const folder = temporaryFolder();
afterAll(() => folder.remove());

describe("mine --search-threads (local engine)", () => {
  it("writes the same rows with searches in threads as on the main thread, whatever --concurrency", () => {
    const engine = ["--engine", `local:${join(folder.path, "threads.db")}`];
    runCliJson(["load", "beir", sampleFolder, ...engine], folder.path);
    const exported = (threads: string, concurrency: string) => {
      const collection = `negatives-${threads}-${concurrency}`;
      const mined = runCliJson(
        ["mine", ...engine, "--docs-collection", "sample", "--queries-collection", "sample-test", "--out-collection", collection].concat([
          "--negatives-per-query",
          "5",
          "--batch-size",
          "10",
          "--search-threads",
          threads,
          "--concurrency",
          concurrency,
        ]),
        folder.path,
      );
      expect(mined.rows_written).toBe(240);
      const output = join(folder.path, `${collection}.jsonl`);
      runCliJson(["export", "--collection", collection, "--format", "seed", "--output", output, ...engine], folder.path);
      // Row and run ids name the out collection, which differs on purpose; everything else must match.
      return readFileSync(output, "utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => {
          const { id: _id, run_id: _runId, ...row } = JSON.parse(line) as Record<string, unknown>;
          return row;
        });
    };
    const mainThread = exported("0", "1");
    expect(mainThread).toHaveLength(240);
    // One batch in flight: batches commit in order, so even the row order matches.
    expect(exported("2", "1")).toEqual(mainThread);
    // Several in flight: batches commit as they finish (as with any engine), so compare in query order.
    const inQueryOrder = (rows: Array<Record<string, unknown>>) =>
      rows.toSorted(
        (left, right) => String(left["query_id"]).localeCompare(String(right["query_id"])) || Number(left["rank"]) - Number(right["rank"]),
      );
    for (const [threads, concurrency] of [
      ["2", "3"],
      ["1", "2"],
    ] as const) {
      expect(inQueryOrder(exported(threads, concurrency)), `--search-threads ${threads} --concurrency ${concurrency}`).toEqual(
        inQueryOrder(mainThread),
      );
    }
  });

  it("refuses a thread count that is not auto or a whole number from 0 to 64 (exit 2, naming the option)", () => {
    const result = runCli(
      ["mine", "--engine", "local:none.db", "--search-threads", "-1"].concat(["--negatives-per-query", "5"]),
      folder.path,
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--search-threads");
  });
});
