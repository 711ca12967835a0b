import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import type Database from "better-sqlite3";
import { BadInputError, BadOptionError, MissingCollectionError, type CollectionSpec, type StoredRecord } from "@hardneg/core/adapter";
import { MissingDatabaseError } from "./missing-database-error.js";
import { explainingWriteFailures, openDatabase } from "./open-database.js";

/** Hint attached to every "collection does not exist" error on reads. */
export const LOAD_HINT = "load it first, e.g. `hardneg load beir <dir>`";

/**
 * How long a write waits for another connection's write transaction before failing with
 * "database is locked": 5 minutes. SQLite lets one writer at a time commit; hardneg's write
 * transactions are short (a batch of up to a few thousand records takes milliseconds), but
 * deleting or replacing a large collection holds the lock for seconds (about 1 s per 100,000
 * records here) and a slow or busy disk stretches that, so a generous wait only ever delays a
 * second writer, while a short one made `hardneg load` fail next to a running `hardneg mine`.
 * Only a writer stuck for minutes (a suspended process holding the lock) still ends in an error.
 */
export const DEFAULT_BUSY_TIMEOUT_MS = 5 * 60_000;

/** Ids per SQL lookup: bounds statement size and memory for very long id lists. */
const LOOKUP_CHUNK_SIZE = 5000;

/**
 * Page size of a new database: records are JSON texts of 1-4 KB (a document, a mined row with its
 * gold texts), which 4 KiB pages (SQLite's default) hold one or two at a time.
 */
const PAGE_SIZE = 16_384;

/** Options of the {@link SqliteStore} constructor; see there. */
export interface SqliteStoreOptions {
  create?: boolean;
  readOnly?: boolean;
  busyTimeoutMs?: number;
}

/** What one collection's upsert wrote. */
export interface UpsertResult {
  /** The collection's version after the write. */
  version: number;
  /** Each record's row id (`seq`), in order, when every record was new; undefined when one updated an existing record. */
  insertedRowIds: number[] | undefined;
}

/** One document's searchable fields, as streamed to the index builder. */
export interface DocumentRow {
  rowId: number;
  recordId: string;
  documentId: unknown;
  content: unknown;
  title: unknown;
}

/** The property names a document stream extracts, already validated. */
export interface DocumentFields {
  idKey: string;
  contentKey: string;
  titleKey?: string;
}

// Each collection files its records under a storage key of its own, "#" and the version it was
// created at (unique, short, and never a collection name, which cannot contain "#"), so swapping
// a staged load in renames one collections row instead of rewriting every record.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS collections (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    spec TEXT NOT NULL,
    version INTEGER NOT NULL,
    storage TEXT NOT NULL
  );
  -- seq is the rowid: it fixes insertion order, and an upsert of an existing id keeps it.
  CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY,
    storage TEXT NOT NULL,
    id TEXT NOT NULL,
    properties TEXT NOT NULL,
    UNIQUE (storage, id)
  );
  CREATE INDEX IF NOT EXISTS records_in_order ON records (storage, seq);
  INSERT OR IGNORE INTO meta (key, value) VALUES ('write_counter', 0);
`;

/**
 * Databases written before storage keys filed records under the collection's name, in a column
 * named `collection`. Opening one for writing moves it to storage keys in one transaction (the
 * key of each collection is its name; nothing is rewritten); the renamed column makes an older
 * hardneg fail on it at once rather than read the new layout wrongly.
 */
const MOVE_TO_STORAGE_KEYS = `
  ALTER TABLE records RENAME COLUMN collection TO storage;
  ALTER TABLE collections ADD COLUMN storage TEXT;
  UPDATE collections SET storage = name;
