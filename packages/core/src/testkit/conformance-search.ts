import { expect, it } from "vitest";
import { type SearchOptions, type SearchRequest } from "../backend.js";
import type { SearchMode } from "../types.js";
import { expectRankedList, expectSameScore } from "./conformance-assertions.js";
import type { ConformanceContext, ConformanceOptions } from "./conformance-context.js";

const MODES: readonly SearchMode[] = ["bm25", "vector", "hybrid"];

/** The options the suite passes for a mode; hybrid always names alpha and fusion explicitly. */
export function optionsFor(mode: SearchMode, k: number, hybrid: Pick<SearchOptions, "alpha" | "fusion"> = {}): SearchOptions {
  return mode === "hybrid" ? { mode, k, alpha: hybrid.alpha ?? 0.5, fusion: hybrid.fusion ?? "relative-score" } : { mode, k };
}

/** Every request carries the query vector too: vector-capable adapters need it, others ignore it. */
export function requestsOf(context: ConformanceContext): SearchRequest[] {
  return context.fixture.queries.map((query) => ({ text: query.text, vector: [...query.vector] }));
}

/**
 * Registers the search tests of every mode. Capabilities are only known once the engine is
 * open, so a mode the engine does not claim is skipped at run time with the reason.
 */
export function registerSearchTests(options: ConformanceOptions, context: () => ConformanceContext): void {
  const tolerance = options.scoreTolerance ?? 1e-4;
  for (const mode of MODES) {
    const title = (what: string) => `search "${mode}": ${what} (skipped when capabilities() does not claim "${mode}")`;
    const skipUnlessClaimed = (skip: (note?: string) => void): void => {
      if (context().engine.capabilities().modes.includes(mode)) return;
      const reason = `${options.name} does not claim search mode "${mode}" in capabilities()`;
      console.warn(`[hardneg conformance] [${options.name}] skipped: ${reason}`);
      skip(reason);
    };

    it(title("ranks from 1, scores non-increasing, at most k, known document ids"), async ({ skip }) => {
      skipUnlessClaimed(skip);
      const { engine, target, fixture } = context();
      const documentIds = new Set(fixture.documents.map((document) => document.id));
      for (const k of [1, 5, 100]) {
        const results = await engine.search(target, requestsOf(context()), optionsFor(mode, k));
        expect(results, `k=${k}: one hit list per request`).toHaveLength(fixture.queries.length);
        results.forEach((hits, index) => {
          expectRankedList(hits, Math.min(k, fixture.documents.length), `k=${k}, query "${fixture.queries[index]!.id}"`);
          for (const hit of hits) expect(documentIds.has(hit.id), `hit "${hit.id}" is not a document id (the doc_id property); record ids are "record-<doc id>"`).toBe(true);
        });
        // Every query shares words with its topic, so no engine may answer with nothing.
        expect(results.every((hits) => hits.length > 0), `k=${k}: a query got no hits`).toBe(true);
      }
    });

    it(title("a batch of N requests equals N single requests, in order"), async ({ skip }) => {
      skipUnlessClaimed(skip);
      const { engine, target } = context();
      const requests = requestsOf(context());
      // Reversed, so an adapter that answers in completion order or sorts the batch is caught.
      const batch = await engine.search(target, [...requests].reverse(), optionsFor(mode, 10));
      const singles = await Promise.all(requests.map(async (request) => (await engine.search(target, [request], optionsFor(mode, 10)))[0]!));
      singles.reverse().forEach((single, index) => {
        const batched = batch[index]!;
        expect(batched.map((hit) => hit.id), `batch position ${index}`).toEqual(single.map((hit) => hit.id));
        batched.forEach((hit, position) => expectSameScore(hit.score, single[position]!.score, tolerance, `batch position ${index}, "${hit.id}"`));
      });
    });

    if (mode === "bm25") {
      it(title("the easy query's gold document ranks first"), async ({ skip }) => {
        skipUnlessClaimed(skip);
        const { engine, target, fixture } = context();
        const easy = fixture.queries.find((query) => query.id === fixture.easyQueryId)!;
        const [hits] = await engine.search(target, [{ text: easy.text }], optionsFor("bm25", 5));
        expect(hits?.[0]?.id).toBe(easy.goldIds[0]);
      });
    }

    if (mode === "vector") {
      it(title("a document's own vector finds that document first"), async ({ skip }) => {
        skipUnlessClaimed(skip);
        const { engine, target, fixture } = context();
        const probes = fixture.documents.filter((_, position) => position % 7 === 0);
        const results = await engine.search(target, probes.map((document) => ({ text: document.text, vector: [...document.vector] })), optionsFor("vector", 3));
        results.forEach((hits, index) => expect(hits[0]?.id, `probe "${probes[index]!.id}"`).toBe(probes[index]!.id));
      });
    }

    if (mode === "hybrid") {
      it(title("the easy query's gold ranks first with either fusion, alpha and fusion passed explicitly"), async ({ skip }) => {
        skipUnlessClaimed(skip);
        const { engine, target, fixture } = context();
        const easy = fixture.queries.find((query) => query.id === fixture.easyQueryId)!;
        for (const fusion of ["relative-score", "rrf"] as const) {
          const [hits] = await engine.search(target, [{ text: easy.text, vector: [...easy.vector] }], optionsFor("hybrid", 5, { alpha: 0.5, fusion }));
          expectRankedList(hits ?? [], 5, `fusion ${fusion}`);
          expect(hits?.[0]?.id, `fusion ${fusion}`).toBe(easy.goldIds[0]);
        }
      });
    }
  }

  registerScoreDocumentsTests(options, context, tolerance);
}

function registerScoreDocumentsTests(options: ConformanceOptions, context: () => ConformanceContext, tolerance: number): void {
  for (const mode of MODES) {
    it(`scoreDocuments "${mode}": equals the search score, also outside the top k (skipped unless capabilities() claims scoreDocuments in "${mode}")`, async ({ skip }) => {
      const { engine, target, fixture } = context();
      const capabilities = engine.capabilities();
      const claimed = capabilities.modes.includes(mode) && capabilities.scoreDocumentsModes.includes(mode);
      if (!claimed) {
        const reason = `${options.name} does not claim scoreDocuments in mode "${mode}"`;
        console.warn(`[hardneg conformance] [${options.name}] skipped: ${reason}`);
        skip(reason);
      }
      // A flag set without the method would make core fail deep inside a run.
      expect(engine.scoreDocuments).toBeTypeOf("function");
      let scoredOutside = 0;
      for (const query of fixture.queries) {
        const request = { text: query.text, vector: [...query.vector] };
        const [deep] = await engine.search(target, [request], optionsFor(mode, 40));
        const inside = deep!.slice(0, 2);
        // Documents ranked below 3 are "outside the top k" of a k=3 search: scoring them is why the method exists.
        const outside = deep!.slice(3, 6);
        const ids = [...inside, ...outside].map((hit) => hit.id);
        const scores = await engine.scoreDocuments!(target, request, [...ids, "no-such-document"], optionsFor(mode, 3));
        for (const hit of [...inside, ...outside]) expectSameScore(scores.get(hit.id), hit.score, tolerance, `query "${query.id}", document "${hit.id}" (rank ${hit.rank})`);
        expect(scores.has("no-such-document"), "an unknown id must be absent").toBe(false);
        scoredOutside += outside.length;
      }
      expect(scoredOutside, "no query had hits below rank 3 to score").toBeGreaterThan(0);
    });
  }
}
