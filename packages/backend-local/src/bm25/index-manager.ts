import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { BadInputError, type Tokenizer } from "@hardneg/core/adapter";
import type { DocumentFields, DocumentRow, SqliteStore } from "../sqlite-store.js";
import type { Bm25Index, Bm25Parameters } from "./bm25-index.js";
import { Bm25IndexBuilder } from "./bm25-index-builder.js";
import { ThreadedIndexBuild } from "./parallel-build.js";
import type { ScanWhileLoading } from "./scan-while-loading.js";
import { DamagedIndexFileError, readIndexFile, readIndexFileHeader, writeIndexFile } from "./index-file.js";
import { removeStaleTemporaries } from "../temporary-files.js";

/** How the index used by a call was obtained: built from the records, loaded from its file, or already in memory. */
export type IndexSource = "built" | "loaded" | "cached";

/** Facts about an index, as returned by `LocalBackend.prepareIndex`. */
export interface Bm25IndexStats {
  source: IndexSource;
  /** The index file, or undefined for an in-memory database. */
  file: string | undefined;
  collectionVersion: number;
  documentCount: number;
  termCount: number;
  postingCount: number;
  /** Time spent building or loading (0 when cached). */
  milliseconds: number;
}

/** What {@link IndexManager.obtain} returns. */
export interface ObtainedIndex {
  index: Bm25Index;
  /** The analyser of the index's collection, whose fingerprint is part of the index's identity. */
  tokenizer: Tokenizer;
  stats: Bm25IndexStats;
}

/**
 * From this many documents, `prepareIndex` (which `load` calls) analyses the texts in threads.
 * Below it, starting threads costs more than a second core gains (SciFact's 5k documents build in
 * 0.3 s on one).
 */
export const PARALLEL_BUILD_MIN_DOCUMENTS = 50_000;

interface CachedIndex {
  index: Bm25Index;
  collectionVersion: number;
}

/**
 * Finds the BM25 index for a (collection, fields, analyser) combination: from memory, else
 * from its file when that was built from the current collection version, else builds it from
 * the records and writes the file. One file per combination, named `<collection>@<hash>.bm25`.
 */
export class IndexManager {
  private readonly cache = new Map<string, CachedIndex>();

  /**
   * @param directory Folder of the index files, or undefined to keep indexes in memory only.
   * @param warn Receives one line per problem worth telling (an index file not saved or damaged, a threaded build that failed).
   */
  constructor(
    private readonly store: SqliteStore,
    /** The analyser of a collection (its recorded language). */
    private readonly tokenizerOf: (collection: string) => Tokenizer,
    private readonly parameters: Bm25Parameters,
    private readonly directory: string | undefined,
    private readonly warn: (message: string) => void,
  ) {}

  /**
   * The current index for `collection` and `fields`, the analyser it was keyed and built with
   * (queries must be analysed by the same one), and how it was obtained.
   */
  obtain(collection: string, fields: DocumentFields): ObtainedIndex {
    const found = this.find(collection, fields);
    if ("obtained" in found) return found.obtained;
    return this.keep(found, this.build(collection, fields, found.tokenizer));
  }

  /**
   * {@link obtain}, building a missing index of {@link PARALLEL_BUILD_MIN_DOCUMENTS} documents or
   * more in `threadCount` threads (the texts are analysed there; the result is the same index).
   */
  async obtainBuildingInThreads(collection: string, fields: DocumentFields, threadCount: number): Promise<ObtainedIndex> {
    const found = this.find(collection, fields);
    if ("obtained" in found) return found.obtained;
    const parallel = threadCount >= 2 && this.store.count(collection) >= PARALLEL_BUILD_MIN_DOCUMENTS;
    return this.keep(
      found,
      parallel
        ? await this.buildInThreads(collection, fields, found.tokenizer, threadCount)
        : this.build(collection, fields, found.tokenizer),
    );
  }

