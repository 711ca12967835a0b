import {
  createEngine,
  documentFromProperties,
  MissingCollectionError,
  type CollectionSpec,
  type Doc,
  type DocumentTarget,
  type EngineDriver,
  type EngineOf,
  type EngineOpener,
  type EngineOpenOptions,
  type Hit,
  type SearchOptions,
  type SearchRequest,
  type SpecificationVersion,
  type StoredRecord,
} from "@hardneg/core/adapter";
import { SearchIndex } from "./search-index.js";

/** A collection: its spec, its records by id (a Map keeps insertion order), and its search index once searched. */
interface Collection {
  spec: CollectionSpec;
  records: Map<string, StoredRecord>;
  index?: SearchIndex;
}

/**
 * An engine driver over MiniSearch: records in memory, BM25 search through a MiniSearch index
 * built on the first search of a collection and kept in step with every write after it. Core
 * checks every input before calling it (names, ids, modes, k) and every answer after.
 */
export class MiniSearchDriver implements EngineDriver {
  readonly specificationVersion: SpecificationVersion = "v1";
  readonly name = "minisearch";
  readonly modes = ["bm25"] as const;
  private readonly collections = new Map<string, Collection>();

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
    return this.collection(name).records.size;
  }

  async upsert(name: string, records: readonly StoredRecord[]): Promise<void> {
    this.write(name, records);
  }

  /** All or none: every collection is looked up before anything is written, and nothing awaits in between. */
  async upsertTogether(writes: ReadonlyArray<{ collection: string; records: readonly StoredRecord[] }>): Promise<void> {
    for (const { collection } of writes) this.collection(collection);
    for (const { collection, records } of writes) this.write(collection, records);
  }

  /** Loads are all-or-nothing: core fills `staging`, then this swaps it in at once. */
  async replaceCollection(staging: string, name: string): Promise<void> {
    const collection = this.collection(staging);
    this.collections.delete(staging);
    this.collections.set(name, { ...collection, spec: { ...collection.spec, name } });
  }

  async *iterate(name: string, options: { batchSize: number }): AsyncIterable<StoredRecord[]> {
    const snapshot = [...this.collection(name).records.values()];
    for (let start = 0; start < snapshot.length; start += options.batchSize) {
      yield snapshot.slice(start, start + options.batchSize).map((record) => structuredClone(record));
    }
  }

  async getRecords(name: string, ids: readonly string[]): Promise<Map<string, StoredRecord>> {
    const records = this.collection(name).records;
    return new Map(ids.filter((id) => records.has(id)).map((id) => [id, structuredClone(records.get(id)!)]));
  }

  async search(target: DocumentTarget, requests: readonly SearchRequest[], options: SearchOptions): Promise<Hit[][]> {
    const index = this.indexOf(target);
    return requests.map((request) => {
      const best = index.search(request.text).slice(0, options.k);
      return best.map((hit, position) => ({ ...hit, rank: position + 1 }));
    });
  }

  async getDocuments(target: DocumentTarget, ids: readonly string[]): Promise<Map<string, Doc>> {
    const index = this.indexOf(target);
    const records = this.collection(target.collection).records;
    const documents = new Map<string, Doc>();
    for (const id of ids) {
      const record = records.get(index.recordIdOf.get(id) ?? "");
      if (record !== undefined) documents.set(id, documentFromProperties(id, structuredClone(record.properties), target));
    }
    return documents;
  }

  /** Exactly `search`'s scores: MiniSearch filters after scoring. A held document that matches no query word scores 0. */
  async scoreDocuments(target: DocumentTarget, request: SearchRequest, ids: readonly string[]): Promise<Map<string, number>> {
    const index = this.indexOf(target);
    const scores = new Map(index.search(request.text, new Set(ids)).map((hit) => [hit.id, hit.score]));
    for (const id of ids) if (!scores.has(id) && index.recordIdOf.has(id)) scores.set(id, 0);
    return scores;
  }

  async close(): Promise<void> {
    this.collections.clear();
  }

  private collection(name: string): Collection {
    const collection = this.collections.get(name);
    if (collection === undefined) throw new MissingCollectionError(name, "create it first", { component: this.name });
    return collection;
  }

  /** Synchronous from lookup to answer, so no write can slip in between. */
  private write(name: string, records: readonly StoredRecord[]): void {
    const collection = this.collection(name);
    for (const record of records) {
      const copy = structuredClone({ id: record.id, properties: record.properties });
      const previous = collection.records.get(record.id);
      collection.records.set(record.id, copy);
      collection.index?.put(copy, previous);
    }
  }

  /** The collection's index for `target`, built from its records on first use (or when another target asks). */
  private indexOf(target: DocumentTarget): SearchIndex {
    const collection = this.collection(target.collection);
    const built = collection.index?.target;
    if (built?.idKey !== target.idKey || built.contentKey !== target.contentKey || built.titleKey !== target.titleKey) {
      collection.index = new SearchIndex(target, collection.records.values());
    }
    return collection.index!;
  }
}

/**
 * Opens an empty MiniSearch engine. `location` is only a label (`--engine minisearch:demo`), and
 * `options` are ignored: every open starts empty, and the data lives until `close` or the end of
 * the process.
 */
export async function openMiniSearchBackend(
  _location = "",
  _options: Partial<EngineOpenOptions> = {},
): Promise<EngineOf<MiniSearchDriver>> {
  return createEngine(new MiniSearchDriver());
}

/** The opener the CLI finds by convention: `--engine minisearch:<label>`. */
export const openEngine: EngineOpener = (location, options) => openMiniSearchBackend(location, options);
