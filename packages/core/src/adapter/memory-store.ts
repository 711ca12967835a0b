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

/** The driver behind {@link MemoryStore}. */
class MemoryStoreDriver implements StoreDriver {
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
  }

  async count(name: string): Promise<number> {
    return this.require(name).records.size;
  }

  async upsert(name: string, records: readonly StoredRecord[]): Promise<void> {
    const collection = this.require(name);
    for (const record of records) collection.records.set(record.id, structuredClone({ id: record.id, properties: record.properties }));
  }

  async *iterate(name: string, options: { batchSize: number }): AsyncIterable<StoredRecord[]> {
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
    this.collections.clear();
  }

  private require(name: string): MemoryCollection {
    const collection = this.collections.get(name);
    if (collection === undefined) throw new MissingCollectionError(name, "create it first", { component: this.name });
    return collection;
  }
}