`;

/** Where records are filed: the `records` column and the `collections` column holding the key. */
interface RecordsLayout {
  recordsColumn: "storage" | "collection";
  keyColumn: "storage" | "name";
}
const STORAGE_KEYS: RecordsLayout = { recordsColumn: "storage", keyColumn: "storage" };
/** An older database opened read-only, which is read as it is. */
const FILED_BY_NAME: RecordsLayout = { recordsColumn: "collection", keyColumn: "name" };

/**
 * Collections of JSON records in one SQLite file (or in memory for ":memory:"). Synchronous,
 * like better-sqlite3 itself; {@link LocalBackend} exposes it through the async `StoreDriver` API,
 * so names, ids and records arrive checked by core (see `@hardneg/core/adapter`).
 *
 * Versions: every write sets the collection's `version` to the next value of a database-wide
 * counter, so versions only grow, even across delete and re-create; indexes built from a
 * collection remember the version and are rebuilt when it moved.
 */
export class SqliteStore {
  readonly database: Database.Database;
  /** Random id of this database file, written once when the file is created. */
  readonly databaseId: string;

  /** The `records` condition that selects one collection's records, by name (the next parameter). */
  private readonly recordsOf: string;
  private readonly statements;
  /** Statements that write, prepared at the first write (a read-only database may be of the older layout). */
  private writeStatements: ReturnType<typeof prepareWrites> | undefined;

  /** True when opened with `readOnly`: every write throws instead of reaching SQLite. */
  readonly readOnly: boolean;

  /**
   * @param path A database file, or ":memory:".
   * @param options `create` (default true): create the file when missing, else it must be a
   * hardneg database ({@link MissingDatabaseError}); `readOnly` (default false): never write,
   * implies an existing database; `busyTimeoutMs`: how long a write waits for another writer,
   * default {@link DEFAULT_BUSY_TIMEOUT_MS}.
   */
  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.readOnly = options.readOnly ?? false;
    // An in-memory database is always new: "must exist" has no meaning for it.
    const create = path === ":memory:" || ((options.create ?? true) && !this.readOnly);
    // The timeout is set at open, so even the first pragma and the schema wait for a writer
    // that is creating the same file in another process.
    this.database = openDatabase(path, {
      create,
      readOnly: this.readOnly,
      busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    });
    try {
      if (!create && !hasSchema(this.database)) throw new MissingDatabaseError(resolve(path));
      if (!this.readOnly) {
        explainingWriteFailures(resolve(path), () => {
          // WAL lets readers (another process, a second backend) work while a load is writing;
          // synchronous=NORMAL is durable at each checkpoint and much faster than FULL in WAL mode.
          // A new file gets 16 KiB pages (SQLite ignores this on an existing one).
          this.database.pragma(`page_size = ${PAGE_SIZE}`);
          enableWal(this.database, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
          this.database.pragma("synchronous = NORMAL");
          this.writeTransaction(() => {
            this.database.exec(SCHEMA);
            if (layoutOf(this.database) === FILED_BY_NAME) this.database.exec(MOVE_TO_STORAGE_KEYS);
            this.database.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('database_id', ?)").run(randomUUID());
          });
        });
      }
    } catch (error) {
      this.database.close();
      throw error;
    }
    this.databaseId = String(this.database.prepare("SELECT value FROM meta WHERE key = 'database_id'").pluck().get());
    const database = this.database;
    const { recordsColumn, keyColumn } = layoutOf(database);
    const ofCollection = `${recordsColumn} = (SELECT ${keyColumn} FROM collections WHERE name = ?)`;
    this.recordsOf = ofCollection;
    this.statements = {
      describe: database.prepare<[string], { kind: string; spec: string; version: number }>(
        "SELECT kind, spec, version FROM collections WHERE name = ?",
      ),
      version: database.prepare<[string], number>("SELECT version FROM collections WHERE name = ?").pluck(),
      names: database.prepare<[], string>("SELECT name FROM collections ORDER BY name").pluck(),
      count: database.prepare<[string], number>(`SELECT count(*) FROM records WHERE ${ofCollection}`).pluck(),
      page: database
        .prepare<[string, number, number], [number, string, string]>(
          `SELECT seq, id, properties FROM records WHERE ${ofCollection} AND seq > ? ORDER BY seq LIMIT ?`,
        )
        .raw(),
      byIds: database
        .prepare<[string, string], [string, string]>(
          `SELECT id, properties FROM records WHERE ${ofCollection} AND id IN (SELECT value FROM json_each(?))`,
        )
        .raw(),
      // "+" keeps SQLite on the row id (one b-tree descent per record) rather than the
      // (storage, seq) index and then the row (two): 1.3x faster fetching mining's candidates.
      byRowIds: database
        .prepare<[string, string], [number, string]>(
          `SELECT seq, properties FROM records WHERE +${ofCollection} AND seq IN (SELECT value FROM json_each(?))`,
        )
        .raw(),
    };
  }

  private get writes(): ReturnType<typeof prepareWrites> {
    this.writeStatements ??= prepareWrites(this.database);
    return this.writeStatements;
  }

  /**
   * Creates a collection core found absent. When another process created it in between, the
   * insert fails on the name's primary key, and core accepts the collection it then finds.
   */
  createCollection(spec: CollectionSpec): void {
    this.writeTransaction(() => {
      const version = this.nextVersion();
      this.writes.create.run(spec.name, spec.kind, JSON.stringify(spec), version, `#${version}`);
    });
  }

  describeCollection(name: string): CollectionSpec | undefined {
    const row = this.statements.describe.get(name);
    return row === undefined ? undefined : (JSON.parse(row.spec) as CollectionSpec);
  }

  /** The names of every collection (each has a spec row), in name order. */
  listCollections(): string[] {
    return this.statements.names.all();
  }

  /** The collection's current write version; throws {@link MissingCollectionError} if absent. */
  collectionVersion(name: string): number {
    const version = this.statements.version.get(name);
    if (version === undefined) throw new MissingCollectionError(name, LOAD_HINT, { component: "local" });
    return version;
  }

  /** Deletes the collection and its records; returns false when it did not exist. */
  deleteCollection(name: string): boolean {
    return this.writeTransaction(() => {
      this.writes.deleteRecords.run(name);
      return this.writes.deleteCollection.run(name).changes > 0;
    });
  }

  count(name: string): number {
    this.collectionVersion(name);
    return this.statements.count.get(name)!;
  }

  /** Inserts or updates records in one transaction; an updated record keeps its position. */
  upsert(name: string, records: readonly StoredRecord[]): UpsertResult {
    return this.upsertTogether([{ collection: name, records }])[0]!;
  }

  /** Upserts into several collections in one transaction: all of them, or none. One result per write. */
  upsertTogether(writes: ReadonlyArray<{ collection: string; records: readonly StoredRecord[] }>): UpsertResult[] {
    // Serialised before the transaction, so a record that is not JSON never holds the write lock.
    const prepared = writes.map(({ collection, records }) => ({
      collection,
      rows: records.map((record) => [record.id, jsonOf(collection, record)] as const),
    }));
    return this.writeTransaction(() =>
      prepared.map(({ collection, rows }) => {
        const storage = this.writes.storageKey.get(collection);
        if (storage === undefined) {
          throw new MissingCollectionError(collection, "create it first with createCollection()", { component: "local" });
        }
        let insertedRowIds: number[] | undefined = [];
        for (const [id, properties] of rows) {
          const inserted = this.writes.insertNew.run(storage, id, properties);
          if (inserted.changes === 1) insertedRowIds?.push(Number(inserted.lastInsertRowid));
          else {
            this.writes.updateExisting.run(properties, storage, id);
            insertedRowIds = undefined;
          }
        }
        const version = this.nextVersion();
        this.writes.setVersion.run(version, collection);
        return { version, insertedRowIds };
      }),
    );
  }

  /**
   * Replaces collection `name` by `staging` in one transaction: `name`'s records and spec go,
   * `staging`'s records (in their order) and spec take its place under `name`, with a new version
   * (so indexes built from the old collection are rebuilt). Readers see the old or the new.
   * Only `name`'s old records are written: `staging` is renamed and keeps its storage key.
   * Returns `staging`'s version before and `name`'s after.
   */
  replaceCollection(staging: string, name: string): { stagingVersion: number; version: number } {
    return this.writeTransaction(() => {
      const source = this.statements.describe.get(staging);
      if (source === undefined) throw new MissingCollectionError(staging, "the staging collection is gone", { component: "local" });
      this.writes.deleteRecords.run(name);
      this.writes.deleteCollection.run(name);
      const spec = { ...(JSON.parse(source.spec) as CollectionSpec), name };
      const version = this.nextVersion();
      this.writes.rename.run(name, JSON.stringify(spec), version, staging);
      return { stagingVersion: source.version, version };
    });
  }

  /** Records in insertion order, `batchSize` at a time, by keyset pagination on `seq`. */
  *iterate(name: string, batchSize: number): Generator<StoredRecord[]> {
    this.collectionVersion(name);
    for (let afterSeq = 0; ; ) {
      const rows = this.statements.page.all(name, afterSeq, batchSize);
      if (rows.length === 0) return;
      afterSeq = rows[rows.length - 1]![0];
      yield rows.map(([, id, properties]) => ({ id, properties: JSON.parse(properties) as Record<string, unknown> }));
      if (rows.length < batchSize) return;
    }
  }

  /** Records by id, in the order of `ids`; missing ids are absent. */
  getRecords(name: string, ids: readonly string[]): Map<string, StoredRecord> {
    this.collectionVersion(name);
    const found = new Map<string, string>();
    for (const chunk of chunks(ids)) {
      for (const [id, properties] of this.statements.byIds.all(name, JSON.stringify(chunk))) found.set(id, properties);
    }
    const records = new Map<string, StoredRecord>();
    for (const id of ids) {
      const properties = found.get(id);
      if (properties !== undefined) records.set(id, { id, properties: JSON.parse(properties) as Record<string, unknown> });
    }
    return records;
  }

  /** Properties of records by SQLite row id (`seq`); missing row ids are absent. */
  getPropertiesByRowIds(name: string, rowIds: readonly number[]): Map<number, Record<string, unknown>> {
    const found = new Map<number, Record<string, unknown>>();
    for (const chunk of chunks(rowIds)) {
      for (const [rowId, properties] of this.statements.byRowIds.all(name, JSON.stringify(chunk))) {
        found.set(rowId, JSON.parse(properties) as Record<string, unknown>);
      }
    }
    return found;
  }

  /**
   * Streams the id, content and title of every record, in insertion order, with the values
   * extracted by SQLite's JSON functions (no JSON parsing of whole records in JavaScript).
   */
  *documentRows(name: string, fields: DocumentFields, batchSize = 10_000): Generator<DocumentRow> {
    const titleColumn = fields.titleKey === undefined ? "NULL" : "json_extract(properties, ?)";
    const statement = this.database
      .prepare(
        `SELECT seq, id, json_extract(properties, ?), json_extract(properties, ?), ${titleColumn}
       FROM records WHERE ${this.recordsOf} AND seq > ? ORDER BY seq LIMIT ?`,
      )
      .raw();
    const paths = [
      jsonPath(fields.idKey),
      jsonPath(fields.contentKey),
      ...(fields.titleKey === undefined ? [] : [jsonPath(fields.titleKey)]),
    ];
    for (let afterSeq = 0; ; ) {
      const rows = statement.all(...paths, name, afterSeq, batchSize) as Array<[number, string, unknown, unknown, unknown]>;
      for (const [rowId, recordId, documentId, content, title] of rows) yield { rowId, recordId, documentId, content, title };
      if (rows.length < batchSize) return;
      afterSeq = rows[rows.length - 1]![0];
    }
  }

  /** Runs `work` inside one read transaction, so everything it reads is one consistent snapshot. */
  readSnapshot<T>(work: () => T): T {
    return this.database.transaction(work).deferred();
  }

  /**
   * Runs `work` as one write transaction that takes the write lock first (BEGIN IMMEDIATE).
   * Every write goes through here: a deferred transaction that reads and then writes cannot
   * wait for another process's writer (in WAL mode SQLite answers SQLITE_BUSY_SNAPSHOT at
   * once, "database is locked"), whereas BEGIN IMMEDIATE waits up to the busy timeout.
   * Nested calls become savepoints of the outer transaction.
   */
  writeTransaction<T>(work: () => T): T {
    if (this.readOnly) {
      throw new BadOptionError("readOnly", "this database was opened read-only; open it without readOnly to write", { component: "local" });
    }
    return this.database.transaction(work).immediate();
  }

  close(): void {
    if (this.database.open) this.database.close();
  }

  private nextVersion(): number {
    return Number(this.writes.nextVersion.get());
  }
}

