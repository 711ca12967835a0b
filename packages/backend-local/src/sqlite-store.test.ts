import { existsSync } from "node:fs";
import { join } from "node:path";
import type { StoredRecord } from "@hardneg/core";
import Database from "better-sqlite3";
import { describe, expect, it, vi } from "vitest";
import { useTemporaryDirectories } from "./__fixtures__/temporary-directory.js";
import { openLocalBackend } from "./local-backend.js";

const temporaryDirectory = useTemporaryDirectories();

function records(count: number, prefix = "r"): StoredRecord[] {
  return Array.from({ length: count }, (_, position) => ({
    id: `${prefix}${position}`,
    properties: { position, text: `text ${position}` },
  }));
}

async function collect(iterable: AsyncIterable<StoredRecord[]>): Promise<StoredRecord[][]> {
  const batches: StoredRecord[][] = [];
  for await (const batch of iterable) batches.push(batch);
  return batches;
}

describe("local store", () => {
  it("creates collections idempotently and refuses a different kind", async () => {
    const backend = await openLocalBackend(join(temporaryDirectory(), "store.db"));
    await backend.createCollection({ name: "corpus", kind: "documents", target: { idKey: "doc_id", contentKey: "text" } });
    await backend.createCollection({ name: "corpus", kind: "documents" });
    expect(await backend.hasCollection("corpus")).toBe(true);
    expect(await backend.hasCollection("other")).toBe(false);
    expect(await backend.describeCollection("corpus")).toEqual({
      name: "corpus",
      kind: "documents",
      target: { idKey: "doc_id", contentKey: "text" },
    });
    expect(await backend.describeCollection("other")).toBeUndefined();
    await expect(backend.createCollection({ name: "corpus", kind: "queries" })).rejects.toMatchObject({
      code: "BAD_OPTION",
      name: "BadOptionError",
      message: expect.stringContaining('"corpus" already exists as a documents collection'),
    });
    await backend.close();
  });

  it(
    "two connections creating the same collection at once both succeed " + "(the second insert fails, and core accepts what it finds)",
    async () => {
      const path = join(temporaryDirectory(), "race.db");
      const [first, second] = [await openLocalBackend(path), await openLocalBackend(path)];
      const spec = { name: "runs", kind: "records" } as const;
      // Both look before either inserts, so the second connection's insert meets the first's row.
      const secondInserts = vi.spyOn(second.driver, "createCollection");
      await Promise.all([first.createCollection(spec), second.createCollection(spec)]);
      expect(secondInserts, "the second connection tried to insert (the race happened)").toHaveBeenCalledTimes(1);
      secondInserts.mockRestore();
      expect(await second.describeCollection("runs"), "the collection both created").toEqual(spec);
      await expect(second.driver.createCollection(spec), "the driver alone, on an existing name").rejects.toThrow(/UNIQUE|PRIMARY KEY/i);
      await expect(second.createCollection({ name: "runs", kind: "queries" }), "another kind").rejects.toMatchObject({
        code: "BAD_OPTION",
      });
      await Promise.all([first.close(), second.close()]);
    },
  );

  it("upserts idempotently: same count, an updated record keeps its position", async () => {
    const backend = await openLocalBackend(":memory:");
    await backend.createCollection({ name: "rows", kind: "records" });
    await backend.upsert("rows", records(3));
    await backend.upsert("rows", records(3));
    expect(await backend.count("rows")).toBe(3);
    await backend.upsert("rows", [
      { id: "r1", properties: { changed: true } },
      { id: "r3", properties: { position: 3 } },
    ]);
    const [batch] = await collect(backend.iterate("rows"));
    expect(batch!.map((record) => record.id)).toEqual(["r0", "r1", "r2", "r3"]);
    expect(batch![1]!.properties).toEqual({ changed: true });
    await backend.close();
  });

  it("iterates in insertion order, in batches of the asked size", async () => {
    const backend = await openLocalBackend(":memory:");
    await backend.createCollection({ name: "rows", kind: "records" });
    const written = records(2500);
    await backend.upsert("rows", written.slice(0, 1200));
    await backend.upsert("rows", written.slice(1200));
    const batches = await collect(backend.iterate("rows", { batchSize: 1000 }));
    expect(batches.map((batch) => batch.length)).toEqual([1000, 1000, 500]);
    expect(batches.flat()).toEqual(written);
    expect((await collect(backend.iterate("rows"))).map((batch) => batch.length)).toEqual([1000, 1000, 500]);
    await expect(collect(backend.iterate("rows", { batchSize: 0 }))).rejects.toMatchObject({ code: "BAD_OPTION" });
    await backend.close();
  });

  it("keeps collections and records across reopening the file", async () => {
    const path = join(temporaryDirectory(), "nested", "store.db");
    const first = await openLocalBackend(path);
    await first.createCollection({ name: "rows", kind: "records" });
    await first.upsert("rows", records(5));
    await first.close();
    expect(existsSync(path)).toBe(true);
    const second = await openLocalBackend(path);
    expect(await second.count("rows")).toBe(5);
    expect((await collect(second.iterate("rows"))).flat()).toEqual(records(5));
    await second.close();
  });

  it("gives a new file 16 KiB pages, and keeps an existing file's own page size", async () => {
    const fresh = join(temporaryDirectory(), "fresh.db");
    const created = await openLocalBackend(fresh);
    await created.createCollection({ name: "rows", kind: "records" });
    await created.close();
    const older = join(temporaryDirectory(), "older.db");
    const olderFile = new Database(older);
    olderFile.pragma("page_size = 4096");
    olderFile.exec("CREATE TABLE earlier (x)");
    olderFile.close();
    const reopened = await openLocalBackend(older);
    await reopened.createCollection({ name: "rows", kind: "records" });
    await reopened.upsert("rows", records(3));
    await reopened.close();
    const pageSizeOf = (path: string) => {
      const database = new Database(path, { readonly: true });
      try {
        return database.pragma("page_size", { simple: true });
      } finally {
        database.close();
      }
    };
    expect(pageSizeOf(fresh)).toBe(16_384);
    expect(pageSizeOf(older)).toBe(4096);
  });

  it("gets records by id in the asked order, leaving missing ids out", async () => {
    const backend = await openLocalBackend(":memory:");
    await backend.createCollection({ name: "rows", kind: "records" });
    await backend.upsert("rows", records(7000));
    const found = await backend.getRecords("rows", ["r5", "missing", "r2", "r6999", "r5"]);
    expect([...found.keys()]).toEqual(["r5", "r2", "r6999"]);
    expect(found.get("r2")).toEqual({ id: "r2", properties: { position: 2, text: "text 2" } });
    // More ids than one SQL lookup takes, so the chunking path runs.
    const many = await backend.getRecords(
      "rows",
      records(7000)
        .map((record) => record.id)
        .reverse(),
    );
    expect(many.size).toBe(7000);
    expect([...many.keys()][0]).toBe("r6999");
    await backend.close();
  });

  it("rejects invalid collection names and bad records", async () => {
    const backend = await openLocalBackend(":memory:");
    for (const name of ["", "-leading-dash", "has space", "a@b", "x".repeat(129), "../escape"]) {
      await expect(backend.createCollection({ name, kind: "records" }), JSON.stringify(name)).rejects.toMatchObject({
        code: "BAD_OPTION",
        message: expect.stringContaining("invalid collection name"),
      });
    }
    // prepareIndex is called on the driver, where core's checks do not run, and the name becomes part of a file name.
    const escaping = { collection: "../escape", idKey: "id", contentKey: "text" };
    await expect(backend.driver.prepareIndex(escaping), "a name given to the driver").rejects.toMatchObject({ code: "BAD_OPTION" });
    await backend.createCollection({ name: "ok_name.v1-2", kind: "records" });
    await expect(backend.upsert("ok_name.v1-2", [{ id: "", properties: {} }])).rejects.toMatchObject({ code: "BAD_INPUT" });
    await expect(backend.upsert("ok_name.v1-2", [{ id: "a", properties: [] as unknown as Record<string, unknown> }])).rejects.toMatchObject(
      { code: "BAD_INPUT" },
    );
    // A failing record aborts the whole call: nothing of it is written.
    await expect(
      backend.upsert("ok_name.v1-2", [
        { id: "good", properties: {} },
        { id: "bad", properties: { big: 1n } },
      ]),
    ).rejects.toMatchObject({ code: "BAD_INPUT" });
    expect(await backend.count("ok_name.v1-2")).toBe(0);
    await backend.close();
  });

  it("names a missing collection on reads, with a hint", async () => {
    const backend = await openLocalBackend(":memory:");
    const missing = { code: "MISSING_COLLECTION", message: expect.stringContaining("hardneg load beir") };
    await expect(backend.count("absent")).rejects.toMatchObject(missing);
    await expect(backend.getRecords("absent", ["a"])).rejects.toMatchObject(missing);
    await expect(collect(backend.iterate("absent"))).rejects.toMatchObject(missing);
    await expect(
      backend.search({ collection: "absent", idKey: "id", contentKey: "text" }, [{ text: "q" }], { mode: "bm25", k: 3 }),
    ).rejects.toMatchObject(missing);
    await expect(backend.upsert("absent", records(1))).rejects.toMatchObject({
      code: "MISSING_COLLECTION",
      message: expect.stringContaining("createCollection"),
    });
    await backend.close();
  });

  it("deletes a collection with its records; deleting again does nothing", async () => {
    const backend = await openLocalBackend(":memory:");
    await backend.createCollection({ name: "rows", kind: "records" });
    await backend.upsert("rows", records(3));
    await backend.deleteCollection("rows");
    await backend.deleteCollection("rows");
    expect(await backend.hasCollection("rows")).toBe(false);
    await backend.createCollection({ name: "rows", kind: "queries" });
    expect(await backend.count("rows")).toBe(0);
    await backend.close();
  });
});
