import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * Writes `lines` (each followed by "\n", UTF-8) to `stream` as they are produced, waiting while
 * the stream is full, and leaves it open (it may be stdout). Not atomic: a reader sees the lines
 * as they come, and a failure leaves the ones already written. Use `writeLinesAtomically` for files.
 *
 * @returns The number of lines written.
 */
export async function writeLinesToStream(stream: NodeJS.WritableStream, lines: AsyncIterable<string> | Iterable<string>): Promise<number> {
  let count = 0;
  async function* terminated(): AsyncGenerator<string> {
    for await (const line of lines) {
      count += 1;
      yield `${line}\n`;
    }
  }
  await pipeline(Readable.from(terminated()), stream, { end: false });
  return count;
}
