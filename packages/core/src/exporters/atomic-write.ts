import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { createTemporaryFileBeside, removeOnExit } from "./temporary-file.js";

/** Text gathered before one write call: big enough to keep system calls few, small enough to hold. */
// Stryker disable next-line ArithmeticOperator: the chunk size only changes how writes are split, never what is written
const CHUNK_CHARACTERS = 64 * 1024;

/**
 * Writes `lines` (each followed by "\n", UTF-8) to `output` atomically: into a temporary file of
 * its own beside `output` (unique name with the pid and a random part, created exclusively, so
 * a planted file or symlink is never followed; see `createTemporaryFileBeside`), flushed to disk,
 * then renamed over `output`. Readers see the old file or the complete new one, never a part;
 * two writers of the same output each write their own temporary file and the last rename wins,
 * so the result is one writer's complete file, never a mix.
 *
 * If producing, writing, flushing or renaming fails, the temporary file is removed, `output` is
 * left as it was, and the original error is thrown (never a cleanup error); if the process exits
 * mid-write (Ctrl-C), an "exit" handler removes the temporary file. Creates missing
 * parent folders. Streams: each chunk is awaited before the next line is asked for, so the
 * producer never runs ahead of the disk.
 *
 * @returns The number of lines written.
 */
export async function writeLinesAtomically(output: string, lines: AsyncIterable<string> | Iterable<string>): Promise<number> {
  await mkdir(dirname(output), { recursive: true });
  const temporary = await createTemporaryFileBeside(output);
  const forgetTemporary = removeOnExit(temporary.path);
  let count = 0;
  let closed = false;
  try {
    let chunk = "";
    for await (const line of lines) {
      count += 1;
      chunk += `${line}\n`;
      if (chunk.length >= CHUNK_CHARACTERS) {
        // writeFile on a handle writes all of it at the current position (write may stop short).
        await temporary.handle.writeFile(chunk, "utf8");
        chunk = "";
      }
    }
    // Stryker disable next-line ConditionalExpression,StringLiteral: writing an empty chunk writes nothing (and a chunk ends with "\n")
    if (chunk !== "") await temporary.handle.writeFile(chunk, "utf8");
    // Flushed before the rename, so a crash right after it cannot leave an empty or partial output.
    await temporary.handle.sync();
    // Stryker disable next-line BooleanLiteral: closing a closed handle again in the catch changes nothing (its failure is ignored)
    closed = true;
    await temporary.handle.close();
    await rename(temporary.path, output);
  } catch (error) {
    // Cleanup is best effort: its own failure must not hide why the write failed.
    if (!closed) await temporary.handle.close().catch(() => undefined);
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: without force only a missing file fails, and a failure is ignored anyway
    await rm(temporary.path, { force: true }).catch(() => undefined);
    // A write that fails on the open file (ENOSPC, EIO) names no path: name the output.
    if (typeof (error as NodeJS.ErrnoException)?.code === "string" && (error as NodeJS.ErrnoException).path === undefined)
      (error as NodeJS.ErrnoException).path = output;
    throw error;
  } finally {
    forgetTemporary();
  }
  return count;
}
