import type { CollectionSpec, IterateOptions, SpecificationVersion, Store } from "../backend.js";
import { BadInputError, BadOptionError, MissingCollectionError } from "../errors.js";
import type { StoredRecord } from "../types.js";

interface MemoryCollection {
  spec: CollectionSpec;
  /** Map keeps insertion order, and `set` on an existing id keeps its position (as upsert must). */
  records: Map<string, StoredRecord>;
}

/**
 * A {@link Store} held in memory, for tests (yours and ours). It follows the Store contract as
 * a real engine would: records are copied in and out (mutating what you passed or got back
 * changes nothing stored), `upsert` replaces by id and keeps the first insertion position,
 * `iterate` yields batches of `batchSize` (default 1000) in insertion order from a snapshot
 * taken when iteration starts, and a missing collection raises `MissingCollectionError`.
 */
export class MemoryStore implements Store {
  readonly specificationVersion: SpecificationVersion = "v1";
  readonly name = "memory";
  private readonly collections = new Map<string, MemoryCollection>();

  /**
   * @throws BadInputError when a collection of that name exists with another kind.
   */
  async createCollection(spec: CollectionSpec): Promise<void> {
    const existing = this.collections.get(spec.name);
    if (existing !== undefined) {
      if (existing.spec.kind !== spec.kind) {
        throw new BadInputError(`already exists as a ${existing.spec.kind} collection, not ${spec.kind}; choose another name or delete it`, { collection: spec.name, component: this.name });
      }
      return;
    }
    this.collections.set(spec.name, { spec: structuredClone(spec), records: new Map() });
  }

  async hasCollection(name: string): Promise<boolean> {
    return this.collections.has(name);
  }

  async describeCollection(name: string): Promise<CollectionSpec | undefined> {
    const collection = this.collections.get(name);
    return collection === undefined ? undefined : structuredClone(collection.spec);
  }

  /** Deleting a collection that does not exist does nothing. */
  async deleteCollection(name: string): Promise<void> {
    this.collections.delete(name);
  }

  async count(name: string): Promise<number> {
    return this.require(name).records.size;
  }

  /** Within one call, a repeated id keeps the last record. */
  async upsert(name: string, records: readonly StoredRecord[]): Promise<void> {
    const collection = this.require(name);
    // Validate the whole batch first, so a bad record leaves nothing half-written.
    for (const record of records) {
      if (typeof record.id !== "string" || record.id === "") {
        throw new BadInputError(`record id must be a non-empty string, got ${JSON.stringify(record.id)}`, { collection: name, component: this.name });
      }
    }
    for (const record of records) collection.records.set(record.id, structuredClone({ id: record.id, properties: record.properties }));
  }

  /**
   * @throws BadOptionError when `batchSize` is not a positive integer.
   * @throws MissingCollectionError when iteration starts and the collection does not exist.
   */
  async *iterate(name: string, options: IterateOptions = {}): AsyncGenerator<StoredRecord[]> {
    const batchSize = options.batchSize ?? 1000;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new BadOptionError("batchSize", `must be a positive integer, got ${batchSize}`);
    const snapshot = [...this.require(name).records.values()];
    for (let start = 0; start < snapshot.length; start += batchSize) {
      yield snapshot.slice(start, start + batchSize).map((record) => structuredClone(record));
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
