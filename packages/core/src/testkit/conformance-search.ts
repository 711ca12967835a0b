import { expect, it } from "vitest";
import type { SearchRequest } from "../backend.js";
import type { Doc, SearchMode } from "../types.js";
import { expectHardnegError, expectSameScore } from "./conformance-assertions.js";
import { idsOf, optionsFor, requestsOf, searchChecked } from "./conformance-calls.js";
import type { ConformanceOptions, SuiteContext } from "./conformance-context.js";
import { skipUnlessClaimed, type SkipTest } from "./conformance-skip.js";

const MODES: readonly SearchMode[] = ["bm25", "vector", "hybrid"];

/** A made-up word no fixture document holds. */
const NO_SUCH_WORD = "qxzvyrrbl";

/**
 * Registers the search tests of every mode. Capabilities are only known once the engine is
 * open, so a test of a mode the engine does not claim is skipped at run time, with the reason.
 */
export function registerSearchTests(options: ConformanceOptions, context: () => SuiteContext): void {
  const tolerance = options.scoreTolerance ?? 1e-4;
  for (const mode of MODES) {
    const modeTest = (rule: string, test: (context: SuiteContext) => Promise<void>) =>
      it(`search "${mode}": ${rule}`, async ({ skip }) => {
        skipUnlessModeClaimed(options, context(), mode, skip);
        await test(context());
      });

    modeTest(
      "answers one ranked hit list per request: ranks 1..n, finite non-increasing scores, at most k distinct document ids (the " +
        "idKey property, not record ids); no requests, no lists",
      async (suite) => {
        const { engine, target, fixture } = suite;
        const documentIds = new Set(fixture.documents.map((document) => document.id));
        for (const k of [1, 5, 100]) {
          const results = await searchChecked(engine, target, requestsOf(suite), optionsFor(mode, k), `k=${k}`, documentIds);
          // Every query shares words with its topic, so no engine may answer with nothing.
          expect(results.filter((hits) => hits.length === 0).length, `k=${k}: queries without hits`).toBe(0);
        }
        expect(await engine.search(target, [], optionsFor(mode, 5)), "an empty batch").toEqual([]);
      },
    );

    modeTest("a batch of N requests equals N single requests, in order", async (suite) => {
      const { engine, target } = suite;
      const requests = requestsOf(suite);
      // Reversed, so an adapter that answers in completion order or sorts the batch is caught.
      const batch = await searchChecked(engine, target, [...requests].reverse(), optionsFor(mode, 10), "batch");
      const singles = (
        await Promise.all(
          requests.map(
            async (request, index) => (await searchChecked(engine, target, [request], optionsFor(mode, 10), `single ${index}`))[0]!,
          ),
        )
      ).reverse();
      singles.forEach((single, index) => {
        const batched = batch[index]!;
        expect(idsOf(batched), `batch position ${index}: ids`).toEqual(idsOf(single));
        batched.forEach((hit, position) => {
          expectSameScore(hit.score, single[position]!.score, tolerance, `batch position ${index}, "${hit.id}"`);
        });
      });
    });

    if (mode === "bm25") registerBm25Tests(modeTest);
    if (mode === "vector") registerVectorTests(modeTest);
    if (mode === "hybrid") registerHybridTests(modeTest);
  }

  it(
    "search: a batch larger than capabilities().maxBatchSize gets " + "one hit list per request, each equal to the single request's",
    async () => {
      const { engine, target, fixture } = context();
      const capabilities = engine.capabilities();
      const mode = capabilities.modes[0]!;
      const requests = requestsOf(context());
      const size = Math.min(capabilities.maxBatchSize, 512) + 1;
      const batch = Array.from({ length: size }, (_, position) => requests[position % requests.length]!);
      const lists = await searchChecked(engine, target, batch, optionsFor(mode, 5), `${mode}, ${size} requests`);
      const singles = await searchChecked(engine, target, requests, optionsFor(mode, 5), `${mode}, the ${fixture.queries.length} queries`);
      lists.forEach((hits, position) => {
        expect(idsOf(hits), `${mode}, request ${position}`).toEqual(idsOf(singles[position % requests.length]));
      });
    },
  );

  it("search refuses each mode capabilities() does not claim with UnsupportedCapabilityError (option mode)", async ({ skip }) => {
    const { engine, target, fixture } = context();
    const unclaimed = MODES.filter((mode) => !engine.capabilities().modes.includes(mode));
    skipUnlessClaimed(unclaimed.length > 0, options.name, `${options.name} claims every search mode`, skip);
    for (const mode of unclaimed) {
      const request = { text: fixture.queries[0]!.text, vector: [...fixture.queries[0]!.vector] };
      await expectHardnegError(
        () => engine.search(target, [request], optionsFor(mode, 5)),
        ["UNSUPPORTED_CAPABILITY"],
        `search in unclaimed mode "${mode}"`,
        "mode",
      );
    }
  });
}

type ModeTest = (rule: string, test: (context: SuiteContext) => Promise<void>) => void;

