import { expect, it } from "vitest";
import type { CollectionSpec, DocumentTarget } from "../backend.js";
import { COLLECTION_NAME_PATTERN, PORTABLE_COLLECTION_NAME_PATTERN } from "../adapter/collection-names.js";
import type { StoredRecord } from "../types.js";
import { expectHardnegError } from "./conformance-assertions.js";
import { getDocumentsChecked, getRecordsChecked, iterateChecked, optionsFor, searchChecked } from "./conformance-calls.js";
import type { SuiteContext } from "./conformance-context.js";
import { skipUnlessClaimed } from "./conformance-skip.js";

/**
 * Names core refuses (outside COLLECTION_NAME_PATTERN): empty, spaces, paths, a leading "_", "-"
 * or ".", non-ASCII, control characters, punctuation, 129 characters.
 */
export const REFUSED_COLLECTION_NAMES: readonly string[] = [
  "",
  " ",
  "has space",
  "a/b",
  "../up",
  "a\\b",
  "_leading",
  "-leading",
  ".hidden",
  "naïve",
  "tab\tname",
  "new\nline",
  "a:b",
  "a*b",
  'quote"d',
  "x".repeat(129),
];

/** Registers the tests of collections: kinds, the kind rule, concurrent creation, existence, deletion and the name rules. */
export function registerCollectionTests(context: () => SuiteContext): void {
  it("creates collections of each kind and describes them with their kind and keys", async () => {
    const { engine, docsCollection, queriesCollection, recordsCollection } = context();
    for (const name of [docsCollection.collectionName, queriesCollection.collectionName, recordsCollection]) {
      expect(await engine.hasCollection(name), `hasCollection("${name}")`).toBe(true);
    }
    expect(await engine.describeCollection(docsCollection.collectionName), "the documents collection's spec").toMatchObject({
      name: docsCollection.collectionName,
      kind: "documents",
      target: { idKey: "doc_id", contentKey: "text", titleKey: "title" },
    });
    expect(await engine.describeCollection(queriesCollection.collectionName), "the queries collection's spec").toMatchObject({
      name: queriesCollection.collectionName,
      kind: "queries",
      queryKeys: { idKey: "query_id", queryContentKey: "text", goldIdsKey: "gold_ids" },
    });
    expect(await engine.describeCollection(recordsCollection), "the records collection's spec").toMatchObject({
      name: recordsCollection,
      kind: "records",
    });
  });

  it("createCollection on an existing name of the same kind keeps the collection and its records", async () => {
    const { engine, docsCollection, target, fixture } = context();
    await engine.createCollection(docsSpec(docsCollection.collectionName));
    expect(await engine.count(docsCollection.collectionName), "documents after creating the collection again").toBe(
      fixture.documents.length,
    );
    const first = fixture.documents[0]!;
    expect(
      (await getDocumentsChecked(engine, target, [first.id], "after creating again")).get(first.id)?.text,
      "a document after creating again",
    ).toBe(first.text);
  });

  it(
    "createCollection on an existing name of another kind is refused with BadOptionError (option collection), leaving the collection " +
      "unchanged",
    async () => {
      const { engine, docsCollection, target, scratchCollection, fixture } = context();
      const docs = docsCollection.collectionName;
      const before = await engine.describeCollection(docs);
      for (const kind of ["records", "queries", "hard-negatives"] as const) {
        await expectHardnegError(
          () => engine.createCollection({ name: docs, kind }),
          ["BAD_OPTION"],
          `createCollection "${docs}" as ${kind}`,
          "collection",
        );
      }
      expect(await engine.describeCollection(docs), "the documents collection's spec after the refusals").toEqual(before);
      expect(await engine.count(docs), "the documents after the refusals").toBe(fixture.documents.length);
      const mode = engine.capabilities().modes[0]!;
      const [hits] = await searchChecked(
        engine,
        target,
        [{ text: fixture.documents[0]!.text, vector: [...fixture.documents[0]!.vector] }],
        optionsFor(mode, 3),
        `${mode} after the refusals`,
      );
      expect(hits?.length ?? 0, `${mode}: the documents collection is still searched after the refusals`).toBeGreaterThan(0);

      await engine.deleteCollection(scratchCollection);
      await engine.createCollection({ name: scratchCollection, kind: "records" });
      await engine.upsert(scratchCollection, recordsOf(3, "kept"));
      await expectHardnegError(
        () => engine.createCollection(docsSpec(scratchCollection)),
        ["BAD_OPTION"],
        `createCollection "${scratchCollection}" (records) as documents`,
        "collection",
      );
      expect(await engine.describeCollection(scratchCollection), "the records collection's spec after the refusal").toMatchObject({
        kind: "records",
      });
      expect(await engine.count(scratchCollection), "the records after the refusal").toBe(3);
      await engine.deleteCollection(scratchCollection);
    },
  );

  it("createCollection twice at once (two runs starting together) succeeds both times, creating one collection", async () => {
    const { engine, scratchCollection } = context();
    await engine.deleteCollection(scratchCollection);
    const spec = { name: scratchCollection, kind: "records" } as const;
    await Promise.all([engine.createCollection(spec), engine.createCollection(spec)]);
    expect(await engine.describeCollection(scratchCollection), "the collection created twice at once").toMatchObject({ kind: "records" });
    await engine.upsert(scratchCollection, recordsOf(2, "race"));
    expect(await engine.count(scratchCollection), "records written after the race").toBe(2);
    await engine.deleteCollection(scratchCollection);
  });

  it(
    "hasCollection, describeCollection and count follow create, " + "upsert and delete; deleting a missing collection does nothing",
    async () => {
      const { engine, scratchCollection } = context();
      await engine.deleteCollection(scratchCollection);
      expect(await engine.hasCollection(scratchCollection), "hasCollection before create").toBe(false);
      expect(await engine.describeCollection(scratchCollection), "describeCollection before create").toBeUndefined();
      await engine.createCollection({ name: scratchCollection, kind: "records" });
      expect(await engine.hasCollection(scratchCollection), "hasCollection after create").toBe(true);
      expect(await engine.count(scratchCollection), "count after create").toBe(0);
      await engine.upsert(scratchCollection, recordsOf(3, "scratch"));
      expect(await engine.count(scratchCollection), "count after upserting 3").toBe(3);
      await engine.deleteCollection(scratchCollection);
      expect(await engine.hasCollection(scratchCollection), "hasCollection after delete").toBe(false);
      expect(await engine.describeCollection(scratchCollection), "describeCollection after delete").toBeUndefined();
      await engine.deleteCollection(scratchCollection);
      expect(await engine.hasCollection(scratchCollection), "hasCollection after deleting a missing collection").toBe(false);
    },
  );

  it(
    "listCollections (optional) names every collection once: the fixture's, two created ones, " +
      "and no longer a deleted one; every name it gives describes",
    async ({ skip }) => {
      const { engine, docsCollection, queriesCollection, recordsCollection, scratchCollection, scratchDocumentsCollection } = context();
      skipUnlessClaimed(
        engine.listCollections !== undefined,
        engine.name,
        `${engine.name} does not implement the optional listCollections (hardneg list then lists only runs)`,
        skip,
      );
      const list = async (when: string) => {
        const names = await engine.listCollections!();
        expect(new Set(names).size, `${when}: every name once`).toBe(names.length);
        return names;
      };
      await engine.deleteCollection(scratchCollection);
      await engine.deleteCollection(scratchDocumentsCollection);
      const before = await list("before creating");
      expect(before, "before creating: the scratch collections are not listed").not.toContain(scratchCollection);
      expect(before, "before creating: the scratch documents collection is not listed").not.toContain(scratchDocumentsCollection);
      for (const name of [docsCollection.collectionName, queriesCollection.collectionName, recordsCollection]) {
        expect(before, `the fixture's collection "${name}" is listed`).toContain(name);
      }
      await engine.createCollection({ name: scratchCollection, kind: "records" });
      await engine.createCollection(docsSpec(scratchDocumentsCollection));
      await engine.upsert(scratchDocumentsCollection, [
        { id: "record-1", properties: { doc_id: "d1", text: "a listed document", title: "listed" } },
      ]);
      const created = await list("after creating two");
      expect(created, "a created records collection is listed").toContain(scratchCollection);
      expect(created, "a created documents collection is listed").toContain(scratchDocumentsCollection);
      for (const name of created.filter((listed) => listed.startsWith(scratchCollection))) {
        expect(await engine.describeCollection(name), `the listed "${name}" describes`).toMatchObject({ name });
      }
      await engine.deleteCollection(scratchCollection);
      const deleted = await list("after deleting one");
      expect(deleted, "the deleted collection is no longer listed").not.toContain(scratchCollection);
      expect(deleted, "the other one still is").toContain(scratchDocumentsCollection);
      await engine.deleteCollection(scratchDocumentsCollection);
      expect(await list("after deleting both"), "the second deleted collection is no longer listed").not.toContain(
        scratchDocumentsCollection,
      );
    },
  );

  it(
    "every name core refuses (outside COLLECTION_NAME_PATTERN) is refused with BadOptionError (option collection) by every method taking " +
      "a collection name",
    async () => {
      const { engine, target, fixture } = context();
      const capabilities = engine.capabilities();
      const mode = capabilities.modes[0]!;
      const request = { text: "bees", vector: [...fixture.queries[0]!.vector] };
      for (const name of REFUSED_COLLECTION_NAMES) {
        expect(COLLECTION_NAME_PATTERN.test(name), `${JSON.stringify(name)} is outside core's pattern (a test fixture check)`).toBe(false);
        const bad: DocumentTarget = { ...target, collection: name };
        const calls: Array<[string, () => Promise<unknown>]> = [
          ["createCollection", () => engine.createCollection({ name, kind: "records" })],
          ["createCollection (documents)", () => engine.createCollection(docsSpec(name))],
          ["describeCollection", () => engine.describeCollection(name)],
          ["hasCollection", () => engine.hasCollection(name)],
          ["deleteCollection", () => engine.deleteCollection(name)],
          ["count", () => engine.count(name)],
          ["upsert", () => engine.upsert(name, recordsOf(1, "bad"))],
          ["iterate", () => iterateChecked(engine, name, 10, "bad name")],
          ["getRecords", () => engine.getRecords(name, ["record-0"])],
          ["search", () => engine.search(bad, [request], optionsFor(mode, 3))],
          ["getDocuments", () => engine.getDocuments(bad, ["bee-1"])],
        ];
        const scoredMode = capabilities.scoreDocumentsModes[0];
        if (scoredMode !== undefined) {
          calls.push(["scoreDocuments", () => engine.scoreDocuments(bad, request, ["bee-1"], optionsFor(scoredMode, 3))]);
        }
        for (const [method, call] of calls) {
          await expectHardnegError(call, ["BAD_OPTION"], `${method} with the name ${JSON.stringify(name)}`, "collection");
        }
      }
    },
  );

  it(
    "portable names (PORTABLE_COLLECTION_NAME_PATTERN) " +
      "are accepted as distinct collections: created, written, counted, read and deleted",
    async () => {
      const { engine, portableCollections } = context();
      for (const name of portableCollections) {
        expect(PORTABLE_COLLECTION_NAME_PATTERN.test(name), `${name} is a portable name (a test fixture check)`).toBe(true);
        await engine.deleteCollection(name);
      }
      // A different number of records in each, so two names an engine maps to one collection show.
      for (const [position, name] of portableCollections.entries()) {
        await engine.createCollection({ name, kind: "records" });
        await engine.upsert(name, recordsOf(position + 1, name));
      }
      for (const [position, name] of portableCollections.entries()) {
        expect(await engine.describeCollection(name), `describeCollection("${name}")`).toMatchObject({ name, kind: "records" });
        expect(await engine.count(name), `count("${name}")`).toBe(position + 1);
        const records = await getRecordsChecked(engine, name, ["record-0"], name);
        expect(records.get("record-0")?.properties.version, `getRecords("${name}") reads its own records`).toBe(name);
      }
      for (const name of portableCollections) {
        await engine.deleteCollection(name);
        expect(await engine.hasCollection(name), `hasCollection("${name}") after delete`).toBe(false);
      }
    },
  );
}

/** A documents spec with the fixture's keys. */
export function docsSpec(name: string): CollectionSpec {
  return { name, kind: "documents", target: { idKey: "doc_id", contentKey: "text", titleKey: "title" } };
}

/** Records whose properties cover the JSON shapes rows use: strings, numbers, null, arrays, nested objects. */
export function recordsOf(count: number, version: string): StoredRecord[] {
  return Array.from({ length: count }, (_, position) => ({
    id: `record-${position}`,
    properties: {
      version,
      position,
      score: position / 3,
      missing: null,
      tags: ["a", `t${position}`],
      nested: { grades: { [`d${position}`]: 2 } },
      text: `record ${position} ${version}`,
    },
  }));
}
