import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * Writes `lines` (each followed by "\n", UTF-8) to `output` atomically: into `<output>.tmp`
 * first, renamed over `output` only once everything is written. If producing or writing a line
 * fails, the temporary file is removed and `output` is left as it was, so a failed export never
 * leaves a half-written file that looks complete. Creates missing parent folders. Streams:
 * backpressure holds the producer while the disk catches up.
 *
 * @returns The number of lines written.
 */
export async function writeLinesAtomically(output: string, lines: AsyncIterable<string>): Promise<number> {
  const temporary = `${output}.tmp`;
  await mkdir(dirname(output), { recursive: true });
  let count = 0;
  async function* withNewlines(): AsyncGenerator<string> {
    for await (const line of lines) {
      count += 1;
      yield line + "\n";
    }
  }
  try {
    await pipeline(Readable.from(withNewlines()), createWriteStream(temporary, { encoding: "utf8" }));
    await rename(temporary, output);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return count;
}
