/**
 * Chaos: the failures around a run, replayed with real CLI processes on the local engine, each
 * followed by a check that the committed data equals a clean run's and nothing else changed.
 * - `kill -9` during load (at several points), mine and export;
 * - bad input: a re-load bad at line 2,501, a BEIR folder with a bad qrels line;
 * - a full disk: a small tmpfs, where this machine lets the test mount one (skipped, with the
 *   reason printed, where it does not).
 * Concurrent writers are covered by `concurrent-writers.test.ts`, exports onto the engine's own
 * files by the export tests.
 */
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openLocalBackend } from "@hardneg/backend-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliJson, sampleFolder, scifactAvailable, scifactFolder, startCli, temporaryFolder } from "./test-support.js";

const folder = temporaryFolder();
afterAll(() => folder.remove());

/**
 * Every collection of a local database with its records, in a canonical form. Load bookkeeping
 * is left out: `hardneg_loads` (process ids and times) and the staging collection a killed load
 * leaves, which no command reads and the next load of that collection removes (checked below).
 */
async function snapshot(database: string): Promise<Record<string, Record<string, unknown>>> {
  if (!existsSync(database)) return {};
  const backend = await openLocalBackend(database);
  try {
    const raw = (backend.driver as unknown as { store: { database: { prepare(sql: string): { pluck(): { all(): string[] } } } } }).store
      .database;
    const names = raw
      .prepare("SELECT name FROM collections ORDER BY name")
      .pluck()
      .all()
      .filter((name) => name !== "hardneg_loads" && !name.includes(".staging-"));
    const collections: Record<string, Record<string, unknown>> = {};
    for (const name of names) {
      const records: Record<string, unknown> = {};
      for await (const batch of backend.iterate(name))
        for (const record of batch) records[record.id] = withoutResumeCount(record.properties);
      collections[name] = records;
    }
    return collections;
  } finally {
    await backend.close();
  }
}

/** A run manifest's report counts the batches its attempt resumed: not data, and not equal to a clean run's. */
function withoutResumeCount(properties: Record<string, unknown>): Record<string, unknown> {
  const report = properties["report"] as Record<string, unknown> | undefined;
  if (properties["type"] !== "run" || report === undefined) return properties;
  const { batches_resumed: _resumed, ...rest } = report;
  return { ...properties, report: rest };
}

