import { cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mountReadOnly, readOnlyMountProblem, type ReadOnlyMount } from "../../backend-local/src/__fixtures__/read-only-mount.js";
import { runCli, runCliJson, sampleFolder, temporaryFolder } from "./test-support.js";

/**
 * The commands that only read (eval, export to a file elsewhere, report) work on a local
 * database on read-only media, a read-only bind mount here, which stops even root. Skips loudly
 * where mounting is not permitted.
 */
const problem = readOnlyMountProblem();
if (problem !== undefined) console.warn(`[hardneg] read-only media CLI tests skipped: ${problem}`);

const folder = temporaryFolder();
const source = join(folder.path, "media");
const outputs = join(folder.path, "outputs");
afterAll(() => folder.remove());
const mounts: ReadOnlyMount[] = [];
afterEach(() => {
  for (const mount of mounts.splice(0)) mount.release();
});

function readOnly(path: string): string {
  const mount = mountReadOnly(path);
  if ("problem" in mount) throw new Error(mount.problem);
  mounts.push(mount);
  return mount.path;
}

const evalArgs = ["eval", "--docs-collection", "sample", "--queries-collection", "sample-test"];
const exportArgs = (output: string) => ["export", "--collection", "negatives", "--format", "triplets", "--output", output];

describe.skipIf(problem !== undefined)(
  `hardneg on a database on read-only media${problem === undefined ? "" : ` (skipped: ${problem})`}`,
  () => {
    /** What eval prints on the writable original. */
    let evaluated: Record<string, unknown>;

    beforeAll(() => {
      mkdirSync(source);
      mkdirSync(outputs);
      const engine = ["--engine", `local:${join(source, "hardneg.db")}`];
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
          "3",
          ...engine,
        ],
        folder.path,
      );
      evaluated = runCliJson([...evalArgs, ...engine], folder.path);
      runCliJson([...exportArgs(join(outputs, "writable.jsonl")), ...engine], folder.path);
    });

    it("eval, export to another folder and report succeed, equal to the writable original, and print nothing on stderr", () => {
      const engine = ["--engine", `local:${join(readOnly(source), "hardneg.db")}`];
      const evaluation = runCli([...evalArgs, ...engine, "--json"], folder.path);
      expect(evaluation.stderr).toBe("");
      expect(evaluation.status).toBe(0);
      expect(JSON.parse(evaluation.stdout)).toEqual(evaluated);

      const exported = runCli([...exportArgs(join(outputs, "read-only.jsonl")), ...engine, "--json"], folder.path);
      expect(exported.stderr).toBe("");
      expect(exported.status).toBe(0);
      expect(readFileSync(join(outputs, "read-only.jsonl"), "utf8")).toBe(readFileSync(join(outputs, "writable.jsonl"), "utf8"));

      const reported = runCli(["report", "negatives", "--output", join(outputs, "report.html"), ...engine, "--json"], folder.path);
      expect(reported.stderr).toBe("");
      expect(reported.status).toBe(0);
      expect(readFileSync(join(outputs, "report.html"), "utf8")).toContain("<html");
    });

    it("eval without a saved index builds it in memory: same numbers, and one warning line that it could not be saved", () => {
      const withoutIndex = join(folder.path, "media-without-index");
      mkdirSync(withoutIndex);
      cpSync(join(source, "hardneg.db"), join(withoutIndex, "hardneg.db"));
      const evaluation = runCli([...evalArgs, "--engine", `local:${join(readOnly(withoutIndex), "hardneg.db")}`, "--json"], folder.path);
      expect(evaluation.status).toBe(0);
      expect(JSON.parse(evaluation.stdout)).toEqual(evaluated);
      const lines = evaluation.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^\[hardneg\] \[local\] warning: could not write BM25 index file .*; searching from memory/);
      expect(existsSync(join(withoutIndex, "hardneg.db.bm25"))).toBe(false);
    });

    it("a command that writes (mine) fails with one line naming the path, exit 1 (the machine refuses: an operational failure)", () => {
      const path = join(readOnly(source), "hardneg.db");
      const result = runCli(
        [
          "mine",
          "--docs-collection",
          "sample",
          "--queries-collection",
          "sample-test",
          "--out-collection",
          "more",
          "--negatives-per-query",
          "3",
          "--engine",
          `local:${path}`,
        ],
        folder.path,
      );
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain(`cannot open ${path} for writing`);
      expect(result.status).toBe(1);
    });
  },
);
