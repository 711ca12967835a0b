import { spawnSync } from "node:child_process";
import { mkdtempSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A folder shown read-only at `path` (a bind mount); `release` unmounts it and removes the mount point. */
export interface ReadOnlyMount {
  path: string;
  release: () => void;
}

/**
 * Shows `source` read-only at a new folder, the way a database on read-only media looks: a bind
 * mount remounted `ro`. Needs root with CAP_SYS_ADMIN on Linux; returns the reason when that is
 * not possible, so tests can skip loudly instead of failing on a laptop or in a locked container.
 */
export function mountReadOnly(source: string): ReadOnlyMount | { problem: string } {
  if (process.platform !== "linux") return { problem: `read-only bind mounts need Linux, this is ${process.platform}` };
  const path = mkdtempSync(join(tmpdir(), "hardneg-read-only-"));
  const run = (...args: string[]) => spawnSync("mount", args, { encoding: "utf8" });
  const bound = run("--bind", source, path);
  if (bound.status !== 0) {
    rmdirSync(path);
    return { problem: `cannot bind-mount (${(bound.stderr || bound.error?.message || "").trim()})` };
  }
  const release = () => {
    if (spawnSync("umount", [path]).status !== 0) spawnSync("umount", ["-l", path]);
    rmdirSync(path);
  };
  const remounted = run("-o", "remount,ro,bind", path);
  if (remounted.status !== 0) {
    release();
    return { problem: `cannot remount read-only (${remounted.stderr.trim()})` };
  }
  try {
    // Proof that it is read-only even for root, which file permissions would not stop.
    writeFileSync(join(path, ".write-probe"), "");
    rmSync(join(path, ".write-probe"));
    release();
    return { problem: "the read-only remount still accepts writes" };
  } catch {
    return { path, release };
  }
}

/** Why read-only mounts cannot be made here, or undefined when they can (tries one on an empty folder). */
export function readOnlyMountProblem(): string | undefined {
  const source = mkdtempSync(join(tmpdir(), "hardneg-mount-probe-"));
  try {
    const mount = mountReadOnly(source);
    if ("problem" in mount) return mount.problem;
    mount.release();
    return undefined;
  } finally {
    rmdirSync(source);
  }
}