/** Starts a CLI process and kills it with SIGKILL after `delayMs` (or when it ends first); true when it was killed. */
async function killAfter(args: string[], delayMs: number): Promise<boolean> {
  const child = startCli(args, folder.path);
  const timer = setTimeout(() => child.kill("SIGKILL"), delayMs);
  const [, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return signal === "SIGKILL";
}

/** A copy of the sample with `corpus.jsonl` line `badLine` broken (or the qrels line). */
function brokenSample(name: string, file: "corpus.jsonl" | "qrels/test.tsv", badLine: number): string {
  const copy = join(folder.path, name);
  cpSync(sampleFolder, copy, { recursive: true });
  const path = join(copy, file);
  const lines = readFileSync(path, "utf8").split("\n");
  lines[badLine - 1] = file === "corpus.jsonl" ? '{"_id": "broken", "text": ' : "q01\td001\tnot-a-grade";
  writeFileSync(path, lines.join("\n"));
  return copy;
}

describe("chaos: failures leave committed data equal to a clean run", () => {
  const clean = join(folder.path, "clean.db");
  const mineArgs = (database: string) => [
    "mine",
    "--docs-collection",
    "sample",
    "--queries-collection",
    "sample-test",
    "--out-collection",
    "negatives",
    "--negatives-per-query",
    "5",
    "--batch-size",
    "2",
    "--concurrency",
    "1",
    "--engine",
    `local:${database}`,
  ];
  let cleanSnapshot: Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    runCliJson(["load", "beir", sampleFolder, "--split", "test", "--engine", `local:${clean}`], folder.path);
    runCliJson(mineArgs(clean), folder.path);
    cleanSnapshot = await snapshot(clean);
  }, 60_000);

  it("kill -9 at any point of a re-load leaves the collections as they were; the next load cleans up and completes", async () => {
    const database = join(folder.path, "reload.db");
    runCliJson(["load", "beir", sampleFolder, "--split", "test", "--engine", `local:${database}`], folder.path);
    const before = await snapshot(database);
    for (const delayMs of [30, 120, 250, 400, 700]) {
      await killAfter(["load", "beir", sampleFolder, "--split", "test", "--engine", `local:${database}`], delayMs);
      expect(await snapshot(database), `killed after ${delayMs} ms`).toEqual(before);
    }
    runCliJson(["load", "beir", sampleFolder, "--split", "test", "--engine", `local:${database}`], folder.path);
    expect(await snapshot(database)).toEqual(before);
    // No staging collection of a killed load survives the next load.
    const backend = await openLocalBackend(database);
    const names = (
      backend.driver as unknown as { store: { database: { prepare(sql: string): { pluck(): { all(): string[] } } } } }
    ).store.database
      .prepare("SELECT name FROM collections")
      .pluck()
      .all();
    await backend.close();
    expect(names.filter((name) => name.includes(".staging-"))).toEqual([]);
  }, 120_000);

  it("kill -9 during a first load leaves no collection for mine to mine (it refuses), and a re-load works", async () => {
    const database = join(folder.path, "first-load.db");
    for (const delayMs of [80, 200, 350]) {
      await killAfter(["load", "beir", sampleFolder, "--split", "test", "--engine", `local:${database}`], delayMs);
      const after = await snapshot(database);
      // Each collection is all or nothing: absent, or complete (the corpus is swapped in just
      // before the queries, so a kill between the two leaves the corpus alone).
      if (after["sample"] !== undefined) expect(Object.keys(after["sample"])).toHaveLength(300);
      if (after["sample-test"] !== undefined) expect(Object.keys(after["sample-test"])).toHaveLength(48);
      if (after["sample"] === undefined || after["sample-test"] === undefined) {
        const refused = runCli(mineArgs(database), folder.path);
        expect(refused.status).toBe(2);
        expect(refused.stderr).toMatch(/collection "sample(-test)?".*does not exist|no hardneg database at/);
      }
    }
    runCliJson(["load", "beir", sampleFolder, "--split", "test", "--engine", `local:${database}`], folder.path);
    runCliJson(mineArgs(database), folder.path);
    expect(await snapshot(database)).toEqual(cleanSnapshot);
  }, 120_000);

  it("kill -9 during mine at several points, then a re-run: the data equals a clean run's", async () => {
    const database = join(folder.path, "mine.db");
    runCliJson(["load", "beir", sampleFolder, "--split", "test", "--engine", `local:${database}`], folder.path);
    for (const delayMs of [300, 500, 800]) await killAfter(mineArgs(database), delayMs);
    runCliJson(mineArgs(database), folder.path);
    expect(await snapshot(database)).toEqual(cleanSnapshot);
  }, 120_000);

  it("kill -9 during mine with searches in threads, two batches in flight, then a re-run: the data equals a clean run's", async () => {
    const database = join(folder.path, "mine-threads.db");
    runCliJson(["load", "beir", sampleFolder, "--split", "test", "--engine", `local:${database}`], folder.path);
    const threaded = mineArgs(database).map((argument, position, all) => (all[position - 1] === "--concurrency" ? "2" : argument));
    threaded.push("--search-threads", "2");
    // The whole run takes about 0.35 s here: the first two kills always land, at start-up or mid-run.
    const killed = [];
    for (const delayMs of [100, 200, 280]) killed.push(await killAfter(threaded, delayMs));
    expect(killed.filter(Boolean).length).toBeGreaterThanOrEqual(2);
    runCliJson(threaded, folder.path);
    expect(await snapshot(database)).toEqual(cleanSnapshot);
  }, 120_000);

  it("kill -9 during export leaves the output absent or complete, never partial, and the database unchanged", async () => {
    const output = join(folder.path, "export", "negatives.jsonl");
    mkdirSync(join(folder.path, "export"), { recursive: true });
    const complete = runCliJson(
      ["export", "--collection", "negatives", "--format", "seed", "--output", output, "--engine", `local:${clean}`],
      folder.path,
    );
    const expected = readFileSync(output, "utf8");
    expect(expected.trim().split("\n")).toHaveLength(complete["lines"]);
    for (const delayMs of [40, 120, 250]) {
      rmSync(output, { force: true });
      await killAfter(
        ["export", "--collection", "negatives", "--format", "seed", "--output", output, "--engine", `local:${clean}`],
        delayMs,
      );
      if (existsSync(output)) expect(readFileSync(output, "utf8"), `killed after ${delayMs} ms`).toBe(expected);
    }
    expect(await snapshot(clean)).toEqual(cleanSnapshot);
  }, 120_000);

  it("a re-load from a corpus bad at a line fails naming file and line, and changes nothing", async () => {
    const database = join(folder.path, "bad-reload.db");
    runCliJson(["load", "beir", sampleFolder, "--split", "test", "--engine", `local:${database}`], folder.path);
    const before = await snapshot(database);
    const broken = brokenSample("broken-corpus", "corpus.jsonl", 251);
    const failed = runCli(
      [
        "load",
        "beir",
        broken,
        "--split",
        "test",
        "--docs-collection",
        "sample",
        "--queries-collection",
        "sample-test",
        "--engine",
        `local:${database}`,
      ],
      folder.path,
    );
    expect(failed.status).toBe(2);
    expect(failed.stderr).toContain("corpus.jsonl:251");
    expect(await snapshot(database)).toEqual(before);
  });

  it("a BEIR folder with a bad qrels line is refused before anything is written", async () => {
    const database = join(folder.path, "bad-qrels.db");
    const broken = brokenSample("broken-qrels", "qrels/test.tsv", 3);
    const failed = runCli(["load", "beir", broken, "--split", "test", "--engine", `local:${database}`], folder.path);
    expect(failed.status).toBe(2);
    expect(failed.stderr).toContain("test.tsv:3");
    expect(await snapshot(database)).toEqual({});
  });
});

