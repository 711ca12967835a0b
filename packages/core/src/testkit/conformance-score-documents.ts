import { expect, it } from "vitest";
import type { SearchMode } from "../types.js";
import { expectHardnegError, expectSameScore } from "./conformance-assertions.js";
import { optionsFor, scoreDocumentsChecked, searchChecked } from "./conformance-calls.js";
import type { ConformanceOptions, SuiteContext } from "./conformance-context.js";
import { skipUnlessClaimed } from "./conformance-skip.js";

const MODES: readonly SearchMode[] = ["bm25", "vector", "hybrid"];

/** Registers the scoreDocuments tests: scores equal to search's in every claimed mode, and refusals elsewhere. */
export function registerScoreDocumentsTests(options: ConformanceOptions, context: () => SuiteContext): void {
  const tolerance = options.scoreTolerance ?? 1e-4;
  for (const mode of MODES) {
    it(
      `scoreDocuments "${mode}": gives asked documents their search score, inside and outside the top k; ` +
        "unknown ids and record ids are absent, no id is added",
      async ({ skip }) => {
        const { engine, target, fixture } = context();
        const capabilities = engine.capabilities();
        const claimed = capabilities.modes.includes(mode) && capabilities.scoreDocumentsModes.includes(mode);
        skipUnlessClaimed(claimed, options.name, `${options.name} does not claim scoreDocuments in mode "${mode}"`, skip);
        // A flag set without the method would make core fail deep inside a run.
        expect(engine.scoreDocuments, "scoreDocuments is a function").toBeTypeOf("function");
        let scoredOutside = 0;
        for (const [position, query] of fixture.queries.entries()) {
          // The text is the next query's, so a method that embeds the text instead of using the request's vector
          // (or the other way round) scores apart from search.
          const request = { text: fixture.queries[(position + 1) % fixture.queries.length]!.text, vector: [...query.vector] };
          const [deep] = await searchChecked(engine, target, [request], optionsFor(mode, 40), `query "${query.id}", k=40`);
          const inside = deep!.slice(0, 2);
          // Documents ranked below 3 are "outside the top k" of a k=3 search: scoring them is why the method exists.
          const outside = deep!.slice(3, 6);
          const unknown = ["no-such-document", ...inside.map((hit) => `record-${hit.id}`)];
          const asked = [...[...inside, ...outside].map((hit) => hit.id), ...unknown];
          const scores = await scoreDocumentsChecked(engine, target, request, asked, optionsFor(mode, 3), `query "${query.id}"`);
          for (const hit of [...inside, ...outside]) {
            expectSameScore(scores.get(hit.id), hit.score, tolerance, `query "${query.id}", document "${hit.id}" (rank ${hit.rank})`);
          }
          expect(
            unknown.filter((id) => scores.has(id)),
            `query "${query.id}": unknown ids and record ids must be absent`,
          ).toEqual([]);
          scoredOutside += outside.length;
        }
        expect(scoredOutside, "documents scored below rank 3 (none: the test proves nothing)").toBeGreaterThan(0);
      },
    );
  }

  it("scoreDocuments refuses each mode outside capabilities().scoreDocumentsModes with UnsupportedCapabilityError", async ({ skip }) => {
    const { engine, target, fixture } = context();
    const unclaimed = MODES.filter((mode) => !engine.capabilities().scoreDocumentsModes.includes(mode));
    skipUnlessClaimed(unclaimed.length > 0, options.name, `${options.name} claims scoreDocuments in every mode`, skip);
    const request = { text: fixture.queries[0]!.text, vector: [...fixture.queries[0]!.vector] };
    for (const mode of unclaimed) {
      await expectHardnegError(
        () => engine.scoreDocuments(target, request, [fixture.documents[0]!.id], optionsFor(mode, 5)),
        ["UNSUPPORTED_CAPABILITY"],
        `scoreDocuments in mode "${mode}"`,
      );
    }
  });
}
