import { existsSync } from "node:fs";
import { resolve } from "node:path";
import * as lancedb from "@lancedb/lancedb";
import type { Connection, FtsOptions, Table } from "@lancedb/lancedb";
import { BadInputError, chunked, MissingCollectionError, type CollectionSpec, type StoredRecord } from "@hardneg/core/adapter";
import {
  COLUMNS,
  documentKeysOf,
  METADATA_SCHEMA,
  METADATA_TABLE,
  rowOf,
  schemaOf,
  sqlString,
  vectorDimensionOf,
  type DocumentLayout,
  type TableRow,
} from "./lancedb-schema.js";
import { MissingDatabaseError } from "./missing-database-error.js";

const COMPONENT = "lancedb";
const LOAD_HINT = "create it first (e.g. `hardneg load ... --engine lancedb:<path>`)";
/** Ids per `IN (...)` filter: keeps SQL strings and plans small. */
const LOOKUP_CHUNK_SIZE = 1000;

/** A collection's table with what reading and writing it needs. */
export interface OpenCollection {
  spec: CollectionSpec;
  table: Table;
  /** Set for documents collections. */
  layout: DocumentLayout | undefined;
}

/**
 * Collections as LanceDB tables, specs in a small metadata table, writes serialised per table
 * (insertion positions are assigned from the row count, so two writers at once would collide).
 * Names, specs, ids and records arrive checked by core (see `@hardneg/core/adapter`).
 */
export class LanceDbTables {
  private readonly specs = new Map<string, CollectionSpec>();
  private readonly opened = new Map<string, OpenCollection>();
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Table version at which the FTS index was last known to cover every row. */
  private readonly indexedVersions = new Map<string, number>();

  private constructor(
    private readonly connection: Connection,
    private readonly metadata: Table,
    private readonly vectorKey: string,
    private readonly ftsOptions: Partial<FtsOptions>,
  ) {}

  /**
   * Connects to the folder (or URI) `path`. With `create` false a local folder must exist and
   * hold hardneg's metadata table, else {@link MissingDatabaseError}; nothing is created.
   */
  static async open(path: string, vectorKey: string, ftsOptions: Partial<FtsOptions>, create: boolean): Promise<LanceDbTables> {
    const isUri = /^[a-z][a-z0-9+.-]*:\/\//i.test(path);
    // Checked before connecting, so not even an empty folder is left behind.
    if (!create && !isUri && !existsSync(path)) throw new MissingDatabaseError(resolve(path));
    const connection = await lancedb.connect(path);
    const names = await connection.tableNames();
    if (!create && !names.includes(METADATA_TABLE)) throw new MissingDatabaseError(isUri ? path : resolve(path));
    const metadata = names.includes(METADATA_TABLE)
      ? await connection.openTable(METADATA_TABLE)
      : await connection.createEmptyTable(METADATA_TABLE, METADATA_SCHEMA, { existOk: true });
    const tables = new LanceDbTables(connection, metadata, vectorKey, ftsOptions);
    await tables.reloadSpecs();
    return tables;
  }

  /**
   * Creates a collection core found absent. A table of that name (a concurrent create got there
   * first, or a table hardneg did not create) is refused; core then accepts a collection of the
   * same kind it finds.
   */
  async createCollection(spec: CollectionSpec): Promise<void> {
    await this.locked(spec.name, async () => {
      if ((await this.connection.tableNames()).includes(spec.name)) {
        throw new BadInputError("a LanceDB table of this name exists but was not created by hardneg; choose another name", {
          collection: spec.name,
          component: COMPONENT,
        });
      }
      await this.connection.createEmptyTable(spec.name, schemaOf(spec.kind, undefined));
      const stored = JSON.parse(JSON.stringify(spec)) as CollectionSpec;
      await this.metadata
        .mergeInsert("name")
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute([{ name: spec.name, spec: JSON.stringify(stored) }]);
      this.specs.set(spec.name, stored);
    });
  }

  async specOf(name: string): Promise<CollectionSpec | undefined> {
    // Another process may have created it since we last looked.
    if (!this.specs.has(name)) await this.reloadSpecs();
    const spec = this.specs.get(name);
    return spec === undefined ? undefined : structuredClone(spec);
  }