/** The statements that write, for a database of the current layout. */
function prepareWrites(database: Database.Database) {
  return {
    nextVersion: database.prepare("UPDATE meta SET value = value + 1 WHERE key = 'write_counter' RETURNING value").pluck(),
    setVersion: database.prepare("UPDATE collections SET version = ? WHERE name = ?"),
    storageKey: database.prepare<[string], string>("SELECT storage FROM collections WHERE name = ?").pluck(),
    create: database.prepare("INSERT INTO collections (name, kind, spec, version, storage) VALUES (?, ?, ?, ?, ?)"),
    rename: database.prepare("UPDATE collections SET name = ?, spec = ?, version = ? WHERE name = ?"),
    deleteRecords: database.prepare("DELETE FROM records WHERE storage = (SELECT storage FROM collections WHERE name = ?)"),
    deleteCollection: database.prepare("DELETE FROM collections WHERE name = ?"),
    // An upsert in two statements, so the caller learns which records were new and their row ids.
    insertNew: database.prepare("INSERT INTO records (storage, id, properties) VALUES (?, ?, ?) ON CONFLICT (storage, id) DO NOTHING"),
    updateExisting: database.prepare("UPDATE records SET properties = ? WHERE storage = ? AND id = ?"),
  };
}

/** How the database files records: by storage key, or (written by an older hardneg) by collection name. */
function layoutOf(database: Database.Database): RecordsLayout {
  const filedByName = database.prepare("SELECT 1 FROM pragma_table_info('records') WHERE name = 'collection'").get();
  return filedByName === undefined ? STORAGE_KEYS : FILED_BY_NAME;
}