/** Mounts a tmpfs of `size` at `path`, or returns why it cannot (not root, no permission, no mount). */
function mountTmpfs(path: string, size: string): string | undefined {
  mkdirSync(path, { recursive: true });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", path], { stdio: "pipe" });
    return undefined;
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim() || "mount failed";
  }
}

const diskFolder = join(folder.path, "small-disk");
const scifact = scifactAvailable();
const mountRefusal = scifact ? mountTmpfs(diskFolder, "3m") : "SciFact is absent";
if (mountRefusal !== undefined) console.warn(`\n!!! SKIPPING the full-disk chaos test: cannot mount a 3 MiB tmpfs (${mountRefusal})\n`);

describe.skipIf(mountRefusal !== undefined)("chaos: a full disk (3 MiB tmpfs)", () => {
  afterAll(() => {
    try {
      execFileSync("umount", [diskFolder]);
    } catch {
      // Left mounted only if the test process lost its privileges; the temp folder goes anyway.
    }
  });

  it("loading SciFact onto a full disk fails in one line with the disk's own cause, and the sample loaded before is intact", async () => {
    const database = join(diskFolder, "disk.db");
    runCliJson(["load", "beir", sampleFolder, "--split", "test", "--engine", `local:${database}`], folder.path);
    const before = await snapshot(database);
    const failed = runCli(["load", "beir", scifactFolder, "--split", "test", "--engine", `local:${database}`], folder.path);
    expect(failed.status).toBe(1);
    expect(failed.stderr.trim().split("\n")).toHaveLength(1);
    expect(failed.stderr).toMatch(/full|ENOSPC|no space/i);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    // Free the space SQLite may have kept, then check nothing changed.
    const copy = join(folder.path, "disk-copy.db");
    for (const suffix of ["", "-wal", "-shm"]) if (existsSync(database + suffix)) copyFileSync(database + suffix, copy + suffix);
    expect(await snapshot(copy)).toEqual(before);
    expect(readdirSync(diskFolder).filter((file) => file.includes(".tmp"))).toEqual([]);
  }, 120_000);
});