function registerBm25Tests(modeTest: ModeTest): void {
  modeTest("the easy query's gold document ranks first", async ({ engine, target, fixture }) => {
    const easy = fixture.queries.find((query) => query.id === fixture.easyQueryId)!;
    const [hits] = await searchChecked(engine, target, [{ text: easy.text }], optionsFor("bm25", 5), "easy query");
    expect(idsOf(hits)[0], `"${easy.text}": first hit`).toBe(easy.goldIds[0]);
  });

  modeTest(
    "a word found only in a document's title finds that document first (titleKey is searched)",
    async ({ engine, target, fixture }) => {
      const probes = titleOnlyWords(fixture.documents);
      expect(probes.length, "title-only words in the fixture (a test fixture check)").toBeGreaterThan(0);
      const lists = await searchChecked(
        engine,
        target,
        probes.map(({ word }) => ({ text: word })),
        optionsFor("bm25", 3),
        "title words",
      );
      probes.forEach(({ word, id }, index) => {
        expect(idsOf(lists[index])[0], `"${word}" (only in the title of "${id}"): first hit`).toBe(id);
      });
    },
  );

  modeTest("a query sharing no word with any document gets an empty hit list", async ({ engine, target }) => {
    const [hits] = await searchChecked(engine, target, [{ text: NO_SUCH_WORD }], optionsFor("bm25", 5), "no matching word");
    expect(idsOf(hits), `"${NO_SUCH_WORD}": hits`).toEqual([]);
  });
}

function registerVectorTests(modeTest: ModeTest): void {
  modeTest(
    "ranks by the request's vector: a document's own vector finds it first, whatever the request's text",
    async ({ engine, target, fixture }) => {
      const documents = fixture.documents;
      const probes = documents.filter((_, position) => position % 7 === 0);
      // The text is another topic's document, so an engine that embeds (or keyword-searches) the text instead is caught.
      const otherText = (document: (typeof documents)[number]) => documents[(documents.indexOf(document) + 20) % documents.length]!.text;
      const requests: SearchRequest[] = probes.map((document) => ({ text: otherText(document), vector: [...document.vector] }));
      const lists = await searchChecked(engine, target, requests, optionsFor("vector", 3), "own vectors");
      lists.forEach((hits, index) => {
        expect(idsOf(hits)[0], `the vector of "${probes[index]!.id}" with another document's text: first hit`).toBe(probes[index]!.id);
      });
    },
  );
}

function registerHybridTests(modeTest: ModeTest): void {
  modeTest(
    "the easy query's gold ranks first with either fusion, and the fusion option is used (rrf and relative-score give other scores)",
    async ({ engine, target, fixture }) => {
      const easy = fixture.queries.find((query) => query.id === fixture.easyQueryId)!;
      const scores: number[][] = [];
      for (const fusion of ["relative-score", "rrf"] as const) {
        const [hits] = await searchChecked(
          engine,
          target,
          [{ text: easy.text, vector: [...easy.vector] }],
          optionsFor("hybrid", 5, { alpha: 0.5, fusion }),
          `fusion ${fusion}`,
        );
        expect(idsOf(hits)[0], `fusion ${fusion}: first hit`).toBe(easy.goldIds[0]);
        scores.push((hits ?? []).map((hit) => hit.score));
      }
      // Relative-score fuses normalised scores, rrf reciprocal ranks: one scale cannot serve both.
      expect(scores[1], "rrf scores equal relative-score scores: the fusion option is ignored").not.toEqual(scores[0]);
    },
  );

  modeTest(
    "alpha weights the two lists: with either fusion, alpha 0 puts the keyword list's best first and alpha 1 the vector list's",
    async ({ engine, target, fixture }) => {
      const easy = fixture.queries.find((query) => query.id === fixture.easyQueryId)!;
      // The easy query's words (its gold is the keyword list's best) with the vector of a document
      // sharing none of them (the vector list's best): only alpha decides which comes first.
      const other = fixture.documents.find((document) => document.id === "glass-3")!;
      const request = { text: easy.text, vector: [...other.vector] };
      for (const fusion of ["relative-score", "rrf"] as const) {
        const [keyword] = await searchChecked(
          engine,
          target,
          [request],
          optionsFor("hybrid", 5, { alpha: 0, fusion }),
          `alpha 0, ${fusion}`,
        );
        const [vector] = await searchChecked(
          engine,
          target,
          [request],
          optionsFor("hybrid", 5, { alpha: 1, fusion }),
          `alpha 1, ${fusion}`,
        );
        expect(idsOf(keyword)[0], `alpha 0 (keyword only), ${fusion}: first hit`).toBe(easy.goldIds[0]);
        expect(idsOf(vector)[0], `alpha 1 (vector only), ${fusion}: first hit`).toBe(other.id);
      }
    },
  );
}

function skipUnlessModeClaimed(options: ConformanceOptions, suite: SuiteContext, mode: SearchMode, skip: SkipTest): void {
  skipUnlessClaimed(
    suite.engine.capabilities().modes.includes(mode),
    options.name,
    `${options.name} does not claim search mode "${mode}" in capabilities()`,
    skip,
  );
}

/**
 * Words of a title (five letters or more) whose first four letters occur in no text and no
 * other title, so no stemmer can match them elsewhere, with their document's id.
 */
export function titleOnlyWords(documents: readonly Doc[]): Array<{ word: string; id: string }> {
  const elsewhere = (id: string, stem: string) =>
    documents.some(
      (document) =>
        document.text.toLowerCase().includes(stem) || (document.id !== id && (document.title ?? "").toLowerCase().includes(stem)),
    );
  return documents.flatMap((document) =>
    (document.title?.toLowerCase().match(/[a-z]{5,}/g) ?? [])
      .filter((word) => !elsewhere(document.id, word.slice(0, 4)))
      .map((word) => ({ word, id: document.id })),
  );
}
