import { expect, it } from "vitest";
import type { DocumentTarget, Engine } from "../backend.js";
import { HardnegError } from "../errors.js";
import type { SearchMode } from "../types.js";
import { expectHardnegError, expectSameScore, expectStoredProperties } from "./conformance-assertions.js";
import {
  getDocumentsChecked,
  getRecordsChecked,
  idsOf,
  iterateChecked,
  optionsFor,
  scoreDocumentsChecked,
  searchChecked,
} from "./conformance-calls.js";
import type { ConformanceOptions, SuiteContext } from "./conformance-context.js";
import {
  ADDED_DOCUMENT,
  DELETED_DOCUMENT,
  OTHER_CORPUS,
  probeOf,
  recreateScratchDocuments,
  REPLACED_DOCUMENT,
  SCRATCH_CORPUS,
  SCRATCH_KEYS,
  scratchRecord,
  scratchRecordId,
  UNIQUE_WORDS,
  type ScratchDocument,
} from "./conformance-scratch.js";

/**
 * Registers the tests that search while the collection changes: an upsert, a replaced document,
 * a deleted and re-created collection and an empty one, each in every claimed mode, on the
 * scratch documents collection. Each searches before the change too, so an engine that builds
 * its index on first use has an index to keep stale.
 */
export function registerFreshnessTests(options: ConformanceOptions, context: () => SuiteContext): void {
  const tolerance = options.scoreTolerance ?? 1e-4;

  it(
    "search, scoreDocuments, getDocuments, count and iterate see an upserted document at once, in every claimed mode (a word of its text " +
      "or of its title finds it first)",
    async () => {
      const { engine, scratchDocumentsCollection: name } = context();
      const target = await recreateScratchDocuments(engine, name, SCRATCH_CORPUS);
      const probes = [probeOf(ADDED_DOCUMENT, UNIQUE_WORDS.added), probeOf(ADDED_DOCUMENT, UNIQUE_WORDS.addedTitle)];
      await searchInEveryMode(engine, target, probes, "before the upsert", SCRATCH_CORPUS);

      await engine.upsert(name, [scratchRecord(ADDED_DOCUMENT)]);
      const corpus = [...SCRATCH_CORPUS, ADDED_DOCUMENT];
      expect(await engine.count(name), "count after upserting one new document").toBe(corpus.length);
      const lists = await searchInEveryMode(engine, target, probes, "after the upsert", corpus);
      for (const [mode, [byText, byTitle]] of lists) {
        expect(idsOf(byText)[0], `${mode}: "${UNIQUE_WORDS.added}" (only in the new document's text) finds it first`).toBe(
          ADDED_DOCUMENT.id,
        );
        expect(idsOf(byTitle)[0], `${mode}: "${UNIQUE_WORDS.addedTitle}" (only in the new document's title) finds it first`).toBe(
          ADDED_DOCUMENT.id,
        );
        if (!engine.capabilities().scoreDocumentsModes.includes(mode)) continue;
        const scores = await scoreDocumentsChecked(
          engine,
          target,
          probes[0]!,
          [ADDED_DOCUMENT.id],
          optionsFor(mode, 1),
          `${mode}, the new document`,
        );
        expectSameScore(
          scores.get(ADDED_DOCUMENT.id),
          byText![0]!.score,
          tolerance,
          `${mode}: scoreDocuments of the new document equals its search score`,
        );
      }
      const documents = await getDocumentsChecked(engine, target, [ADDED_DOCUMENT.id], "the new document");
      expect(
        documents.get(ADDED_DOCUMENT.id),
        "getDocuments of the new document: text from the contentKey, title from the titleKey",
      ).toMatchObject({ id: ADDED_DOCUMENT.id, text: ADDED_DOCUMENT.text, title: ADDED_DOCUMENT.title });
      const iterated = (await iterateChecked(engine, name, 100, "after the upsert")).flat().map((record) => record.id);
      expect(
        iterated.filter((id) => id === scratchRecordId(ADDED_DOCUMENT.id)),
        "iterate yields the new record once",
      ).toHaveLength(1);
    },
  );

  it(
    "search sees a replaced document at once: its old words (text and title) no longer find it, its new ones find it first; getDocuments " +
      "and getRecords return the new version whole (the dropped title is gone)",
    async () => {
      const { engine, scratchDocumentsCollection: name } = context();
      const corpus = [...SCRATCH_CORPUS, ADDED_DOCUMENT];
      const target = await recreateScratchDocuments(engine, name, corpus);
      const newProbe = probeOf(REPLACED_DOCUMENT, UNIQUE_WORDS.replaced);
      await searchInEveryMode(engine, target, [probeOf(ADDED_DOCUMENT, UNIQUE_WORDS.added), newProbe], "before the replacement", corpus);

      await engine.upsert(name, [scratchRecord(REPLACED_DOCUMENT)]);
      expect(await engine.count(name), "count after replacing a document by id").toBe(corpus.length);
      const afterCorpus = [...SCRATCH_CORPUS, REPLACED_DOCUMENT];
      for (const [mode, [hits]] of await searchInEveryMode(engine, target, [newProbe], "after the replacement", afterCorpus)) {
        expect(idsOf(hits)[0], `${mode}: "${UNIQUE_WORDS.replaced}" (the new text) finds the replaced document first`).toBe(
          REPLACED_DOCUMENT.id,
        );
      }
      // Only bm25 can tell: vector and hybrid rank every document with a vector, whatever the words.
      if (engine.capabilities().modes.includes("bm25")) {
        const old = await searchChecked(
          engine,
          target,
          [{ text: UNIQUE_WORDS.added }, { text: UNIQUE_WORDS.addedTitle }],
          optionsFor("bm25", 10),
          "bm25, old words",
          ids(afterCorpus),
        );
        expect(idsOf(old[0]), `bm25: "${UNIQUE_WORDS.added}" (the old text) no longer finds the document`).not.toContain(
          REPLACED_DOCUMENT.id,
        );
        expect(idsOf(old[1]), `bm25: "${UNIQUE_WORDS.addedTitle}" (the old title) no longer finds the document`).not.toContain(
          REPLACED_DOCUMENT.id,
        );
      }
      const documents = await getDocumentsChecked(engine, target, [REPLACED_DOCUMENT.id], "the replaced document");
      expect(documents.get(REPLACED_DOCUMENT.id)?.text, "getDocuments returns the new text").toBe(REPLACED_DOCUMENT.text);
      expect(documents.get(REPLACED_DOCUMENT.id)?.title, "getDocuments returns no title: the new version has none").toBeUndefined();
      const records = await getRecordsChecked(engine, name, [scratchRecordId(REPLACED_DOCUMENT.id)], "the replaced record");
      expectStoredProperties(
        records.get(scratchRecordId(REPLACED_DOCUMENT.id))?.properties,
        scratchRecord(REPLACED_DOCUMENT).properties,
        "getRecords returns the new properties whole",
      );
    },
  );

  it(
    "deleteCollection removes records and index: the name re-created with other documents never returns an old one (search in every " +
      "claimed mode, getDocuments, getRecords, count, iterate), and can then be re-created as another kind",
    async () => {
      const { engine, scratchDocumentsCollection: name } = context();
      const old = [...SCRATCH_CORPUS, DELETED_DOCUMENT];
      const target = await recreateScratchDocuments(engine, name, old);
      const oldProbes = [probeOf(DELETED_DOCUMENT, UNIQUE_WORDS.deleted), ...old.map((document) => probeOf(document, document.text))];
      await searchInEveryMode(engine, target, oldProbes, "before the delete", old);

      await engine.deleteCollection(name);
      expect(await engine.hasCollection(name), "hasCollection after deleteCollection").toBe(false);
      expect(await engine.describeCollection(name), "describeCollection after deleteCollection").toBeUndefined();
      await expectHardnegError(() => engine.count(name), ["MISSING_COLLECTION"], "count of the deleted collection");
      await expectHardnegError(
        () => engine.search(target, [oldProbes[0]!], optionsFor(engine.capabilities().modes[0]!, 5)),
        ["MISSING_COLLECTION"],
        "search of the deleted collection",
      );

      await engine.createCollection({ name, kind: "documents", target: { ...SCRATCH_KEYS } });
      expect(await engine.count(name), "count of the re-created collection before any upsert").toBe(0);
      await engine.upsert(name, OTHER_CORPUS.map(scratchRecord));
      expect(await engine.count(name), "count of the re-created collection").toBe(OTHER_CORPUS.length);
      // Every list must hold only the new documents: an old id is an index kept after the delete.
      const lists = await searchInEveryMode(engine, target, oldProbes, "after re-creating", OTHER_CORPUS);
      if (engine.capabilities().modes.includes("bm25")) {
        expect(
          idsOf(lists.get("bm25")?.[0]),
          `bm25: "${UNIQUE_WORDS.deleted}" finds nothing once its document's collection was deleted`,
        ).toEqual([]);
      }
      const oldIds = old.map((document) => document.id);
      expect([...(await getDocumentsChecked(engine, target, oldIds, "old ids")).keys()], "getDocuments of the old documents").toEqual([]);
      expect(
        [...(await getRecordsChecked(engine, name, oldIds.map(scratchRecordId), "old record ids")).keys()],
        "getRecords of the old records",
      ).toEqual([]);
      const iterated = (await iterateChecked(engine, name, 7, "re-created")).flat().map((record) => record.id);
      expect(iterated.sort(), "iterate yields only the new records").toEqual(
        OTHER_CORPUS.map((document) => scratchRecordId(document.id)).sort(),
      );

      await engine.deleteCollection(name);
      await engine.createCollection({ name, kind: "records" });
      expect(await engine.describeCollection(name), "a deleted documents collection re-created as records").toMatchObject({
        name,
        kind: "records",
      });
      expect(await engine.count(name), "the records collection starts empty").toBe(0);
      await engine.deleteCollection(name);
    },
  );

  it(
    "an empty documents collection answers one empty hit list per request (vector and hybrid may instead refuse with " +
      "UnsupportedCapabilityError: it holds no document vectors); getDocuments, count and iterate find nothing",
    async () => {
      const { engine, scratchDocumentsCollection: name } = context();
      const target = await recreateScratchDocuments(engine, name, []);
      const probes = [probeOf(ADDED_DOCUMENT, UNIQUE_WORDS.added), probeOf(SCRATCH_CORPUS[0]!, SCRATCH_CORPUS[0]!.text)];
      for (const mode of engine.capabilities().modes) {
        const answer = await searchChecked(engine, target, probes, optionsFor(mode, 10), `${mode}, empty collection`, new Set()).then(
          (lists) => ({ lists }),
          (error: unknown) => ({ error }),
        );
        if ("error" in answer) {
          // As for any corpus without document vectors (see describeDocumentVectors), refusing beats answering nothing.
          if (mode !== "bm25" && HardnegError.isInstance(answer.error) && answer.error.code === "UNSUPPORTED_CAPABILITY") continue;
          throw answer.error;
        }
        expect(
          answer.lists.map((hits) => hits.length),
          `${mode}: hits in an empty collection`,
        ).toEqual([0, 0]);
      }
      expect(
        (await getDocumentsChecked(engine, target, [ADDED_DOCUMENT.id], "empty collection")).size,
        "getDocuments in an empty collection",
      ).toBe(0);
      expect(await engine.count(name), "count of an empty collection").toBe(0);
      expect(await iterateChecked(engine, name, 5, "empty collection"), "iterate of an empty collection yields no batch").toEqual([]);
      await engine.deleteCollection(name);
    },
  );
}

/** Searches `requests` (k 10) in every claimed mode, checked against the ids of `corpus`; the lists by mode. */
async function searchInEveryMode(
  engine: Engine,
  target: DocumentTarget,
  requests: ReadonlyArray<{ text: string; vector: number[] }>,
  what: string,
  corpus: readonly ScratchDocument[],
) {
  const lists = new Map<SearchMode, Awaited<ReturnType<typeof searchChecked>>>();
  for (const mode of engine.capabilities().modes) {
    lists.set(mode, await searchChecked(engine, target, requests, optionsFor(mode, 10), `${mode}, ${what}`, ids(corpus)));
  }
  return lists;
}

function ids(corpus: readonly ScratchDocument[]): Set<string> {
  return new Set(corpus.map((document) => document.id));
}
