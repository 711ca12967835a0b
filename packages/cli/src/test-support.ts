import { spawn, spawnSync } from "node:child_process";
import { sharedData } from "@hardneg/core/testkit";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "../../..");
export const cliEntry = resolve(here, "../dist/main.js");
export const sampleFolder = join(repoRoot, "examples/sample");
export const scifactFolder = resolve(repoRoot, "../shared/datasets/scifact");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI in `cwd` (with `environment` added to this process's) and returns its exit status and output. */
export function runCli(args: string[], cwd: string, environment: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, [cliEntry, ...args], { cwd, encoding: "utf8", env: { ...process.env, ...environment } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the CLI with `--json` and parses the one JSON object it must print. */
// biome-ignore lint/suspicious/noExplicitAny: the JSON of any command (many shapes); tests read its fields directly
export function runCliJson(args: string[], cwd: string): Record<string, any> {
  const result = runCli([...args, "--json"], cwd);
  if (result.status !== 0) throw new Error(`hardneg ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  const lines = result.stdout.trim().split("\n");
  if (lines.length !== 1) throw new Error(`expected one JSON line, got: ${result.stdout}`);
  return JSON.parse(lines[0]!);
}

/** Starts the CLI without waiting (for kill tests). */
export function startCli(args: string[], cwd: string) {
  return spawn(process.execPath, [cliEntry, ...args], { cwd, stdio: "ignore" });
}

/**
 * Runs the built CLI in `cwd` without blocking this process, so several can run at once;
 * resolves with its exit status and output when it exits.
 */
export function runCliConcurrently(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

export function temporaryFolder(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), "hardneg-cli-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Whether the shared SciFact data is there. Absent: skip loudly, or fail when
 * HARDNEG_REQUIRE_SHARED_DATA=1 (CI), so a missing dataset never passes silently.
 */
export function scifactAvailable(): boolean {
  return sharedData("datasets/scifact", import.meta.url, "corpus.jsonl").available;
}
