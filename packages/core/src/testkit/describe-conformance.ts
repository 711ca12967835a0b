import { afterAll, beforeAll, describe } from "vitest";
import type { Engine } from "../backend.js";
import { ingestQueries } from "../ingest.js";
import { CONFORMANCE_FIXTURE } from "./conformance-fixture.js";
import { registerCollectionTests } from "./conformance-collections.js";
import { conformanceCollections, type ConformanceOptions, type SuiteContext } from "./conformance-context.js";
import { registerErrorTests } from "./conformance-errors.js";
import { registerFreshnessTests } from "./conformance-freshness.js";
import { registerMiningTests } from "./conformance-mining.js";
import { registerScoreDocumentsTests } from "./conformance-score-documents.js";
import { registerSearchTests } from "./conformance-search.js";
import { registerStoreTests } from "./conformance-store.js";
import { describeSkippedLoudly } from "./skip-loudly.js";

/**
 * Registers the conformance suite (vitest `describe`/`it`) for one engine: collections and the
 * name rules, records (getDocuments, getRecords, iterate, upsert), search in every mode the
 * engine claims, search while the collection changes (upsert, replace, delete, empty),
 * scoreDocuments, refusals of bad input, and full `addHardNegatives` runs. CONTRIBUTING.md lists
 * every rule. Call it at the top level of a test file. The engine is opened once (beforeAll); the
 * suite deletes and recreates its own collections (named after `collectionPrefix`) first, and
 * deletes them afterwards.
 */
export function describeConformance(options: ConformanceOptions): void {
  if (typeof options.skip === "string") {
    describeSkippedLoudly("conformance", options.name, `conformance: ${options.name}`, options.skip);
    return;
  }

  const names = conformanceCollections(options.collectionPrefix ?? "conformance");
  const negatives = names.hardNegativesCollection.collectionName;
  const all = [
    names.docsCollection.collectionName,
    names.queriesCollection.collectionName,
    negatives,
    names.recordsCollection,
    names.scratchCollection,
    names.scratchDocumentsCollection,
    names.missingCollection,
    ...names.portableCollections,
    ...["bm25", "vector", "hybrid"].map((mode) => `${negatives}_pool1_${mode}`),
  ];
  let engine: Engine | undefined;
  let loaded: SuiteContext | undefined;
  const context = () => {
    if (loaded === undefined) throw new Error("the conformance fixture did not load; see the beforeAll error above");
    return loaded;
  };

  describe(`conformance: ${options.name}`, () => {
    beforeAll(async () => {
      engine = await options.open();
      // Leftovers of an interrupted earlier run would make counts wrong.
      for (const name of all) await engine.deleteCollection(name);
      await loadFixture(engine, names);
      loaded = { engine, fixture: CONFORMANCE_FIXTURE, ...names };
    });

    afterAll(async () => {
      if (engine === undefined) return;
      try {
        for (const name of all) await engine.deleteCollection(name);
      } finally {
        await (options.close === undefined ? engine.close?.() : options.close(engine));
      }
    });

    registerCollectionTests(context);
    registerStoreTests(context);
    registerSearchTests(options, context);
    registerFreshnessTests(options, context);
    registerScoreDocumentsTests(options, context);
    registerErrorTests(options, context);
    registerMiningTests(context);
    options.additionalTests?.(context);
  });
}

/**
 * Loads the fixture: documents with record ids `record-<doc id>` (so an adapter returning
 * record ids instead of the `doc_id` property is caught) and a `vector` property; queries
 * through `ingestQueries`; an empty records collection.
 */
async function loadFixture(engine: Engine, names: ReturnType<typeof conformanceCollections>): Promise<void> {
  const { docsCollection, queriesCollection, recordsCollection } = names;
  await engine.createCollection({
    name: docsCollection.collectionName,
    kind: "documents",
    target: { idKey: "doc_id", contentKey: "text", titleKey: "title" },
  });
  await engine.upsert(
    docsCollection.collectionName,
    CONFORMANCE_FIXTURE.documents.map((document) => ({
      id: `record-${document.id}`,
      properties: {
        doc_id: document.id,
        text: document.text,
        ...(document.title === undefined ? {} : { title: document.title }),
        [CONFORMANCE_FIXTURE.vectorKey]: [...document.vector],
      },
    })),
  );
  await ingestQueries(
    engine,
    queriesCollection,
    (async function* () {
      yield* CONFORMANCE_FIXTURE.queries.map(({ vector: _vector, ...query }) => query);
    })(),
  );
  await engine.createCollection({ name: recordsCollection, kind: "records" });
}
