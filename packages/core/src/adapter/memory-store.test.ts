import { describe, expect, it } from "vitest";
import { BadInputError, BadOptionError, MissingCollectionError } from "../errors.js";
import type { StoredRecord } from "../types.js";
import { MemoryStore } from "./memory-store.js";

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
