import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, runCli, runCliJson, temporaryFolder, type CliResult } from "./test-support.js";

const folder = temporaryFolder();
afterAll(() => folder.remove());

const documents = join(folder.path, "docs.jsonl");
const loadInto = (engine: string) => ["load", documents, "--collection", "docs", "--content-key", "text", "--engine", engine];

/** The failure printed one line naming `path`, with no stack frame, and exited with `status`. */
function expectOneLineFailure(result: CliResult, status: number, path: string): void {
  expect(result.status, result.stderr).toBe(status);
  expect(result.stderr.trim().split("\n"), result.stderr).toHaveLength(1);
  expect(result.stderr).toContain(path);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain("unexpected failure");
}

beforeAll(() => {
  writeFileSync(documents, '{"id": "d1", "text": "espresso grind size"}\n{"id": "d2", "text": "french press steeping"}\n');
});

describe("hardneg on operational failures: one line, never a stack trace", () => {
  it("a database that cannot be opened (SQLITE_CANTOPEN) names it, exit 1", () => {
    expectOneLineFailure(runCli(loadInto("local:/proc/hardneg.db"), folder.path), 1, "/proc/hardneg.db");
  });

  it("a database path under a file (a file where a folder is needed) names the file, exit 2", () => {
    const result = runCli(loadInto(`local:${join(documents, "hardneg.db")}`), folder.path);
    expectOneLineFailure(result, 2, documents);
    expect(result.stderr).toContain("is a file, but a folder is needed there");
  });

  it("a file that is not a database (SQLITE_NOTADB) names it, exit 2", () => {
    const result = runCli(loadInto(`local:${documents}`), folder.path);
    expectOneLineFailure(result, 2, documents);
    expect(result.stderr).toContain("is not a SQLite database");
  });

  it("a database locked by another process (SQLITE_BUSY) names it, exit 1", async () => {
    const database = join(folder.path, "locked.db");
    const betterSqlite = createRequire(join(repoRoot, "packages/backend-local/package.json")).resolve("better-sqlite3");
    // Another process holds an exclusive transaction until killed, as a second hardneg run would.
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `
      const db = new (require(${JSON.stringify(betterSqlite)}))(${JSON.stringify(database)});
      db.pragma("journal_mode = WAL"); db.exec("CREATE TABLE t (x)"); db.exec("BEGIN EXCLUSIVE"); db.exec("INSERT INTO t VALUES (1)");
      console.log("locked"); setInterval(() => {}, 1000);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await once(holder.stdout!, "data");
      // Writers wait their turn (5 minutes by default); this one gives up after a second.
      const result = runCli(loadInto(`local:${database}`), folder.path, { HARDNEG_BUSY_TIMEOUT_MS: "1000" });
      expectOneLineFailure(result, 1, database);
      expect(result.stderr).toContain("SQLITE_BUSY");
    } finally {
      holder.kill();
    }
  });

  it("a missing input file names it, exit 2", () => {
    const missing = join(folder.path, "absent.jsonl");
    expectOneLineFailure(
      runCli(
        ["load", missing, "--collection", "x", "--content-key", "text", "--engine", `local:${join(folder.path, "h.db")}`],
        folder.path,
      ),
      2,
      missing,
    );
  });

  describe("writing output where a folder is (EISDIR): export, report and eval name it, exit 2", () => {
    const engine = ["--engine", `local:${join(folder.path, "mined.db")}`];
    const outputFolder = join(folder.path, "an-output-folder");
    beforeAll(() => {
      const dataset = join(folder.path, "tiny-beir");
      mkdirSync(join(dataset, "qrels"), { recursive: true });
      writeFileSync(
        join(dataset, "corpus.jsonl"),
        ["espresso grind size", "french press steeping", "espresso machine descaling", "cold brew ratio"]
          .map((text, index) => JSON.stringify({ _id: `d${index + 1}`, title: "", text }))
          .join("\n"),
      );
      writeFileSync(join(dataset, "queries.jsonl"), '{"_id": "q1", "text": "espresso grind"}\n');
      writeFileSync(join(dataset, "qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
      runCliJson(["load", "beir", dataset, ...engine], folder.path);
      runCliJson(
        [
          "mine",
          "--docs-collection",
          "tiny-beir",
          "--queries-collection",
          "tiny-beir-test",
          "--out-collection",
          "negatives",
          "--negatives-per-query",
          "2",
          ...engine,
        ],
        folder.path,
      );
      mkdirSync(outputFolder);
    });

    it("export --output <a folder>", () => {
      const result = runCli(
        ["export", "--collection", "negatives", "--format", "triplets", "--output", outputFolder, ...engine],
        folder.path,
      );
      expectOneLineFailure(result, 2, outputFolder);
      expect(result.stderr).toContain("is a folder, expected a file (EISDIR");
    });

    it("report --output <a folder>", () => {
      expectOneLineFailure(runCli(["report", "negatives", "--output", outputFolder, ...engine], folder.path), 2, outputFolder);
    });

    it("eval --per-query <a folder>", () => {
      expectOneLineFailure(
        runCli(
          ["eval", "--docs-collection", "tiny-beir", "--queries-collection", "tiny-beir-test", "--per-query", outputFolder, ...engine],
          folder.path,
        ),
        2,
        outputFolder,
      );
    });
  });
});
