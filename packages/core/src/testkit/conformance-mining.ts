import { expect, it } from "vitest";
import { HardNegativesCollection } from "../collections.js";
import { addHardNegatives } from "../mining/add-hard-negatives.js";
import { mine } from "../mining/mine.js";
import { iterateChecked, optionsFor, requestsOf, searchChecked } from "./conformance-calls.js";
import type { SuiteContext } from "./conformance-context.js";

/** Registers a full `addHardNegatives` run, and a run in every claimed mode with a pool of 1. */
export function registerMiningTests(context: () => SuiteContext): void {
  it("addHardNegatives writes rows whose negatives are document ids and never gold, and a re-run adds nothing", async () => {
    const { engine, docsCollection, queriesCollection, hardNegativesCollection, fixture } = context();
    const run = () =>
      addHardNegatives({ backend: engine, negativesPerQuery: 3, docsCollection, queriesCollection, hardNegativesCollection, poolSize: 20 });
    const report = await run();
    expect(report.queries, "queries read").toBe(fixture.queries.length);
    // A query whose only word matches are its golds yields no row (with "keep-fewer"): it is skipped for shortfall, and
    // only that way, so not every query must be mined.
    expect(report.queries_mined, "queries mined").toBeGreaterThan(0);
    expect(
      report.queries_skipped - (report.skipped_reasons["shortfall"] ?? 0),
      `queries skipped: ${JSON.stringify(report.skipped_examples)}`,
    ).toBe(0);
    expect(report.queries_mined + report.queries_skipped, "every query is mined or skipped").toBe(report.queries);
    expect(report.rows_written, "rows written").toBeGreaterThan(0);
    expect(report.rows_written, "rows written, at most 3 per query").toBeLessThanOrEqual(3 * fixture.queries.length);
    const name = hardNegativesCollection.collectionName;
    expect(await engine.count(name), "count of the hard-negatives collection").toBe(report.rows_written);

    const goldsByQuery = new Map(fixture.queries.map((query) => [query.id, new Set(query.goldIds)]));
    const documentIds = new Set(fixture.documents.map((document) => document.id));
    let rows = 0;
    for (const batch of await iterateChecked(engine, name, 10, "hard-negative rows")) {
      for (const { id, properties } of batch) {
        rows++;
        const golds = goldsByQuery.get(String(properties.query_id));
        expect(golds, `row ${id}: query ${String(properties.query_id)} is a fixture query`).toBeDefined();
        const negativeId = String(properties[hardNegativesCollection.hardNegativeIdKey]);
        expect(golds!.has(negativeId), `row ${id}: gold "${negativeId}" stored as a negative of ${String(properties.query_id)}`).toBe(
          false,
        );
        expect(documentIds.has(negativeId), `row ${id}: negative "${negativeId}" is a document id`).toBe(true);
        expect(typeof properties[hardNegativesCollection.hardNegativeDocumentKey], `row ${id}: the negative's text`).toBe("string");
      }
    }
    expect(rows, "rows iterated").toBe(report.rows_written);

    await run();
    expect(await engine.count(name), "a re-run must not duplicate rows").toBe(report.rows_written);
  });

  it(
    "addHardNegatives runs in every claimed mode with a pool of 1, so golds fall outside it; where scoreDocuments is claimed, every row " +
      "has the gold's score",
    async () => {
      const { engine, docsCollection, queriesCollection, hardNegativesCollection, target, fixture } = context();
      const capabilities = engine.capabilities();
      let goldsOutside = 0;
      for (const mode of capabilities.modes) {
        const out = new HardNegativesCollection({ collectionName: `${hardNegativesCollection.collectionName}_pool1_${mode}` });
        await engine.deleteCollection(out.collectionName);
        try {
          const report = await mine({
            backend: engine,
            docsCollection,
            queriesCollection,
            hardNegativesCollection: out,
            negativesPerQuery: 1,
            poolSize: 1,
            mode,
            ...(mode === "hybrid" ? { alpha: 0.5, fusion: "relative-score" as const } : {}),
          });
          // A pool of 1 holding only the gold leaves no negative: that query is skipped for shortfall, and only that way.
          expect(
            report.queries_skipped - (report.skipped_reasons["shortfall"] ?? 0),
            `mode ${mode}, queries skipped: ${JSON.stringify(report.skipped_examples)}`,
          ).toBe(0);
          const pools = await searchChecked(engine, target, requestsOf(context()), optionsFor(mode, 1), `mode ${mode}, pools of 1`);
          pools.forEach((hits, index) => {
            goldsOutside += fixture.queries[index]!.goldIds.filter((id) => !hits.some((hit) => hit.id === id)).length;
          });
          if (capabilities.scoreDocumentsModes.includes(mode)) {
            // Every mined row carries the gold's score, asked of scoreDocuments when the gold is outside the pool.
            for (const batch of await iterateChecked(engine, out.collectionName, 100, `mode ${mode}, rows`)) {
              for (const row of batch) expect(typeof row.properties.gold_score, `mode ${mode}, row ${row.id}: gold_score`).toBe("number");
            }
          }
        } finally {
          await engine.deleteCollection(out.collectionName);
        }
      }
      expect(goldsOutside, "golds outside a pool of 1 (none: the test proves nothing)").toBeGreaterThan(0);
    },
  );
}