  /**
   * The collections: tables with a spec, read afresh (another process may have created or
   * dropped some). The spec table itself, and tables hardneg did not create, are left out.
   */
  async listCollections(): Promise<string[]> {
    await this.metadata.checkoutLatest();
    await this.reloadSpecs();
    const tables = new Set(await this.connection.tableNames());
    return [...this.specs.keys()].filter((name) => name !== METADATA_TABLE && tables.has(name)).sort();
  }

  /** Drops the table and its spec. Deleting a missing collection does nothing. */
  async deleteCollection(name: string): Promise<void> {
    await this.locked(name, async () => {
      if ((await this.connection.tableNames()).includes(name) && (await this.specOf(name)) !== undefined)
        await this.connection.dropTable(name);
      await this.metadata.delete(`name = ${sqlString(name)}`);
      this.specs.delete(name);
      this.opened.delete(name);
      this.indexedVersions.delete(name);
    });
  }

  /** The collection's table, or {@link MissingCollectionError}. */
  async collection(name: string): Promise<OpenCollection> {
    const cached = this.opened.get(name);
    if (cached !== undefined) return cached;
    const spec = await this.specOf(name);
    if (spec === undefined) throw new MissingCollectionError(name, LOAD_HINT, { component: COMPONENT });
    const table = await this.connection.openTable(name);
    const opened = { spec, table, layout: await this.layoutOf(spec, table) };
    this.opened.set(name, opened);
    return opened;
  }

  async count(name: string): Promise<number> {
    return (await this.collection(name)).table.countRows();
  }

  /**
   * Inserts or replaces records by record id in one `mergeInsert` (atomic per call); an updated
   * record keeps its insertion position. Core passes at least one record, ids distinct.
   */
  async upsert(name: string, records: readonly StoredRecord[]): Promise<void> {
    await this.locked(name, async () => {
      let collection = await this.collection(name);
      const rowCount = await collection.table.countRows();
      if (collection.layout !== undefined && collection.layout.vectorDimension === undefined && rowCount === 0) {
        collection = await this.addVectorColumn(collection, vectorDimensionOf(records, this.vectorKey));
      }
      const existing = await this.sequencesOf(
        collection.table,
        records.map((record) => record.id),
      );
      let next = rowCount;
      const rows: TableRow[] = [];
      for (const record of records) rows.push(rowOf(record, existing.get(record.id) ?? next++, name, collection.layout));
      const data = lancedb.makeArrowTable(rows, { schema: await collection.table.schema() });
      await collection.table.mergeInsert(COLUMNS.recordId).whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(data);
    });
  }

  /** Records in insertion order, `batchSize` at a time, each batch read by a window of insertion positions. */
  async *iterate(name: string, batchSize: number): AsyncGenerator<StoredRecord[]> {
    const { table, layout } = await this.collection(name);
    const total = await table.countRows();
    for (let start = 0; start < total; start += batchSize) {
      const rows = await table
        .query()
        .where(`${COLUMNS.sequence} >= ${start} AND ${COLUMNS.sequence} < ${start + batchSize}`)
        .select(this.recordColumns(layout))
        .toArray();
      rows.sort((left, right) => Number(left[COLUMNS.sequence]) - Number(right[COLUMNS.sequence]));
      if (rows.length > 0) yield rows.map((row) => this.recordOf(row, layout));
    }
  }

  async getRecords(name: string, ids: readonly string[]): Promise<Map<string, StoredRecord>> {
    const { table, layout } = await this.collection(name);
    const records = new Map<string, StoredRecord>();
    for (const chunk of chunked(ids, LOOKUP_CHUNK_SIZE)) {
      const rows = await table
        .query()
        .where(`${COLUMNS.recordId} IN (${chunk.map(sqlString).join(", ")})`)
        .select(this.recordColumns(layout))
        .toArray();
      for (const row of rows) records.set(String(row[COLUMNS.recordId]), this.recordOf(row, layout));
    }
    return records;
  }

