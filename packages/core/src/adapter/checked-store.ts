import type { CollectionSpec, IterateOptions, SpecificationVersion, Store } from "../backend.js";
import { DEFAULT_LANGUAGE } from "../analysis/languages.js";
import { BadOptionError, UnsupportedCapabilityError } from "../errors.js";
import type { StoredRecord } from "../types.js";
import { AdapterContractError, checkAnsweredIds, checkCollectionNames } from "./answer-checks.js";
import { assertCollectionName } from "./collection-names.js";
import type { StoreDriver } from "./driver.js";
import { batchSizeOf, checkSpec, distinctIds, lastRecordPerId } from "./input-checks.js";

/**
 * A {@link Store} over a driver: names, specs, ids and records are checked before the driver is
 * called; `createCollection` keeps an existing collection of the same kind and refuses one of
 * another kind; `hasCollection` (and `count`, when the driver has none) are derived. The
 * optional `replaceCollection`, `upsertTogether` and `listCollections` exist exactly when the
 * driver has them.
 */
export class CheckedStore implements Store {
  readonly specificationVersion: SpecificationVersion;
  readonly name: string;
  // `declare`: a plain field would be emitted as an own property set to undefined, and
  // `"replaceCollection" in store` would be true for a driver without it.
  declare readonly replaceCollection?: (staging: string, name: string) => Promise<void>;
  declare readonly upsertTogether?: (writes: ReadonlyArray<{ collection: string; records: readonly StoredRecord[] }>) => Promise<void>;
  declare readonly listCollections?: () => Promise<string[]>;

  constructor(private readonly storeDriver: StoreDriver) {
    this.specificationVersion = storeDriver.specificationVersion;
    this.name = storeDriver.name;
    // Optional abilities stay optional: present exactly when the driver has them.
    if (storeDriver.replaceCollection !== undefined) this.replaceCollection = (staging, name) => this.replaceWith(staging, name);
    if (storeDriver.upsertTogether !== undefined) this.upsertTogether = (writes) => this.upsertAll(writes);
    if (storeDriver.listCollections !== undefined) this.listCollections = () => this.listAll();
  }

  /**
   * Creates the collection; an existing one of the same kind is kept. Another kind is refused:
   * a corpus is never silently reused as a query set or a run.
   */
  async createCollection(spec: CollectionSpec): Promise<void> {
    checkSpec(spec, this.name);
    this.checkLanguageServed(spec);
    if (this.sameKind(spec, await this.storeDriver.describeCollection(spec.name))) return;
    try {
      await this.storeDriver.createCollection(spec);
    } catch (error) {
      // Another writer may have created it between our look and our create.
      const created = await this.storeDriver.describeCollection(spec.name).catch(() => undefined);
      if (created === undefined || !this.sameKind(spec, created)) throw error;
    }
  }

  /** A documents collection in a language the engine's BM25 does not analyse is refused, naming the ones it does. */
  private checkLanguageServed(spec: CollectionSpec): void {
    const language = spec.language ?? DEFAULT_LANGUAGE;
    // English first: every engine serves it, and asking the driver may load its language tables.
    if (language === DEFAULT_LANGUAGE) return;
    const served = this.storeDriver.languages ?? [DEFAULT_LANGUAGE];
    if (served.includes(language)) return;
    const others = served.filter((code) => code !== DEFAULT_LANGUAGE);
    const analysed = others.length === 0 ? "English only" : `en, ${others.join(", ")}`;
    throw new UnsupportedCapabilityError(
      `this engine's BM25 does not analyse language "${language}" (it analyses ${analysed}); ` +
        'load the collection into an engine that does (README, "Languages") or leave out --language',
      { component: this.name, collection: spec.name },
    );
  }

  async hasCollection(name: string): Promise<boolean> {
    return (await this.describeCollection(name)) !== undefined;
  }

  async describeCollection(name: string): Promise<CollectionSpec | undefined> {
    assertCollectionName(name, this.name);
    return this.storeDriver.describeCollection(name);
  }

  async deleteCollection(name: string): Promise<void> {
    assertCollectionName(name, this.name);
    await this.storeDriver.deleteCollection(name);
  }

  async count(name: string): Promise<number> {
    assertCollectionName(name, this.name);
    if (this.storeDriver.count !== undefined) return this.storeDriver.count(name);
    let count = 0;
    for await (const batch of this.storeDriver.iterate(name, { batchSize: 1000 })) count += batch.length;
    return count;
  }

  async upsert(name: string, records: readonly StoredRecord[]): Promise<void> {
    assertCollectionName(name, this.name);
    const distinct = lastRecordPerId(records, { component: this.name, collection: name });
    if (distinct.length > 0) await this.storeDriver.upsert(name, distinct);
  }

  async *iterate(name: string, options?: IterateOptions): AsyncIterable<StoredRecord[]> {
    assertCollectionName(name, this.name);
    const batchSize = batchSizeOf(options, this.name);
    for await (const batch of this.storeDriver.iterate(name, { batchSize })) {
      if (!Array.isArray(batch) || batch.length === 0 || batch.length > batchSize) {
        throw new AdapterContractError(
          this.name,
          `iterate must yield non-empty batches of at most ${batchSize} records, got ${Array.isArray(batch) ? batch.length : typeof batch}`,
        );
      }
      yield batch;
    }
  }

  async getRecords(name: string, ids: readonly string[]): Promise<Map<string, StoredRecord>> {
    assertCollectionName(name, this.name);
    const distinct = distinctIds(ids, { component: this.name, collection: name });
    if (distinct.length === 0) return new Map();
    const records = await this.storeDriver.getRecords(name, distinct);
    checkAnsweredIds(this.name, "getRecords", records, distinct);
    for (const [id, record] of records)
      if (record?.id !== id) throw new AdapterContractError(this.name, `getRecords must map "${id}" to the record with that id`);
    return records;
  }

  async close(): Promise<void> {
    await this.storeDriver.close?.();
  }

  private sameKind(spec: CollectionSpec, existing: CollectionSpec | undefined): boolean {
    if (existing === undefined) return false;
    if (existing.kind === spec.kind) return true;
    throw new BadOptionError(
      "collection",
      `"${spec.name}" already exists as a ${existing.kind} collection, not ${spec.kind}; choose another name or delete it`,
      { component: this.name },
    );
  }

  private async replaceWith(staging: string, name: string): Promise<void> {
    assertCollectionName(staging, this.name);
    assertCollectionName(name, this.name);
    if (staging === name) throw new BadOptionError("collection", `cannot replace collection "${name}" by itself`, { component: this.name });
    await this.storeDriver.replaceCollection!(staging, name);
  }

  private async listAll(): Promise<string[]> {
    return checkCollectionNames(this.name, await this.storeDriver.listCollections!());
  }

  private async upsertAll(writes: ReadonlyArray<{ collection: string; records: readonly StoredRecord[] }>): Promise<void> {
    const checked = writes.map(({ collection, records }) => {
      assertCollectionName(collection, this.name);
      return { collection, records: lastRecordPerId(records, { component: this.name, collection }) };
    });
    await this.storeDriver.upsertTogether!(checked.filter((write) => write.records.length > 0));
  }
}
