import { describe, expect, it } from "vitest";
import { BadInputError, BadOptionError, MissingCollectionError } from "../errors.js";
import type { StoredRecord } from "../types.js";
import { MemoryStore, MemoryStoreDriver } from "./memory-store.js";

async function collectBatches(batches: AsyncIterable<StoredRecord[]>): Promise<string[][]> {
  const result: string[][] = [];
  for await (const batch of batches) result.push(batch.map((record) => record.id));
  return result;
}

describe("MemoryStore", () => {
  it("keeps the first insertion position when upsert replaces a record", async () => {
    const store = new MemoryStore();
    await store.createCollection({ name: "c", kind: "records" });
    await store.upsert("c", [
      { id: "a", properties: { v: 1 } },
      { id: "b", properties: { v: 1 } },
      { id: "c", properties: { v: 1 } },
    ]);
    await store.upsert("c", [
      { id: "a", properties: { v: 2 } },
      { id: "d", properties: { v: 1 } },
    ]);
    expect(await store.count("c"), "count").toBe(4);
    expect(await collectBatches(store.iterate("c", { batchSize: 3 })), "insertion order, first position kept").toEqual([
      ["a", "b", "c"],
      ["d"],
    ]);
    expect((await store.getRecords("c", ["a", "zz"])).get("a"), "the replaced record").toEqual({ id: "a", properties: { v: 2 } });
    expect((await store.getRecords("c", ["a", "zz"])).has("zz"), "a missing id").toBe(false);
  });

  it("copies records in and out", async () => {
    const store = new MemoryStore();
    await store.createCollection({ name: "c", kind: "records" });
    const record = { id: "a", properties: { list: [1] } };
    await store.upsert("c", [record]);
    record.properties.list.push(2);
    const [batch] = await collectBatchesRaw(store);
    (batch![0]!.properties.list as number[]).push(3);
    expect((await store.getRecords("c", ["a"])).get("a")!.properties, "stored as written").toEqual({ list: [1] });
  });

  it("takes its name from the options, for messages", async () => {
    const store = new MemoryStore({ name: "search-api-store" });
    expect(store.name, "name").toBe("search-api-store");
    await expect(store.count("absent"), "message prefix").rejects.toThrow("[search-api-store]");
  });

  it("refuses invalid collection names as every store does", async () => {
    const store = new MemoryStore();
    for (const name of ["", "has space", "../up", "x".repeat(129)])
      await expect(store.createCollection({ name, kind: "records" }), name).rejects.toBeInstanceOf(BadOptionError);
  });

  it("creates idempotently, refuses another kind, describes and deletes", async () => {
    const store = new MemoryStore();
    const spec = {
      name: "c",
      kind: "hard-negatives" as const,
      hardNegativeKeys: {
        queryContentKey: "q",
        goldIdsKey: "g",
        goldDocumentsKey: "d",
        hardNegativeDocumentKey: "n",
        hardNegativeIdKey: "i",
      },
    };
    await store.createCollection(spec);
    await store.upsert("c", [{ id: "a", properties: {} }]);
    await store.createCollection(spec);
    expect(await store.count("c"), "records kept").toBe(1);
    expect(await store.describeCollection("c"), "spec").toEqual(spec);
    await expect(store.createCollection({ name: "c", kind: "documents" }), "another kind").rejects.toBeInstanceOf(BadOptionError);
    await store.deleteCollection("c");
    expect(await store.hasCollection("c"), "deleted").toBe(false);
    expect(await store.describeCollection("c"), "deleted spec").toBeUndefined();
  });

  it("raises MissingCollectionError for a missing collection, and checks ids and batch sizes", async () => {
    const store = new MemoryStore();
    await expect(store.count("absent"), "count").rejects.toBeInstanceOf(MissingCollectionError);
    await expect(store.upsert("absent", [{ id: "a", properties: {} }]), "upsert").rejects.toBeInstanceOf(MissingCollectionError);
    await expect(collectBatches(store.iterate("absent")), "iterate").rejects.toBeInstanceOf(MissingCollectionError);
    await store.createCollection({ name: "c", kind: "records" });
    await expect(
      store.upsert("c", [
        { id: "ok", properties: {} },
        { id: "", properties: {} },
      ]),
      "an empty id",
    ).rejects.toBeInstanceOf(BadInputError);
    expect(await store.count("c"), "nothing written").toBe(0);
    await expect(collectBatches(store.iterate("c", { batchSize: 0 })), "batchSize 0").rejects.toBeInstanceOf(BadOptionError);
  });
});

async function collectBatchesRaw(store: MemoryStore): Promise<StoredRecord[][]> {
  const result: StoredRecord[][] = [];
  for await (const batch of store.iterate("c")) result.push(batch);
  return result;
}

/** A driver extending MemoryStoreDriver as an in-memory engine does, logging what its hooks see. */
class LoggingDriver extends MemoryStoreDriver {
  readonly log: string[] = [];

  constructor() {
    super("logging");
  }

  protected override recordWritten(collection: string, record: StoredRecord, previous: StoredRecord | undefined): void {
    const replaced = previous === undefined ? "nothing" : `v${String(previous.properties["v"])}`;
    this.log.push(`wrote ${collection}/${record.id} v${String(record.properties["v"])} over ${replaced}`);
  }

  protected override collectionDropped(collection: string): void {
    this.log.push(`dropped ${collection}`);
  }
}

describe("MemoryStoreDriver (for in-memory engines)", () => {
  it("tells a subclass each record written with the version it replaced, and each collection dropped", async () => {
    const driver = new LoggingDriver();
    await driver.createCollection({ name: "c", kind: "records" });
    await driver.upsert("c", [{ id: "a", properties: { v: 1 } }]);
    await driver.upsertTogether([{ collection: "c", records: [{ id: "a", properties: { v: 2 } }] }]);
    await driver.createCollection({ name: "staging", kind: "records" });
    await driver.replaceCollection("staging", "c");
    await driver.deleteCollection("c");
    expect(driver.log, "hooks in order").toEqual([
      "wrote c/a v1 over nothing",
      "wrote c/a v2 over v1",
      "dropped staging",
      "dropped c",
      "dropped c",
    ]);
  });

  it("upsertTogether writes nothing when one collection is missing", async () => {
    const driver = new LoggingDriver();
    await driver.createCollection({ name: "c", kind: "records" });
    const writes = [
      { collection: "c", records: [{ id: "a", properties: { v: 1 } }] },
      { collection: "gone", records: [{ id: "b", properties: {} }] },
    ];
    await expect(driver.upsertTogether(writes), "the missing collection is named").rejects.toBeInstanceOf(MissingCollectionError);
    expect(await driver.count("c"), "nothing written to the collection that exists").toBe(0);
  });

  it("replaceCollection swaps the staging records in under the name, and the staging collection is gone", async () => {
    const store = new MemoryStore();
    await store.createCollection({ name: "c", kind: "records" });
    await store.upsert("c", [{ id: "old", properties: {} }]);
    await store.createCollection({ name: "c.staging-1", kind: "records" });
    await store.upsert("c.staging-1", [{ id: "new", properties: {} }]);
    await store.replaceCollection!("c.staging-1", "c");
    expect([...(await store.getRecords("c", ["old", "new"])).keys()], "only the staged record").toEqual(["new"]);
    expect(await store.hasCollection("c.staging-1"), "staging gone").toBe(false);
    expect((await store.describeCollection("c"))?.name, "spec renamed").toBe("c");
  });
});
