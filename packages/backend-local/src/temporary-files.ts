/**
 * Names of the temporary files the index and vectors writers fill before renaming, and the
 * removal of those a killed writer left behind (at 200,000 documents one is ~130 MB).
 */
import { createHash } from "node:crypto";
import { readdirSync, rmSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { processExists } from "@hardneg/core";

/**
 * A temporary file untouched for this long is stale whoever wrote it: 1 hour. A live writer
 * touches its file continuously (one index or vectors file is written in seconds, ~1.5 GB of
 * vectors in under a minute), so only a writer suspended mid-write for an hour could lose its
 * file, and then its rename fails and it says so; it never publishes a partial file.
 */
export const STALE_TEMPORARY_AGE_MS = 60 * 60_000;

/**
 * This machine, as 8 hex digits in temporary names: a process id only identifies a writer on
 * the machine (and pid namespace) that wrote it, so another host's temporaries, on a shared
 * folder, are judged by age alone.
 */
const HOST_TAG = createHash("sha256").update(hostname()).digest("hex").slice(0, 8);

/**
 * `<file>.tmp-<pid>-<host tag>-<random>`, also matching the older `<file>.tmp-<pid>-<random>`
 * (no host tag, written on this machine as far as anyone knows). Only files of the
 * `<collection>@<key>.bm25|.vectors|.ann|.ann.json` family are ever considered, so an index folder shared
 * with other files is safe.
 */
const TEMPORARY_NAME =
  /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}@[0-9a-f]{20}\.(?:bm25|vectors|ann|ann\.json)\.tmp-(\d+)-(?:([0-9a-f]{8})-)?[0-9a-z]+$/;

/** A fresh temporary name next to `file`, carrying this process's id and host tag. */
export function temporaryFileFor(file: string): string {
  return `${file}.tmp-${process.pid}-${HOST_TAG}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Removes the temporary files in `directory` whose writer is gone: written on this machine by a
 * process that no longer exists, or untouched for {@link STALE_TEMPORARY_AGE_MS}. A live
 * writer's file (its process exists, here or on another machine) is kept. Never throws: a folder
 * that cannot be read or written (read-only media) is left as it is. Returns the removed names.
 */
export function removeStaleTemporaries(directory: string, now = Date.now()): string[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMPORARY_NAME.exec(name);
    if (match === null) continue;
    const path = join(directory, name);
    try {
      const writtenHere = match[2] === undefined || match[2] === HOST_TAG;
      const writerGone = writtenHere && !processExists(Number(match[1]));
      if (!writerGone && now - statSync(path).mtimeMs < STALE_TEMPORARY_AGE_MS) continue;
      rmSync(path, { force: true });
      removed.push(name);
    } catch {
      // Gone already (another process cleaned it), or not removable here: leave it.
    }
  }
  return removed;
}
