import type { StoredRecord, Tokenizer } from "@hardneg/core/adapter";
import type { DocumentFields, UpsertResult } from "../sqlite-store.js";
import type { Bm25Index, Bm25Parameters } from "./bm25-index.js";
import { Bm25IndexBuilder } from "./bm25-index-builder.js";
import { ThreadedIndexBuild } from "./parallel-build.js";

/** A followed document whose text waits to be analysed. */
interface WaitingDocument {
  documentId: string;
  recordRowId: number;
  text: string;
}

/**
 * Analyses the texts of a new documents collection while a load writes them, so the BM25 index
 * is ready when the load ends, without reading every record back from the database, and the
 * build threads work while the calling thread is still inserting.
 *
 * Below `threadsFrom` documents the texts wait in memory and are analysed at the end on the
 * calling thread; from there on they go to the build threads (without threads, the scan stops).
 * It follows only what it can follow exactly: every record new (row ids rising), a string id,
 * string or absent title and content. Anything else (an update, a number id, an object field)
 * abandons it, and the index is built from the database as before; so does a collection whose
 * version or record count at the end is not the one the scan saw.
 */
export class ScanWhileLoading {
  /** Documents kept until the collection is large enough for threads (then handed to them), or to the end. */
  private waiting: WaitingDocument[] = [];
  private threaded: ThreadedIndexBuild | undefined;
  private followed = 0;
  private lastRowId = 0;
  /** The collection's version after the last write followed; undefined once abandoned. */
  private version: number | undefined;

  /**
   * @param version The collection's version when it was created, empty.
   * @param threading `threadCount` build threads to start once the collection has `threadsFrom`
   *   documents (0: none, the records are read back at the end).
   */
  constructor(
    readonly fields: DocumentFields,
    readonly tokenizer: Tokenizer,
    version: number,
    private readonly threading: { threadCount: number; threadsFrom: number },
  ) {
    this.version = version;
  }

  /** Follows one upsert of the collection: `records` and what writing them returned. Never throws: a failure abandons the scan. */
  follow(records: readonly StoredRecord[], written: UpsertResult): void {
    try {
      this.followOrThrow(records, written);
    } catch {
      // The threaded build failed (a thread that could not start, an analysis that threw): the
      // index will be built from the database.
      this.abandon();
    }
  }

  private followOrThrow(records: readonly StoredRecord[], written: UpsertResult): void {
    if (this.version === undefined) return;
    const rowIds = written.insertedRowIds;
    if (rowIds === undefined || written.version <= this.version) {
      this.abandon();
      return;
    }
    for (let position = 0; position < records.length; position++) {
      const rowId = rowIds[position]!;
      const document = plainDocumentOf(records[position]!.properties, this.fields);
      if (document === undefined || rowId <= this.lastRowId) {
        this.abandon();
        return;
      }
      this.lastRowId = rowId;
      this.followed++;
      if (this.threaded === undefined) this.waiting.push({ documentId: document.documentId, recordRowId: rowId, text: document.text });
      else this.threaded.add(document.documentId, rowId, document.text);
    }
    this.version = written.version;
    const { threadCount, threadsFrom } = this.threading;
    if (this.threaded !== undefined || this.followed < threadsFrom) return;
    // Without threads, keeping a large collection's texts would cost their size in memory: the
    // database build streams them instead.
    if (threadCount < 1) {
      this.abandon();
      return;
    }
    this.threaded = new ThreadedIndexBuild(this.tokenizer, threadCount);
    for (const { documentId, recordRowId, text } of this.waiting) this.threaded.add(documentId, recordRowId, text);
    this.waiting = [];
  }

  /** How many documents were followed. */
  get documentCount(): number {
    return this.followed;
  }

  /** Whether the scan saw exactly the collection at `version`, for these fields and this analyser. */
  covers(fields: DocumentFields, tokenizer: Tokenizer, version: number): boolean {
    return (
      this.version === version &&
      tokenizer.fingerprint === this.tokenizer.fingerprint &&
      fields.idKey === this.fields.idKey &&
      fields.contentKey === this.fields.contentKey &&
      fields.titleKey === this.fields.titleKey
    );
  }

  /** Moves the scan to the version a rename of the collection gave it, when it saw the collection up to `before`. */
  renamed(before: number, after: number): void {
    if (this.version === before) this.version = after;
    else this.abandon();
  }

  /** The index of everything followed (call after {@link covers}). */
  async finish(parameters: Bm25Parameters, collection: string): Promise<Bm25Index> {
    if (this.threaded !== undefined) return this.threaded.finish(parameters, collection);
    const builder = new Bm25IndexBuilder(this.tokenizer, parameters, collection);
    for (const { documentId, recordRowId, text } of this.waiting) builder.addDocument(documentId, recordRowId, text);
    return builder.finish();
  }

  /** Stops following: the threads stop and what was gathered is dropped. */
  abandon(): void {
    this.version = undefined;
    this.followed = 0;
    this.waiting = [];
    void this.threaded?.stop().catch(() => undefined);
    this.threaded = undefined;
  }
}

/**
 * The id and text the index builder would read back for these properties (`documentOf` over
 * SQLite's `json_extract`), when they are plain strings; undefined for anything SQLite might
 * read back differently (numbers, booleans, objects), which the database build handles.
 */
function plainDocumentOf(properties: Record<string, unknown>, fields: DocumentFields): { documentId: string; text: string } | undefined {
  const documentId = ownProperty(properties, fields.idKey);
  const content = ownProperty(properties, fields.contentKey) ?? "";
  const title = fields.titleKey === undefined ? "" : (ownProperty(properties, fields.titleKey) ?? "");
  if (typeof documentId !== "string" || typeof content !== "string" || typeof title !== "string") return undefined;
  const text = title === "" ? content : `${title} ${content}`;
  // A lone surrogate does not survive SQLite's UTF-8: the text read back would differ.
  if (!isWellFormed(text) || !isWellFormed(documentId)) return undefined;
  return { documentId, text };
}

/** `String.prototype.isWellFormed` (Node 20+; not yet in the ES2023 library types). */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

function ownProperty(properties: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(properties, key) ? properties[key] : undefined;
}