/** Whether the database holds hardneg's tables (a meta table with the database id). */
function hasSchema(database: Database.Database): boolean {
  const meta = database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  return meta !== undefined && database.prepare("SELECT 1 FROM meta WHERE key = 'database_id'").get() !== undefined;
}

/** SQLite JSON path of a top-level property. Keys with a double quote cannot be expressed. */
export function jsonPath(key: string): string {
  return `$."${key}"`;
}

/**
 * Puts the database in WAL mode. Switching the journal mode takes a lock for which SQLite does
 * not call the busy handler, so two processes creating the same file at the same moment could
 * fail at once with SQLITE_BUSY (seen in about 1 of 30 runs of the two-loads test): the switch is
 * skipped when another process has made it, and retried every 20 ms until the busy timeout.
 */
function enableWal(database: Database.Database, busyTimeoutMs: number): void {
  const deadline = Date.now() + busyTimeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      if (database.pragma("journal_mode", { simple: true }) !== "wal") database.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== "SQLITE_BUSY" || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, 20);
    }
  }
}

/** A record's properties as stored. Core checked they are a plain object; JSON may still refuse them (a bigint, a cycle). */
function jsonOf(collection: string, record: StoredRecord): string {
  try {
    return JSON.stringify(record.properties);
  } catch (cause) {
    throw new BadInputError(`record "${record.id}": properties are not JSON-serialisable`, { collection, component: "local", cause });
  }
}

function* chunks<T>(values: readonly T[]): Generator<T[]> {
  for (let start = 0; start < values.length; start += LOOKUP_CHUNK_SIZE) yield values.slice(start, start + LOOKUP_CHUNK_SIZE);
}
