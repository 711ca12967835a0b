import { expect, it } from "vitest";
import { getDocumentsChecked, getRecordsChecked, iterateChecked } from "./conformance-calls.js";
import { recordsOf } from "./conformance-collections.js";
import type { SuiteContext } from "./conformance-context.js";

/** Registers the tests of records: the fixture load, fetching by ids, iterate, upsert. */
export function registerStoreTests(context: () => SuiteContext): void {
  it("the fixture loads: count gives the number of documents and of queries", async () => {
    const { engine, docsCollection, queriesCollection, fixture } = context();
    expect(await engine.count(docsCollection.collectionName), "documents").toBe(fixture.documents.length);
    expect(await engine.count(queriesCollection.collectionName), "queries").toBe(fixture.queries.length);
  });

  it(
    "getDocuments returns many documents in one call by document id, with text and title; " +
      "missing ids, record ids and repeats add nothing",
    async () => {
      const { engine, target, fixture } = context();
      const wanted = fixture.documents.filter((_, position) => position % 3 === 0);
      const asked = [...wanted.map((document) => document.id), "missing-1", `record-${wanted[0]!.id}`, wanted[0]!.id, "missing-2"];
      const documents = await getDocumentsChecked(engine, target, asked, "fixture documents");
      expect([...documents.keys()].sort(), "the ids found").toEqual(wanted.map((document) => document.id).sort());
      for (const expected of wanted) {
        const document = documents.get(expected.id);
        expect(document?.text, `text of "${expected.id}"`).toBe(expected.text);
        // Documents without a title (every third topic document) must come back without one.
        expect(document?.title, `title of "${expected.id}"`).toBe(expected.title);
      }
      expect((await getDocumentsChecked(engine, target, [], "no ids")).size, "getDocuments of no ids").toBe(0);
    },
  );

  it("getRecords returns stored properties by record id; missing ids and ids held only by another collection are absent", async () => {
    const { engine, docsCollection, recordsCollection, fixture } = context();
    const expected = fixture.documents[1]!;
    const docs = docsCollection.collectionName;
    const records = await getRecordsChecked(engine, docs, [`record-${expected.id}`, "record-missing", expected.id], "documents collection");
    expect([...records.keys()], "record ids found (a document id is not a record id)").toEqual([`record-${expected.id}`]);
    const properties = records.get(`record-${expected.id}`)?.properties;
    expect(properties, "the stored properties").toMatchObject({ doc_id: expected.id, text: expected.text, title: expected.title });
    // Engines may keep a vector property as float32, so only its length is compared.
    expect((properties?.vector as unknown[] | undefined)?.length, "the stored vector's length").toBe(fixture.dimension);
    // recordsCollection holds record-0..24 (or nothing yet); the documents collection holds record-<doc id>.
    for (const other of [recordsCollection, context().queriesCollection.collectionName]) {
      const elsewhere = await getRecordsChecked(engine, other, [`record-${expected.id}`], other);
      expect([...elsewhere.keys()], `a record of the documents collection asked of "${other}"`).toEqual([]);
    }
    expect((await getRecordsChecked(engine, docs, [], "no ids")).size, "getRecords of no ids").toBe(0);
  });

  it(
    "iterate yields every record exactly once, in batches of exactly batchSize " +
      "(the last one smaller), in the same order on every pass",
    async () => {
      const { engine, docsCollection, fixture } = context();
      const total = fixture.documents.length;
      const expectedIds = fixture.documents.map((document) => `record-${document.id}`).sort();
      for (const batchSize of [7, 1, 40, 1000]) {
        const passes: string[][] = [];
        for (const pass of [1, 2]) {
          const batches = await iterateChecked(engine, docsCollection.collectionName, batchSize, `batchSize ${batchSize}, pass ${pass}`);
          const expectedSizes = [
            ...new Array<number>(Math.floor(total / batchSize)).fill(batchSize),
            ...(total % batchSize === 0 ? [] : [total % batchSize]),
          ];
          expect(
            batches.map((batch) => batch.length),
            `batchSize ${batchSize}, pass ${pass}: batch sizes`,
          ).toEqual(expectedSizes);
          const ids = batches.flat().map((record) => record.id);
          expect([...ids].sort(), `batchSize ${batchSize}, pass ${pass}: every record exactly once`).toEqual(expectedIds);
          passes.push(ids);
        }
        expect(passes[1], `batchSize ${batchSize}: the second pass in the order of the first`).toEqual(passes[0]);
      }
    },
  );

  it("iterate stops when the consumer stops, after the batches read", async () => {
    const { engine, docsCollection } = context();
    let batches = 0;
    for await (const batch of engine.iterate(docsCollection.collectionName, { batchSize: 5 })) {
      expect(batch, "the first batch").toHaveLength(5);
      batches++;
      break;
    }
    expect(batches, "batches read before stopping").toBe(1);
    expect(await engine.count(docsCollection.collectionName), "the collection after an early stop").toBe(
      context().fixture.documents.length,
    );
  });

  it(
    "upsert is idempotent by id: the same ids twice give the same count, the last write wins (also within one call) and replaces the " +
      "record whole, JSON properties come back as stored",
    async () => {
      const { engine, recordsCollection } = context();
      const first = recordsOf(25, "first");
      await engine.upsert(recordsCollection, first);
      expect(await engine.count(recordsCollection), "count after 25 records").toBe(25);
      await engine.upsert(recordsCollection, recordsOf(25, "second"));
      expect(await engine.count(recordsCollection), "count after the same 25 ids again").toBe(25);
      await engine.upsert(recordsCollection, [
        { id: "record-0", properties: { ...first[0]!.properties, version: "third-a" } },
        { id: "record-0", properties: { ...first[0]!.properties, version: "third-b" } },
      ]);
      expect(await engine.count(recordsCollection), "count after one id twice in one call").toBe(25);
      // An engine that merges (a partial update) would keep the properties this write leaves out.
      await engine.upsert(recordsCollection, [{ id: "record-2", properties: { version: "slim" } }]);
      const asked = ["record-0", "record-1", "record-2", "record-24"];
      const stored = await getRecordsChecked(engine, recordsCollection, asked, "after the upserts");
      expect(stored.get("record-0")?.properties.version, "the last of two writes in one call").toBe("third-b");
      expect(stored.get("record-1")?.properties, "strings, numbers, null, arrays and nested objects as stored").toEqual(
        recordsOf(25, "second")[1]!.properties,
      );
      expect(stored.get("record-2")?.properties, "a last write with fewer properties replaces the record whole").toEqual({
        version: "slim",
      });
      expect(stored.get("record-24")?.properties.version, "the second write").toBe("second");
      const iterated = (await iterateChecked(engine, recordsCollection, 10, "after the upserts")).flat().map((record) => record.id);
      expect(iterated.length, "iterate after upserting the same ids again").toBe(25);
    },
  );

  it("upsert of new ids is seen at once by count, iterate and getRecords", async () => {
    const { engine, scratchCollection } = context();
    await engine.deleteCollection(scratchCollection);
    await engine.createCollection({ name: scratchCollection, kind: "records" });
    const records = recordsOf(12, "new");
    for (const [step, slice] of [
      [1, records.slice(0, 5)],
      [2, records.slice(5, 6)],
      [3, records.slice(6)],
    ] as const) {
      await engine.upsert(scratchCollection, slice);
      const expected = records.slice(0, (slice.at(-1)!.properties.position as number) + 1).map((record) => record.id);
      expect(await engine.count(scratchCollection), `step ${step}: count`).toBe(expected.length);
      const iterated = (await iterateChecked(engine, scratchCollection, 4, `step ${step}`)).flat().map((record) => record.id);
      expect(iterated.sort(), `step ${step}: iterate`).toEqual([...expected].sort());
      expect(
        [...(await getRecordsChecked(engine, scratchCollection, expected, `step ${step}`)).keys()].sort(),
        `step ${step}: getRecords`,
      ).toEqual([...expected].sort());
    }
    await engine.deleteCollection(scratchCollection);
  });

  it(
    "upsert stores a copy: changing records after upsert, " + "or records returned by getRecords and iterate, changes nothing stored",
    async () => {
      const { engine, scratchCollection } = context();
      await engine.deleteCollection(scratchCollection);
      await engine.createCollection({ name: scratchCollection, kind: "records" });
      const written = recordsOf(2, "original");
      const expected = structuredClone(written);
      await engine.upsert(scratchCollection, written);
      written[0]!.properties.version = "changed after upsert";
      (written[1]!.properties.tags as string[]).push("pushed after upsert");
      const fetched = await getRecordsChecked(engine, scratchCollection, ["record-0"], "fetched");
      fetched.get("record-0")!.properties.version = "changed after getRecords";
      for (const batch of await iterateChecked(engine, scratchCollection, 10, "iterated"))
        for (const record of batch) (record.properties.nested as Record<string, unknown>).changed = true;
      const stored = await getRecordsChecked(engine, scratchCollection, ["record-0", "record-1"], "stored");
      expect(stored.get("record-0")?.properties, "record-0 as written").toEqual(expected[0]!.properties);
      expect(stored.get("record-1")?.properties, "record-1 as written").toEqual(expected[1]!.properties);
      await engine.deleteCollection(scratchCollection);
    },
  );
}