  /**
   * {@link obtain} with the index taken from `scan` when none is in memory or in a file and the
   * scan saw exactly the current collection; undefined (the scan abandoned) when it did not.
   */
  async obtainScanned(collection: string, fields: DocumentFields, scan: ScanWhileLoading): Promise<ObtainedIndex | undefined> {
    const found = this.find(collection, fields);
    if ("obtained" in found) {
      scan.abandon();
      return found.obtained;
    }
    const collectionVersion = this.store.collectionVersion(collection);
    if (!scan.covers(fields, found.tokenizer, collectionVersion) || this.store.count(collection) !== scan.documentCount) {
      scan.abandon();
      return undefined;
    }
    let index: Bm25Index;
    try {
      index = await scan.finish(this.parameters, collection);
    } catch (error) {
      this.warn(`[hardneg] [local] warning: ${(error as Error).message}; building the BM25 index from the database instead`);
      return undefined;
    }
    return this.keep(found, { index, collectionVersion });
  }

  /** The index from memory or from its file; else what building one needs. */
  private find(collection: string, fields: DocumentFields): { obtained: ObtainedIndex } | IndexToBuild {
    const collectionVersion = this.store.collectionVersion(collection);
    const tokenizer = this.tokenizerOf(collection);
    const key = this.keyOf(collection, fields, tokenizer);
    const file = this.directory === undefined ? undefined : join(this.directory, `${collection}@${key}.bm25`);
    const started = performance.now();
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.collectionVersion === collectionVersion) {
      return { obtained: obtainedIndex("cached", cached, { tokenizer, file, started }) };
    }
    if (file !== undefined) {
      const loaded = this.load(file, key, collectionVersion);
      if (loaded !== undefined) {
        const index = { index: loaded, collectionVersion };
        this.cache.set(key, index);
        return { obtained: obtainedIndex("loaded", index, { tokenizer, file, started }) };
      }
    }
    return { key, tokenizer, file, started };
  }

  /** Writes a built index's file (when there is a folder) and keeps the index in memory. */
  private keep(plan: IndexToBuild, built: CachedIndex): ObtainedIndex {
    const { key, file } = plan;
    if (file !== undefined) {
      try {
        mkdirSync(this.directory!, { recursive: true });
        // Whenever the folder is written: temporaries of killed writers go (live ones stay).
        removeStaleTemporaries(this.directory!);
        writeIndexFile(file, built.index, { key, databaseId: this.store.databaseId, collectionVersion: built.collectionVersion });
      } catch (cause) {
        // Searching still works from memory; the next process will just rebuild. Say so, once per build.
        this.warn(
          `[hardneg] [local] warning: could not write BM25 index file ${file} ` +
            `(${(cause as Error).message}); searching from memory, the next process builds it again`,
        );
      }
    }
    this.cache.set(key, built);
    return obtainedIndex("built", built, plan);
  }

  /** Forgets and deletes every index of `collection` (called when the collection is deleted). */
  forget(collection: string): void {
    for (const [key, cached] of this.cache) {
      if (cached.index.collection === collection) this.cache.delete(key);
    }
    if (this.directory === undefined) return;
    let files: string[];
    try {
      files = readdirSync(this.directory);
    } catch {
      return;
    }
    for (const file of files) {
      if (file.startsWith(`${collection}@`)) rmSync(join(this.directory, file), { force: true });
    }
  }

  /**
   * The index in `file` when it was built from this collection version and is intact. A stale
   * file (older version, other format) is silently rebuilt; a damaged one (checksum mismatch,
   * cut short, unparsable) too, with one warning line, and is never served.
   */
  private load(file: string, key: string, collectionVersion: number): Bm25Index | undefined {
    const found = readIndexFileHeader(file);
    let damage: string;
    if (found.status === "read") {
      const { header } = found;
      if (header.key !== key || header.databaseId !== this.store.databaseId || header.collectionVersion !== collectionVersion)
        return undefined;
      try {
        return readIndexFile(file, header);
      } catch (error) {
        // Damage detected by the checks, or a header whose offsets no array can take.
        damage = error instanceof DamagedIndexFileError ? error.reason : (error as Error).message;
      }
    } else if (found.status === "damaged") {
      damage = found.reason;
    } else {
      return undefined;
    }
    this.warn(`[hardneg] [local] warning: BM25 index file ${file} is damaged (${damage}); rebuilding it from the database`);
    return undefined;
  }

  private build(collection: string, fields: DocumentFields, tokenizer: Tokenizer): CachedIndex {
    // One read transaction: the version recorded and the records indexed are the same snapshot,
    // even if another connection writes meanwhile.
    return this.store.readSnapshot(() => {
      const collectionVersion = this.store.collectionVersion(collection);
      const builder = new Bm25IndexBuilder(tokenizer, this.parameters, collection);
      for (const row of this.store.documentRows(collection, fields)) {
        const { documentId, text } = documentOf(row, fields, collection);
        builder.addDocument(documentId, row.rowId, text);
      }
      return { index: builder.finish(), collectionVersion };
    });
  }

  /**
   * {@link build}, with the texts analysed in threads while this one reads the records; {@link build}
   * itself, after one warning, when the threads fail.
   */
  private async buildInThreads(
    collection: string,
    fields: DocumentFields,
    tokenizer: Tokenizer,
    threadCount: number,
  ): Promise<CachedIndex> {
    let build: ThreadedIndexBuild | undefined;
    let collectionVersion: number;
    try {
      collectionVersion = this.store.readSnapshot(() => {
        build = new ThreadedIndexBuild(tokenizer, threadCount);
        for (const row of this.store.documentRows(collection, fields)) {
          const { documentId, text } = documentOf(row, fields, collection);
          build.add(documentId, row.rowId, text);
        }
        return this.store.collectionVersion(collection);
      });
    } catch (error) {
      await build?.stop();
      throw error;
    }
    try {
      return { index: await build!.finish(this.parameters, collection), collectionVersion };
    } catch (error) {
      // A build thread failed, exited or went silent: the records are all readable (the loop above
      // read them), so this thread builds the same index alone.
      this.warn(`[hardneg] [local] warning: ${(error as Error).message}; building the BM25 index on one thread instead`);
      return this.build(collection, fields, tokenizer);
    }
  }

  private keyOf(collection: string, fields: DocumentFields, tokenizer: Tokenizer): string {
    const identity = JSON.stringify({
      collection,
      idKey: fields.idKey,
      contentKey: fields.contentKey,
      titleKey: fields.titleKey ?? null,
      parameters: this.parameters,
      analyser: tokenizer.fingerprint,
    });
    return createHash("sha256").update(identity).digest("hex").slice(0, 20);
  }
}