  /**
   * Makes the FTS index of a documents table cover every row: LanceDB searches rows written
   * after the index by a flat scan with the old statistics, so scores would drift from BM25
   * over the whole corpus. Rebuilt at most once per table version. Returns false for an empty table.
   */
  async ensureSearchIndex(collection: OpenCollection, name: string): Promise<boolean> {
    const { table } = collection;
    if (this.indexedVersions.get(name) === (await table.version())) return true;
    return this.locked(name, async () => {
      // A concurrent caller may have rebuilt it while this one waited for the lock, through
      // another handle of the same table: see the latest version before deciding.
      await table.checkoutLatest();
      if (this.indexedVersions.get(name) === (await table.version())) return true;
      if ((await table.countRows()) === 0) return false;
      const indexName = `${COLUMNS.searchText}_idx`;
      const stats = (await table.listIndices()).some((index) => index.name === indexName) ? await table.indexStats(indexName) : undefined;
      if (stats === undefined || stats.numUnindexedRows > 0) {
        await table.createIndex(COLUMNS.searchText, { config: lancedb.Index.fts(this.ftsOptions), replace: true });
      }
      this.indexedVersions.set(name, await table.version());
      return true;
    });
  }

  close(): void {
    this.opened.clear();
    this.connection.close();
  }

  private async reloadSpecs(): Promise<void> {
    const rows = await this.metadata.query().select(["name", "spec"]).toArray();
    this.specs.clear();
    for (const row of rows) this.specs.set(String(row.name), JSON.parse(String(row.spec)) as CollectionSpec);
  }

  private async layoutOf(spec: CollectionSpec, table: Table): Promise<DocumentLayout | undefined> {
    if (spec.kind !== "documents") return undefined;
    const vectorField = (await table.schema()).fields.find((field) => field.name === COLUMNS.vector);
    const dimension = vectorField === undefined ? undefined : (vectorField.type as { listSize: number }).listSize;
    return { keys: documentKeysOf(spec), vectorKey: this.vectorKey, vectorDimension: dimension };
  }

  /** An empty documents table is recreated with a vector column when its first records carry vectors. */
  private async addVectorColumn(collection: OpenCollection, dimension: number | undefined): Promise<OpenCollection> {
    if (dimension === undefined) return collection;
    const name = collection.table.name;
    await this.connection.dropTable(name);
    const table = await this.connection.createEmptyTable(name, schemaOf("documents", dimension));
    const reopened = { ...collection, table, layout: await this.layoutOf(collection.spec, table) };
    this.opened.set(name, reopened);
    this.indexedVersions.delete(name);
    return reopened;
  }

  private async sequencesOf(table: Table, ids: readonly string[]): Promise<Map<string, number>> {
    const sequences = new Map<string, number>();
    for (const chunk of chunked(ids, LOOKUP_CHUNK_SIZE)) {
      const rows = await table
        .query()
        .where(`${COLUMNS.recordId} IN (${chunk.map(sqlString).join(", ")})`)
        .select([COLUMNS.recordId, COLUMNS.sequence])
        .toArray();
      for (const row of rows) sequences.set(String(row[COLUMNS.recordId]), Number(row[COLUMNS.sequence]));
    }
    return sequences;
  }

  private recordColumns(layout: DocumentLayout | undefined): string[] {
    const columns: string[] = [COLUMNS.recordId, COLUMNS.sequence, COLUMNS.properties];
    if (layout?.vectorDimension !== undefined) columns.push(COLUMNS.vector);
    return columns;
  }

  private recordOf(row: Record<string, unknown>, layout: DocumentLayout | undefined): StoredRecord {
    const properties = JSON.parse(String(row[COLUMNS.properties])) as Record<string, unknown>;
    const vector = row[COLUMNS.vector] as Iterable<number> | null | undefined;
    if (layout !== undefined && vector !== null && vector !== undefined) properties[layout.vectorKey] = Array.from(vector);
    return { id: String(row[COLUMNS.recordId]), properties };
  }

  /** Runs `work` after every earlier locked work on the same table has settled. */
  private locked<T>(name: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(name) ?? Promise.resolve();
    const result = previous.then(work, work);
    this.locks.set(
      name,
      result.catch(() => undefined),
    );
    return result;
  }
}
