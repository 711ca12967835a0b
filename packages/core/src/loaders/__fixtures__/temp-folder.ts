import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** A scratch folder for one test file; `write` returns the path of the file it wrote. */
export interface TempFolder {
  path: string;
  write(name: string, content: string | Buffer): Promise<string>;
  /** Writes `content` gzipped (the name should end in ".gz"). */
  writeGzip(name: string, content: string): Promise<string>;
  remove(): Promise<void>;
}

export async function createTempFolder(): Promise<TempFolder> {
  const path = await mkdtemp(join(tmpdir(), "hardneg-test-"));
  return {
    path,
    async write(name, content) {
      const file = join(path, name);
      await writeFile(file, content);
      return file;
    },
    async writeGzip(name, content) {
      const file = join(path, name);
      await writeFile(file, gzipSync(Buffer.from(content, "utf8")));
      return file;
    },
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

/** Collects an async iterable into an array (fine for test-sized data). */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

/** The error a promise rejects with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection, but the promise resolved");
}
