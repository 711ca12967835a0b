import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, temporaryFolder } from "./test-support.js";

/**
 * Only `load` may create a database. Every other command, pointed at a local file or LanceDB
 * folder that does not exist (a typo, the wrong working directory), must say so on one line
 * naming the path, exit 2, and leave nothing behind: no empty database, no folder.
 */
const folder = temporaryFolder();
afterAll(() => folder.remove());

/** Arguments of each command that must not create, for an engine spec; outputs go to `outputs`. */
const commands: Record<string, (engine: string, outputs: string) => string[]> = {
  eval: (engine) => ["eval", "--docs-collection", "sample", "--queries-collection", "sample-test", "--engine", engine],
  export: (engine, outputs) => [
    "export",
    "--collection",
    "negatives",
    "--format",
    "triplets",
    "--output",
    join(outputs, "triplets.jsonl"),
    "--engine",
    engine,
  ],
  report: (engine, outputs) => ["report", "negatives", "--output", join(outputs, "report.html"), "--engine", engine],
  mine: (engine) => [
    "mine",
    "--docs-collection",
    "sample",
    "--queries-collection",
    "sample-test",
    "--out-collection",
    "negatives",
    "--negatives-per-query",
    "2",
    "--engine",
    engine,
  ],
  compare: (engine) => [
    "compare",
    "--docs-collection",
    "sample",
    "--queries-collection",
    "sample-test",
    "--negatives-per-query",
    "2",
    "--engine",
    engine,
  ],
  // The judge is never called: the engine is opened first. Port 9 (discard) is never listened on here.
  judge: (engine) => [
    "judge",
    "--collection",
    "negatives",
    "--judge",
    "llm",
    "--judge-model",
    "m",
    "--judge-base-url",
    "http://127.0.0.1:9/v1",
    "--engine",
    engine,
  ],
};

/** Where each engine looks, inside a folder of its own that must stay empty. */
const engines: Record<string, (parent: string) => { spec: string; path: string }> = {
  "local file in a missing folder": (parent) => ({
    spec: `local:${join(parent, "missing", "hardneg.db")}`,
    path: join(parent, "missing", "hardneg.db"),
  }),
  "local file in an existing folder": (parent) => ({ spec: `local:${join(parent, "hardneg.db")}`, path: join(parent, "hardneg.db") }),
  "LanceDB folder": (parent) => ({ spec: `lancedb:${join(parent, "lance")}`, path: join(parent, "lance") }),
};

describe("commands other than load on a database that does not exist", () => {
  let count = 0;
  for (const [engineKind, engineAt] of Object.entries(engines)) {
    for (const [command, argumentsFor] of Object.entries(commands)) {
      it(`${command} on a missing ${engineKind}: exit 2, one line naming the path, nothing created`, () => {
        const parent = join(folder.path, `case-${++count}`);
        const outputs = join(folder.path, `outputs-${count}`);
        mkdirSync(parent);
        mkdirSync(outputs);
        const { spec, path } = engineAt(parent);
        const result = runCli(argumentsFor(spec, outputs), outputs);
        expect(result.stderr.trim().split("\n")).toHaveLength(1);
        expect(result.stderr).toContain(path);
        expect(result.stderr).toMatch(/no hardneg (database|LanceDB folder) at .*; load one first/);
        expect(result.status).toBe(2);
        expect(readdirSync(parent)).toEqual([]);
        expect(readdirSync(outputs)).toEqual([]);
      });
    }
  }
});
