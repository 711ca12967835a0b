import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliEntry, repoRoot, sampleFolder, temporaryFolder } from "./test-support.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function folder(): string {
  const { path, remove } = temporaryFolder();
  cleanups.push(remove);
  return path;
}

/** Runs `command` as a user's shell would: found on PATH, in `cwd`. */
function runOnPath(binFolder: string, cwd: string, args: string[]) {
  const env = { ...process.env, PATH: `${binFolder}:${process.env["PATH"] ?? ""}` };
  return spawnSync("hardneg", args, { cwd, env, encoding: "utf8" });
}

describe("the hardneg launcher that set-up installs", () => {
  it("runs the CLI from a folder outside the repository, with paths relative to that folder", () => {
    const binFolder = join(folder(), "bin");
    const install = spawnSync("bash", [join(repoRoot, "scripts/install-launcher.sh"), binFolder], { encoding: "utf8" });
    expect(install.status, install.stderr).toBe(0);
    expect(readFileSync(join(binFolder, "hardneg"), "utf8"), "a shell launcher").toMatch(/^#!\/bin\/sh\n/);

    const work = folder();
    mkdirSync(join(work, "data"));
    cpSync(sampleFolder, join(work, "data/sample"), { recursive: true });
    const load = runOnPath(binFolder, work, ["load", "beir", "data/sample", "--split", "test", "--json"]);
    expect(load.status, load.stderr).toBe(0);
    expect(JSON.parse(load.stdout), "the relative path was read from the working folder").toMatchObject({ documents: 300, queries: 48 });
    expect(existsSync(join(work, "hardneg.db")), "the default engine file is in the working folder").toBe(true);
    expect(existsSync(join(repoRoot, "data")), "nothing was written in the repository").toBe(false);

    const failed = runOnPath(binFolder, work, ["export", "--collection", "missing", "--format", "triplets", "--output", "x.jsonl"]);
    expect(failed.status, "an error exits non-zero through the launcher").not.toBe(0);
    expect(failed.stderr, "no package-manager noise after the error").not.toMatch(/ELIFECYCLE/);
  });
});

describe("a closed stdout", () => {
  it("ends the command quietly when the reader stops reading, without a stack trace", () => {
    // `true` exits without reading, so every write of the help text meets a closed pipe.
    const result = spawnSync("bash", ["-c", `"${process.execPath}" "${cliEntry}" --help | true; echo "exit \${PIPESTATUS[0]}" >&2`], {
      encoding: "utf8",
    });
    expect(result.stderr, "nothing but the exit status on stderr").toBe("exit 0\n");
  });
});
