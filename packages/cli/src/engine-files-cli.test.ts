import { existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { openLocalBackend } from "@hardneg/backend-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliJson, sampleFolder, temporaryFolder, type CliResult } from "./test-support.js";

const folder = temporaryFolder();
const database = join(folder.path, "sample.db");
const engine = ["--engine", `local:${database}`];
afterAll(() => folder.remove());

beforeAll(() => {
  runCliJson(["load", "beir", sampleFolder, "--split", "test", ...engine], folder.path);
  runCliJson(
    [
      "mine",
      "--docs-collection",
      "sample",
      "--queries-collection",
      "sample-test",
      "--out-collection",
      "negatives",
      "--negatives-per-query",
      "5",
      ...engine,
    ],
    folder.path,
  );
  mkdirSync(join(folder.path, "sub"));
  symlinkSync(database, join(folder.path, "link-to-database.db"));
});

/** A refusal: exit 2, one line on stderr naming the option, the output as given and the engine file. */
function expectRefused(result: CliResult, option: string, output: string, role: string): void {
  expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 2, stdout: "" });
  expect(result.stderr.endsWith("\n")).toBe(true);
  expect(result.stderr.trim().split("\n")).toHaveLength(1);
  expect(result.stderr).toContain(`option ${option}: ${JSON.stringify(output)} ${role}`);
}

/** The engine still holds everything it held: the corpus, the queries and the mined rows. */
async function expectEngineIntact(): Promise<void> {
  const store = await openLocalBackend(database);
  try {
    expect(await store.count("sample")).toBe(300);
    expect(await store.count("sample-test")).toBe(48);
    expect(await store.count("negatives")).toBe(240);
  } finally {
    await store.close();
  }
}

describe("outputs onto the engine's own files", () => {
  it("export refuses the database, its WAL, its index folder, and the same reached through '..' or a symlink, losing no data", async () => {
    for (const [output, role] of [
      ["sample.db", "is the database file"],
      [database, "is the database file"],
      ["./sub/../sample.db", "is the database file"],
      ["link-to-database.db", "is the database file"],
      ["sample.db-wal", "is the write-ahead log"],
      ["sample.db-shm", "is the shared-memory index of the write-ahead log"],
      ["sample.db-journal", "is the rollback journal"],
      ["sample.db.bm25/export.jsonl", "is inside the BM25 index and vector folder"],
    ] as const) {
      expectRefused(
        runCli(["export", "--collection", "negatives", "--format", "seed", "--output", output, ...engine], folder.path),
        "--output",
        output,
        role,
      );
    }
    expect(existsSync(join(folder.path, "sample.db-journal"))).toBe(false);
    expect(existsSync(join(folder.path, "sample.db.bm25", "export.jsonl"))).toBe(false);
    await expectEngineIntact();
    const exported = runCliJson(
      ["export", "--collection", "negatives", "--format", "seed", "--output", "negatives.jsonl", ...engine],
      folder.path,
    );
    expect(exported["lines"]).toBe(240);
    expect(readFileSync(join(folder.path, "negatives.jsonl"), "utf8").trim().split("\n")).toHaveLength(240);
  });

  it("report --output, mine --report, compare --report and eval --per-query refuse them too", async () => {
    expectRefused(
      runCli(["report", "negatives", "--output", "sample.db", ...engine], folder.path),
      "--output",
      "sample.db",
      "is the database file",
    );
    expectRefused(
      runCli(
        [
          "mine",
          "--docs-collection",
          "sample",
          "--queries-collection",
          "sample-test",
          "--out-collection",
          "more-negatives",
          "--negatives-per-query",
          "2",
          "--report",
          "sample.db-wal",
          ...engine,
        ],
        folder.path,
      ),
      "--report",
      "sample.db-wal",
      "is the write-ahead log",
    );
    expectRefused(
      runCli(
        [
          "compare",
          "--docs-collection",
          "sample",
          "--queries-collection",
          "sample-test",
          "--negatives-per-query",
          "2",
          "--engine",
          "local::memory:",
          "--engine",
          `local:${database}`,
          "--report",
          "sample.db.bm25/compare.html",
        ],
        folder.path,
      ),
      "--report",
      "sample.db.bm25/compare.html",
      "is inside the BM25 index and vector folder",
    );
    expectRefused(
      runCli(
        ["eval", "--docs-collection", "sample", "--queries-collection", "sample-test", "--per-query", "link-to-database.db", ...engine],
        folder.path,
      ),
      "--per-query",
      "link-to-database.db",
      "is the database file",
    );
    await expectEngineIntact();
    const store = await openLocalBackend(database);
    try {
      // Refused before mining: no run wrote anything.
      expect(await store.hasCollection("more-negatives")).toBe(false);
      expect(await store.hasCollection("compare_best")).toBe(false);
    } finally {
      await store.close();
    }
  });

  it("export refuses a file inside a LanceDB engine's folder", () => {
    const lance = join(folder.path, "lance");
    // An existing engine: only load creates one, so a missing folder is refused before the output is looked at.
    runCliJson(["load", "beir", sampleFolder, "--split", "test", "--engine", `lancedb:${lance}`], folder.path);
    const output = join(lance, "export.jsonl");
    expectRefused(
      runCli(["export", "--collection", "negatives", "--format", "seed", "--output", output, "--engine", `lancedb:${lance}`], folder.path),
      "--output",
      output,
      "is inside the LanceDB folder",
    );
    expect(existsSync(output)).toBe(false);
  });
});
