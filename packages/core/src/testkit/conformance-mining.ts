import { expect, it } from "vitest";

import { HardNegativesCollection } from "../collections.js";
import { addHardNegatives } from "../mining/add-hard-negatives.js";
import { mine } from "../mining/mine.js";
import { expectHardnegError } from "./conformance-assertions.js";
import type { ConformanceContext } from "./conformance-context.js";
import { optionsFor, requestsOf } from "./conformance-search.js";

/** Registers a full `addHardNegatives` run and the bad-input tests. */
export function registerMiningTests(context: () => ConformanceContext): void {
  it("addHardNegatives writes rows without gold among negatives, and a re-run adds nothing", async () => {
    const { engine, docsCollection, queriesCollection, hardNegativesCollection, fixture } = context();
    const run = () => addHardNegatives({ backend: engine, negativesPerQuery: 3, docsCollection, queriesCollection, hardNegativesCollection, poolSize: 20 });
    const report = await run();
    expect(report.queries).toBe(fixture.queries.length);
    // A query whose only word matches are its golds yields no row (with "keep-fewer"), so not every query must be mined.
    expect(report.queries_mined).toBeGreaterThan(0);
    expect(report.queries_skipped, JSON.stringify(report.skipped_examples)).toBe(0);
    expect(report.rows_written).toBeGreaterThan(0);
    expect(report.rows_written).toBeLessThanOrEqual(3 * fixture.queries.length);
    const name = hardNegativesCollection.collectionName;
    expect(await engine.count(name)).toBe(report.rows_written);

    const goldsByQuery = new Map(fixture.queries.map((query) => [query.id, new Set(query.goldIds)]));
    let rows = 0;
    for await (const batch of engine.iterate(name, { batchSize: 10 })) {
      for (const { properties } of batch) {
        rows++;
        const golds = goldsByQuery.get(String(properties.query_id));
        expect(golds, `row for unknown query ${String(properties.query_id)}`).toBeDefined();
        const negativeId = String(properties[hardNegativesCollection.hardNegativeIdKey]);
        expect(golds!.has(negativeId), `gold "${negativeId}" stored as a negative of ${String(properties.query_id)}`).toBe(false);
        expect(fixture.documents.some((document) => document.id === negativeId), `negative "${negativeId}" is not a document id`).toBe(true);
        expect(typeof properties[hardNegativesCollection.hardNegativeDocumentKey]).toBe("string");
      }
    }
    expect(rows).toBe(report.rows_written);

    await run();
    expect(await engine.count(name), "a re-run must not duplicate rows").toBe(report.rows_written);
  });

  it("addHardNegatives in every claimed mode with a pool of 1, so golds fall outside it (gold scores then come from scoreDocuments or stay unknown)", async () => {
    const { engine, docsCollection, queriesCollection, hardNegativesCollection, target, fixture } = context();
    const capabilities = engine.capabilities();
    let goldsOutside = 0;
    for (const mode of capabilities.modes) {
      const out = new HardNegativesCollection({ collectionName: `${hardNegativesCollection.collectionName}_pool1_${mode}` });
      await engine.deleteCollection(out.collectionName);
      try {
        const report = await mine({ backend: engine, docsCollection, queriesCollection, hardNegativesCollection: out, negativesPerQuery: 1, poolSize: 1, mode, ...(mode === "hybrid" ? { alpha: 0.5, fusion: "relative-score" as const } : {}) });
        expect(report.queries_skipped, `mode ${mode}: ${JSON.stringify(report.skipped_examples)}`).toBe(0);
        const pools = await engine.search(target, requestsOf(context()), optionsFor(mode, 1));
        pools.forEach((hits, index) => (goldsOutside += fixture.queries[index]!.goldIds.filter((id) => !hits.some((hit) => hit.id === id)).length));
        if (capabilities.scoreDocumentsModes.includes(mode)) {
          // Every mined row carries the gold's score, asked of scoreDocuments when the gold is outside the pool.
          for await (const batch of engine.iterate(out.collectionName)) {
            for (const row of batch) expect(typeof row.properties.gold_score, `mode ${mode}, row ${row.id}: gold_score`).toBe("number");
          }
        }
      } finally {
        await engine.deleteCollection(out.collectionName);
      }
    }
    expect(goldsOutside, "no gold fell outside a pool of 1: the test proves nothing").toBeGreaterThan(0);
  });

  it("bad input: unknown collection → MissingCollectionError", async () => {
    const { engine, target } = context();
    const missing = "conformance_no_such_collection";
    const mode = engine.capabilities().modes[0]!;
    const codes = ["MISSING_COLLECTION"] as const;
    await expectHardnegError(() => engine.search({ ...target, collection: missing }, [{ text: "bees" }], optionsFor(mode, 5)), codes, "search");
    await expectHardnegError(() => engine.getDocuments({ ...target, collection: missing }, ["bee-1"]), codes, "getDocuments");
    await expectHardnegError(() => engine.count(missing), codes, "count");
    await expectHardnegError(() => engine.upsert(missing, [{ id: "r", properties: { a: 1 } }]), codes, "upsert");
    await expectHardnegError(async () => {
      for await (const _batch of engine.iterate(missing)) { /* the first pull must throw */ }
    }, codes, "iterate");
    expect(await engine.hasCollection(missing)).toBe(false);
  });

  it("bad input: empty query text → BadInputError", async () => {
    const { engine, target, fixture } = context();
    const mode = engine.capabilities().modes.includes("bm25") ? "bm25" : engine.capabilities().modes[0]!;
    for (const text of ["", "   "]) {
      await expectHardnegError(() => engine.search(target, [{ text: "bees", vector: [...fixture.queries[0]!.vector] }, { text, vector: [...fixture.queries[0]!.vector] }], optionsFor(mode, 5)), ["BAD_INPUT"], `search with text ${JSON.stringify(text)}`);
    }
  });

  it("bad input: invalid collection name → BadOptionError or BadInputError", async () => {
    const { engine } = context();
    for (const name of ["", "bad name/with \"quotes\" and slash"]) {
      await expectHardnegError(() => engine.createCollection({ name, kind: "records" }), ["BAD_OPTION", "BAD_INPUT"], `createCollection ${JSON.stringify(name)}`);
    }
  });
}
