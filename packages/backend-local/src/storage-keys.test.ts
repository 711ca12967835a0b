import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { useTemporaryDirectories } from "./__fixtures__/temporary-directory.js";
import { SqliteStore } from "./sqlite-store.js";

const temporaryDirectory = useTemporaryDirectories();

function records(count: number, prefix: string) {
  return Array.from({ length: count }, (_, position) => ({ id: `${prefix}${position}`, properties: { position, prefix } }));
}

function allRecords(store: SqliteStore, name: string) {
  return [...store.iterate(name, 1000)].flat();
}

/** Rows SQLite inserted, updated or deleted while `work` ran. */
function rowsChangedBy(store: SqliteStore, work: () => void): number {
  const changes = () => Number(store.database.prepare("SELECT total_changes()").pluck().get());
  const before = changes();
  work();
  return changes() - before;
}

// The layout hardneg wrote before storage keys: records filed under the collection's name.
const OLDER_LAYOUT = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
  CREATE TABLE collections (name TEXT PRIMARY KEY, kind TEXT NOT NULL, spec TEXT NOT NULL, version INTEGER NOT NULL);
  CREATE TABLE records (
    seq INTEGER PRIMARY KEY, collection TEXT NOT NULL, id TEXT NOT NULL, properties TEXT NOT NULL, UNIQUE (collection, id)
  );
  CREATE INDEX records_in_order ON records (collection, seq);
  INSERT INTO meta (key, value) VALUES ('write_counter', 1), ('database_id', 'older');
  INSERT INTO collections VALUES ('rows', 'records', '{"name":"rows","kind":"records"}', 1);
`;

function writeOlderDatabase(path: string): void {
  const database = new Database(path);
  database.exec(OLDER_LAYOUT);
  const insert = database.prepare("INSERT INTO records (collection, id, properties) VALUES ('rows', ?, ?)");
  for (const record of records(5, "old")) insert.run(record.id, JSON.stringify(record.properties));
  database.close();
}

describe("storage keys", () => {
  it("swaps a staged collection in without rewriting its records, and drops the old ones", () => {
    const store = new SqliteStore(":memory:");
    store.createCollection({ name: "rows", kind: "records" });
    store.upsert("rows", records(300, "old"));
    store.createCollection({ name: "rows.staging-1", kind: "records" });
    store.upsert("rows.staging-1", records(2000, "new"));

    const changed = rowsChangedBy(store, () => store.replaceCollection("rows.staging-1", "rows"));

    // 300 old records deleted, two collections rows (one deleted, one renamed), the version counter.
    expect(changed).toBeLessThan(300 + 10);
    expect(allRecords(store, "rows").map((record) => record.id)).toEqual(records(2000, "new").map((record) => record.id));
    expect(store.listCollections()).toEqual(["rows"]);
    expect(store.describeCollection("rows")).toEqual({ name: "rows", kind: "records" });
    expect(store.database.prepare("SELECT count(*) FROM records").pluck().get()).toBe(2000);
    store.close();
  });

  it("gives a re-created collection none of the records of the one deleted under its name", () => {
    const store = new SqliteStore(":memory:");
    store.createCollection({ name: "rows", kind: "records" });
    store.upsert("rows", records(3, "first"));
    store.deleteCollection("rows");
    store.createCollection({ name: "rows", kind: "records" });
    store.upsert("rows", records(1, "second"));
    expect(allRecords(store, "rows").map((record) => record.id)).toEqual(["second0"]);
    store.close();
  });

  it("reads a database of the older layout read-only as it is, without changing it", () => {
    const path = join(temporaryDirectory(), "older.db");
    writeOlderDatabase(path);
    const store = new SqliteStore(path, { readOnly: true });
    expect(store.count("rows")).toBe(5);
    expect(allRecords(store, "rows").map((record) => record.id)).toEqual(["old0", "old1", "old2", "old3", "old4"]);
    expect([...store.getRecords("rows", ["old3", "missing"]).keys()]).toEqual(["old3"]);
    expect([...store.documentRows("rows", { idKey: "prefix", contentKey: "position" })].map((row) => row.content)).toEqual([0, 1, 2, 3, 4]);
    store.close();
    const database = new Database(path, { readonly: true });
    expect(database.prepare("SELECT name FROM pragma_table_info('records')").pluck().all()).toContain("collection");
    database.close();
  });

  it("moves a database of the older layout to storage keys when opened for writing, keeping every record", () => {
    const path = join(temporaryDirectory(), "older.db");
    writeOlderDatabase(path);
    const store = new SqliteStore(path);
    expect(store.database.prepare("SELECT name FROM pragma_table_info('records')").pluck().all()).toContain("storage");
    expect(allRecords(store, "rows")).toEqual(records(5, "old"));
    store.upsert("rows", [{ id: "old1", properties: { updated: true } }, ...records(1, "added")]);
    store.createCollection({ name: "rows.staging-1", kind: "records" });
    store.upsert("rows.staging-1", records(2, "new"));
    store.replaceCollection("rows.staging-1", "rows");
    expect(allRecords(store, "rows").map((record) => record.id)).toEqual(["new0", "new1"]);
    store.close();

    // A second open finds the new layout and moves nothing.
    const reopened = new SqliteStore(path);
    expect(reopened.count("rows")).toBe(2);
    expect(reopened.database.prepare("SELECT count(*) FROM records").pluck().get()).toBe(2);
    reopened.close();
  });
});
