import type { CollectionSpec, SpecificationVersion } from "../backend.js";
import { MissingCollectionError } from "../errors.js";
import type { StoredRecord } from "../types.js";
import { CheckedStore } from "./checked-store.js";
import type { StoreDriver } from "./driver.js";

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** The store's name in messages and run records. Default "memory". */
  name?: string;
}

/**
 * A store held in memory, for adapters of search-only engines (keep collections here and search
 * elsewhere) and for tests. Core checks its inputs as for any store. Records are copied in and
 * out (mutating what you passed or got back changes nothing stored); `upsert` replaces by id and
 * keeps the first insertion position; `iterate` yields insertion order from a snapshot taken when
 * iteration starts. Everything is lost on `close` or when the process ends.
 */
export class MemoryStore extends CheckedStore {
  constructor(options: MemoryStoreOptions = {}) {
    super(new MemoryStoreDriver(options.name ?? "memory"));
  }
}

interface MemoryCollection {
  spec: CollectionSpec;
  /** Map keeps insertion order, and `set` on an existing id keeps its position (as upsert must). */
  records: Map<string, StoredRecord>;
}

/**
 * The driver behind {@link MemoryStore}, for in-memory engines to extend: it keeps the records
 * (with atomic `replaceCollection` and `upsertTogether`), and tells a subclass what changed
 * through {@link MemoryStoreDriver.recordWritten} and {@link MemoryStoreDriver.collectionDropped},
 * where an engine keeps its search index in step. `@hardneg/backend-minisearch` is one.
 */
export class MemoryStoreDriver implements StoreDriver {
  readonly specificationVersion: SpecificationVersion = "v1";
  private readonly collections = new Map<string, MemoryCollection>();

  constructor(readonly name: string) {}

  async createCollection(spec: CollectionSpec): Promise<void> {
    this.collections.set(spec.name, { spec: structuredClone(spec), records: new Map() });
  }

  async describeCollection(name: string): Promise<CollectionSpec | undefined> {
    const collection = this.collections.get(name);
    return collection === undefined ? undefined : structuredClone(collection.spec);
  }

  async deleteCollection(name: string): Promise<void> {
    this.collections.delete(name);
    this.collectionDropped(name);
  }

  async listCollections(): Promise<string[]> {
    return [...this.collections.keys()];
  }

  async count(name: string): Promise<number> {
    return this.require(name).records.size;
  }

  async upsert(name: string, records: readonly StoredRecord[]): Promise<void> {
    this.write(name, records);
  }

  /** All or none: every collection is looked up before anything is written, and nothing awaits in between. */
  async upsertTogether(writes: ReadonlyArray<{ collection: string; records: readonly StoredRecord[] }>): Promise<void> {
    for (const { collection } of writes) this.require(collection);
    for (const { collection, records } of writes) this.write(collection, records);
  }

  /** Loads are all-or-nothing: core fills `staging`, then this swaps it in at once. */
  async replaceCollection(staging: string, name: string): Promise<void> {
    const collection = this.require(staging);
    this.collections.delete(staging);
    this.collections.set(name, { spec: { ...collection.spec, name }, records: collection.records });
    this.collectionDropped(staging);
    this.collectionDropped(name);
  }

  async *iterate(name: string, options: { batchSize: number }): AsyncIterable<StoredRecord[]> {
    // A snapshot: writes during iteration neither repeat nor skip records.
    const snapshot = [...this.require(name).records.values()];
    for (let start = 0; start < snapshot.length; start += options.batchSize) {
      yield snapshot.slice(start, start + options.batchSize).map((record) => structuredClone(record));
    }
  }

  async getRecords(name: string, ids: readonly string[]): Promise<Map<string, StoredRecord>> {
    const collection = this.require(name);
    const found = new Map<string, StoredRecord>();
    for (const id of ids) {
      const record = collection.records.get(id);
      if (record !== undefined) found.set(id, structuredClone(record));
    }
    return found;
  }

  /** Drops every collection. */
  async close(): Promise<void> {
    const names = [...this.collections.keys()];
    this.collections.clear();
    for (const name of names) this.collectionDropped(name);
  }

  /** The records of a collection, in insertion order, as stored (read them; never change them). */
  protected recordsOf(name: string): ReadonlyMap<string, StoredRecord> {
    return this.require(name).records;
  }

  /** Called after `record` is stored in `collection` in place of `previous` (undefined for a new id). Default: nothing. */
  protected recordWritten(_collection: string, _record: StoredRecord, _previous: StoredRecord | undefined): void {}

  /** Called when `collection` is deleted or replaced as a whole: drop what you built from it. Default: nothing. */
  protected collectionDropped(_collection: string): void {}

  private require(name: string): MemoryCollection {
    const collection = this.collections.get(name);
    if (collection === undefined) throw new MissingCollectionError(name, "create it first", { component: this.name });
    return collection;
  }

  /** Synchronous from lookup to the last record, so no other write can interleave. */
  private write(name: string, records: readonly StoredRecord[]): void {
    const collection = this.require(name);
    for (const record of records) {
      const copy = structuredClone({ id: record.id, properties: record.properties });
      const previous = collection.records.get(record.id);
      collection.records.set(record.id, copy);
      this.recordWritten(name, copy, previous);
    }
  }
}
