import { createHash } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import type { HardNegativeRow } from "./hard-negative-row.js";
import { QueryGrouper, type QueryGroup } from "./query-group.js";
import { removeOnExit } from "./temporary-file.js";

/**
 * Rows held in memory at once, about: a collection up to this size is grouped in memory; a
 * larger one is spread over files so that each file holds about this many rows.
 */
export const ROWS_PER_BUCKET = 20_000;
/** Text gathered per bucket before one write. */
// Stryker disable next-line ArithmeticOperator: the chunk size only changes how writes are split, never what is written
const CHUNK_CHARACTERS = 256 * 1024;
/** Most bucket files (open at once while spooling); past it, buckets grow instead. */
const MAX_BUCKETS = 512;

/**
 * The rows of a hard-negatives collection, grouped by query with bounded memory. Stores do not
 * promise that a query's rows come together, so rows are first spread over bucket files by a
 * hash of their query id (every row of a query lands in the same bucket); `groups()` then reads
 * one bucket at a time and groups it in memory. Memory is about one bucket, not the collection.
 * A collection of at most `rowsPerBucket` rows stays in memory and writes no file.
 *
 * Queries come out bucket by bucket, each bucket's in the order they were first seen, and
 * `groups()` can be read more than once (a format that must know every group's size before
 * writing reads it twice). `dispose()` removes the files; they are also removed if the process
 * exits first.
 */
export class QueryGroupSpool {
  private constructor(
    private readonly inMemory: HardNegativeRow[] | undefined,
    private readonly folder: string | undefined,
    private readonly bucketCount: number,
    private readonly forgetFolder: () => void,
  ) {}

  /**
   * Reads every row. `expectedRows` (the collection's count) sets the number of buckets; it only
   * tunes memory, so a count that is off (rows written meanwhile) changes nothing else. Bucket
   * files go into a new folder in `temporaryFolder` (default the system's temporary folder).
   */
  static async fill(
    rows: AsyncIterable<HardNegativeRow>,
    expectedRows: number,
    { rowsPerBucket = ROWS_PER_BUCKET, temporaryFolder = tmpdir() }: { rowsPerBucket?: number; temporaryFolder?: string } = {},
  ): Promise<QueryGroupSpool> {
    const bucketCount = Math.min(MAX_BUCKETS, Math.ceil(expectedRows / rowsPerBucket));
    if (bucketCount <= 1) {
      const held: HardNegativeRow[] = [];
      for await (const row of rows) held.push(row);
      return new QueryGroupSpool(held, undefined, 1, () => {});
    }
    const folder = await mkdtemp(join(temporaryFolder, "hardneg-export-"));
    const spool = new QueryGroupSpool(undefined, folder, bucketCount, removeOnExit(folder));
    const writers = Array.from({ length: bucketCount }, (_, index) => createWriteStream(spool.bucketFile(index)));
    // Rows are gathered per bucket and written in chunks: one write per row costs more than the JSON.
    const pending = writers.map(() => "");
    const flush = async (index: number) => {
      const writer = writers[index]!;
      const chunk = pending[index]!;
      pending[index] = "";
      // Wait when the file's buffer is full, so memory stays bounded while spooling too.
      if (!writer.write(chunk)) await once(writer, "drain");
    };
    try {
      for await (const row of rows) {
        const index = bucketOf(row.queryId, bucketCount);
        pending[index] += `${JSON.stringify(row)}\n`;
        // Stryker disable next-line ConditionalExpression,EqualityOperator: when a chunk is written changes how writes are split, not what
        if (pending[index]!.length >= CHUNK_CHARACTERS) await flush(index);
      }
      // Stryker disable next-line ConditionalExpression,StringLiteral: writing an empty chunk writes nothing
      for (let index = 0; index < bucketCount; index += 1) if (pending[index] !== "") await flush(index);
      await Promise.all(writers.map(closeWriter));
    } catch (error) {
      for (const writer of writers) writer.destroy();
      await spool.dispose();
      throw error;
    }
    return spool;
  }

  /** Every query's group, one bucket in memory at a time. */
  async *groups(): AsyncGenerator<QueryGroup> {
    if (this.inMemory !== undefined) {
      yield* groupsOf(this.inMemory);
      return;
    }
    for (let index = 0; index < this.bucketCount; index += 1) yield* groupsOf(await this.readBucket(index));
  }

  /** Removes the bucket files. */
  async dispose(): Promise<void> {
    if (this.folder !== undefined) await rm(this.folder, { recursive: true, force: true });
    this.forgetFolder();
  }

  private bucketFile(index: number): string {
    return join(this.folder!, `bucket-${index}.jsonl`);
  }

  /** A bucket is about `rowsPerBucket` rows, so it is read whole (faster than line by line). */
  private async readBucket(index: number): Promise<HardNegativeRow[]> {
    const text = await readFile(this.bucketFile(index), "utf8");
    return text === ""
      ? []
      : text
          .slice(0, -1)
          .split("\n")
          .map((line) => JSON.parse(line) as HardNegativeRow);
  }
}

/** The bucket of a query id: a stable hash, so all of a query's rows share one. */
function bucketOf(queryId: string, bucketCount: number): number {
  return createHash("sha1").update(queryId).digest().readUInt32BE(0) % bucketCount;
}

/** Groups rows by query id, queries in the order first seen. */
function* groupsOf(rows: readonly HardNegativeRow[]): Generator<QueryGroup> {
  const grouper = new QueryGrouper();
  for (const row of rows) grouper.add(row);
  yield* grouper.groups();
}

async function closeWriter(writer: WriteStream): Promise<void> {
  writer.end();
  await once(writer, "finish");
}
