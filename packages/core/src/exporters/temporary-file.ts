import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Names drawn before {@link createTemporaryFileBeside} gives up; a clash is already one in 2^64. */
const NAME_ATTEMPTS = 8;

/** 16 random hex digits (64 bits): no other writer, in this process or another, draws the same. */
function randomPart(): string {
  return randomBytes(8).toString("hex");
}

/**
 * A temporary file name for `output`: `<output name>.<pid>.<random>.tmp` in the output's own
 * folder, so the final rename stays on one file system (and is atomic) and a leftover from a
 * crash is easy to recognise. The pid and the random part make every name unique: two writers
 * of the same output, in one process or several, never share a temporary file.
 *
 * @param random Produces the random part; default 16 random hex digits. Tests pass their own to
 *   predict a name.
 */
export function temporaryPathBeside(output: string, random: () => string = randomPart): string {
  return join(dirname(output), `${basename(output)}.${process.pid}.${random()}.tmp`);
}

/** A temporary file created by {@link createTemporaryFileBeside}: its path and its open handle. */
export interface TemporaryFile {
  path: string;
  /** Open for writing; the caller closes it. */
  handle: FileHandle;
}

/**
 * Creates a new, empty temporary file beside `output` (see {@link temporaryPathBeside}),
 * exclusively: flag "wx" is O_CREAT|O_EXCL, which fails on any existing path, symlinks included
 * (dangling ones too), so a file or link someone planted at the name is never followed,
 * truncated or reused. On such a clash it draws another name, up to 8 times, then rethrows the
 * EEXIST error. The output's folder must exist.
 *
 * @param random Produces each name's random part; default 16 random hex digits.
 */
export async function createTemporaryFileBeside(output: string, random: () => string = randomPart): Promise<TemporaryFile> {
  let clash: unknown;
  for (let attempt = 0; attempt < NAME_ATTEMPTS; attempt += 1) {
    const path = temporaryPathBeside(output, random);
    try {
      return { path, handle: await open(path, "wx") };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      clash = error;
    }
  }
  throw clash;
}

/** Temporary files (or folders) still in use, removed by an "exit" handler if the process ends first. */
const unfinished = new Set<string>();

/**
 * Removes `path`, a file or a folder, if the process exits (Ctrl-C handled with `process.exit`, an explicit exit)
 * before the returned function is called, so no partial temporary file is left behind. A
 * SIGKILL runs no handler: its leftover is recognisable by the `.tmp` name.
 */
export function removeOnExit(path: string): () => void {
  if (unfinished.size === 0) process.once("exit", removeUnfinished);
  unfinished.add(path);
  return () => {
    unfinished.delete(path);
    if (unfinished.size === 0) process.removeListener("exit", removeUnfinished);
  };
}

/** "exit" handlers run synchronously, so the removal is synchronous and best effort. */
function removeUnfinished(): void {
  for (const path of unfinished) {
    try {
      rmSync(path, { force: true, recursive: true });
    } catch {
      // A file that cannot be removed now stays, named *.tmp; the exit must go on.
    }
  }
}
