import { spawn, type ChildProcess } from "node:child_process";
import { cliEntry, type CliResult } from "../test-support.js";

/**
 * Runs the built CLI without blocking this process: the judge tests serve the judge protocol
 * from this process, so `spawnSync` (which freezes the event loop) would deadlock them.
 */
export function runCliAsync(args: string[], cwd: string, environment: Record<string, string> = {}): Promise<CliResult> {
  const child = startCliWithEnvironment(args, cwd, environment);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** Like `runCliJson`, without blocking: runs with `--json` and parses its one line. */
// biome-ignore lint/suspicious/noExplicitAny: the JSON of any command (many shapes); tests read its fields directly
export async function runCliJsonAsync(args: string[], cwd: string, environment: Record<string, string> = {}): Promise<Record<string, any>> {
  const result = await runCliAsync([...args, "--json"], cwd, environment);
  if (result.status !== 0) throw new Error(`hardneg ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  const lines = result.stdout.trim().split("\n");
  if (lines.length !== 1) throw new Error(`expected one JSON line, got: ${result.stdout}`);
  return JSON.parse(lines[0]!);
}

/** Starts the CLI with extra environment variables (the judge key), piping its output. */
export function startCliWithEnvironment(args: string[], cwd: string, environment: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [cliEntry, ...args], { cwd, env: { ...process.env, ...environment }, stdio: ["ignore", "pipe", "pipe"] });
}
