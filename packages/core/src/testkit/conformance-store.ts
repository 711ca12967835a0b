import { expect, it } from "vitest";
import type { StoredRecord } from "../types.js";
import type { ConformanceContext } from "./conformance-context.js";

/** Registers the Store tests: collections, fetch by ids, iterate, idempotent upsert. */
export function registerStoreTests(context: () => ConformanceContext & { scratchCollection: string }): void {
  it("creates and describes collections of each kind, with their keys", async () => {
    const { engine, docsCollection, queriesCollection, recordsCollection } = context();
    for (const name of [docsCollection.collectionName, queriesCollection.collectionName, recordsCollection]) {
      expect(await engine.hasCollection(name), name).toBe(true);
    }
    const documents = await engine.describeCollection(docsCollection.collectionName);
    expect(documents).toMatchObject({ name: docsCollection.collectionName, kind: "documents", target: { idKey: "doc_id", contentKey: "text", titleKey: "title" } });
    const queries = await engine.describeCollection(queriesCollection.collectionName);
    expect(queries).toMatchObject({ kind: "queries", queryKeys: { idKey: "query_id", queryContentKey: "text", goldIdsKey: "gold_ids" } });
    expect(await engine.describeCollection(recordsCollection)).toMatchObject({ kind: "records" });
    // Creating again with the same kind does nothing (and keeps the records).
    await engine.createCollection({ name: docsCollection.collectionName, kind: "documents", target: { idKey: "doc_id", contentKey: "text", titleKey: "title" } });
    expect(await engine.count(docsCollection.collectionName)).toBe(context().fixture.documents.length);
  });

  it("loads the fixture: count of documents and queries", async () => {
    const { engine, docsCollection, queriesCollection, fixture } = context();
    expect(await engine.count(docsCollection.collectionName)).toBe(fixture.documents.length);
    expect(await engine.count(queriesCollection.collectionName)).toBe(fixture.queries.length);
  });

  it("getDocuments fetches many ids in one call; missing ids are absent, not thrown", async () => {
    const { engine, target, fixture } = context();
    const wanted = fixture.documents.filter((_, position) => position % 3 === 0);
    const documents = await engine.getDocuments(target, [...wanted.map((document) => document.id), "missing-1", "record-bee-1", "missing-2"]);
    expect([...documents.keys()].sort()).toEqual(wanted.map((document) => document.id).sort());
    for (const expected of wanted) {
      const document = documents.get(expected.id)!;
      expect(document.id).toBe(expected.id);
      expect(document.text).toBe(expected.text);
      expect(document.title).toBe(expected.title);
    }
    expect((await engine.getDocuments(target, [])).size).toBe(0);
  });

  it("getRecords returns stored properties by record id; missing ids are absent", async () => {
    const { engine, docsCollection, fixture } = context();
    const expected = fixture.documents[1]!;
    const records = await engine.getRecords(docsCollection.collectionName, [`record-${expected.id}`, "record-missing"]);
    expect([...records.keys()]).toEqual([`record-${expected.id}`]);
    const properties = records.get(`record-${expected.id}`)!.properties;
    expect(properties).toMatchObject({ doc_id: expected.id, text: expected.text });
    expect((properties.vector as number[]).length).toBe(fixture.dimension);
  });

  it("iterate streams every record once, in batches of the asked size", async () => {
    const { engine, docsCollection, fixture } = context();
    const total = fixture.documents.length;
    for (const batchSize of [7, 1, 1000]) {
      const sizes: number[] = [];
      const seen: string[] = [];
      for await (const batch of engine.iterate(docsCollection.collectionName, { batchSize })) {
        sizes.push(batch.length);
        seen.push(...batch.map((record) => record.id));
      }
      const full = Math.floor(total / batchSize);
      const expectedSizes = [...new Array<number>(full).fill(batchSize), ...(total % batchSize === 0 ? [] : [total % batchSize])];
      expect(sizes, `batchSize ${batchSize}`).toEqual(expectedSizes);
      expect(new Set(seen).size, `batchSize ${batchSize}: every record once`).toBe(total);
      expect(new Set(seen)).toEqual(new Set(fixture.documents.map((document) => `record-${document.id}`)));
    }
    // Stopping early must work (the iterator is closed, nothing else is read).
    for await (const batch of engine.iterate(docsCollection.collectionName, { batchSize: 5 })) {
      expect(batch).toHaveLength(5);
      break;
    }
  });

  it("upsert is idempotent by id: same ids twice give the same count, the last write wins", async () => {
    const { engine, recordsCollection } = context();
    const first = recordsOf(25, "first");
    await engine.upsert(recordsCollection, first);
    expect(await engine.count(recordsCollection)).toBe(25);
    await engine.upsert(recordsCollection, recordsOf(25, "second"));
    expect(await engine.count(recordsCollection)).toBe(25);
    // A repeated id within one call keeps the last record.
    await engine.upsert(recordsCollection, [{ id: "record-0", properties: { ...first[0]!.properties, version: "third-a" } }, { id: "record-0", properties: { ...first[0]!.properties, version: "third-b" } }]);
    expect(await engine.count(recordsCollection)).toBe(25);
    const stored = await engine.getRecords(recordsCollection, ["record-0", "record-1", "record-24"]);
    expect(stored.get("record-0")?.properties.version).toBe("third-b");
    expect(stored.get("record-1")?.properties).toEqual(recordsOf(25, "second")[1]!.properties);
    expect(stored.get("record-24")?.properties.version).toBe("second");
    let iterated = 0;
    for await (const batch of engine.iterate(recordsCollection, { batchSize: 10 })) iterated += batch.length;
    expect(iterated).toBe(25);
  });

  it("count, hasCollection, describeCollection and deleteCollection", async () => {
    const { engine, scratchCollection } = context();
    await engine.deleteCollection(scratchCollection);
    expect(await engine.hasCollection(scratchCollection)).toBe(false);
    expect(await engine.describeCollection(scratchCollection)).toBeUndefined();
    await engine.createCollection({ name: scratchCollection, kind: "records" });
    expect(await engine.hasCollection(scratchCollection)).toBe(true);
    expect(await engine.count(scratchCollection)).toBe(0);
    await engine.upsert(scratchCollection, recordsOf(3, "scratch"));
    expect(await engine.count(scratchCollection)).toBe(3);
    await engine.deleteCollection(scratchCollection);
    expect(await engine.hasCollection(scratchCollection)).toBe(false);
    expect(await engine.describeCollection(scratchCollection)).toBeUndefined();
    // Deleting a collection that does not exist does nothing.
    await engine.deleteCollection(scratchCollection);
  });

  it("createCollection twice at once (two runs starting together) succeeds both times", async () => {
    const { engine, scratchCollection } = context();
    await engine.deleteCollection(scratchCollection);
    const spec = { name: scratchCollection, kind: "records" } as const;
    await Promise.all([engine.createCollection(spec), engine.createCollection(spec)]);
    expect(await engine.describeCollection(scratchCollection)).toMatchObject({ kind: "records" });
    await engine.upsert(scratchCollection, recordsOf(2, "race"));
    expect(await engine.count(scratchCollection)).toBe(2);
    await engine.deleteCollection(scratchCollection);
  });
}

/** Records whose properties cover the JSON shapes rows use: strings, numbers, null, arrays, nested objects. */
function recordsOf(count: number, version: string): StoredRecord[] {
  return Array.from({ length: count }, (_, position) => ({
    id: `record-${position}`,
    properties: { version, position, score: position / 3, missing: null, tags: ["a", `t${position}`], nested: { grades: { [`d${position}`]: 2 } }, text: `record ${position} ${version}` },
  }));
}