/** What building needs to know besides the index: its identity, its file, and when the work began. */
interface IndexToBuild {
  key: string;
  tokenizer: Tokenizer;
  file: string | undefined;
  started: number;
}

/** An index as {@link IndexManager.obtain} reports it. */
function obtainedIndex(
  source: IndexSource,
  { index, collectionVersion }: CachedIndex,
  { tokenizer, file, started }: Pick<IndexToBuild, "tokenizer" | "file" | "started">,
): ObtainedIndex {
  return {
    index,
    tokenizer,
    stats: {
      source,
      file,
      collectionVersion,
      documentCount: index.documentCount,
      termCount: index.termCount,
      postingCount: index.postingCount,
      milliseconds: source === "cached" ? 0 : performance.now() - started,
    },
  };
}

/** A record's benchmark id and searchable text (`title + " " + content`); a record without an id is bad input. */
function documentOf(row: DocumentRow, fields: DocumentFields, collection: string): { documentId: string; text: string } {
  if (row.documentId === null || row.documentId === undefined || typeof row.documentId === "object") {
    throw new BadInputError(
      `record "${row.recordId}" has no string or number property "${fields.idKey}" to use as document id; check idKey`,
      {
        collection,
        component: "local",
      },
    );
  }
  const content = textOf(row.content);
  const title = textOf(row.title);
  return { documentId: String(row.documentId), text: title === "" ? content : `${title} ${content}` };
}

/** A stored property as searchable text: strings as is, numbers and booleans printed, null/absent empty. */
export function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
