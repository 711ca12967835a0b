import { expect, it } from "vitest";
import type { SearchOptions, SearchRequest } from "../backend.js";
import type { SearchMode } from "../types.js";
import { expectHardnegError } from "./conformance-assertions.js";
import { iterateChecked, optionsFor, searchChecked } from "./conformance-calls.js";
import type { ConformanceOptions, SuiteContext } from "./conformance-context.js";
import { skipUnlessClaimed } from "./conformance-skip.js";

/** Registers the refusals: a missing collection, bad requests and bad options, each with its error class and option. */
export function registerErrorTests(options: ConformanceOptions, context: () => SuiteContext): void {
  it(
    "every method on a missing collection fails with MissingCollectionError (search, scoreDocuments, getDocuments, getRecords, count, " +
      "upsert, iterate), and none creates it",
    async () => {
      const { engine, target, missingCollection: missing, fixture } = context();
      const capabilities = engine.capabilities();
      const codes = ["MISSING_COLLECTION"] as const;
      const request = { text: "bees", vector: [...fixture.queries[0]!.vector] };
      const missingTarget = { ...target, collection: missing };
      for (const mode of capabilities.modes) {
        await expectHardnegError(() => engine.search(missingTarget, [request], optionsFor(mode, 5)), codes, `search "${mode}"`);
      }
      for (const mode of capabilities.scoreDocumentsModes) {
        const score = () => engine.scoreDocuments(missingTarget, request, ["bee-1"], optionsFor(mode, 5));
        await expectHardnegError(score, codes, `scoreDocuments "${mode}"`);
      }
      await expectHardnegError(() => engine.getDocuments(missingTarget, ["bee-1"]), codes, "getDocuments");
      await expectHardnegError(() => engine.getRecords(missing, ["record-bee-1"]), codes, "getRecords");
      await expectHardnegError(() => engine.count(missing), codes, "count");
      await expectHardnegError(() => engine.upsert(missing, [{ id: "r", properties: { a: 1 } }]), codes, "upsert");
      await expectHardnegError(() => iterateChecked(engine, missing, 10, "missing collection"), codes, "iterate");
      expect(await engine.hasCollection(missing), "hasCollection of the missing collection afterwards").toBe(false);
      expect(await engine.describeCollection(missing), "describeCollection of the missing collection afterwards").toBeUndefined();
    },
  );

  it("an empty or blank query text is refused with BadInputError by search and scoreDocuments, in every claimed mode", async () => {
    const { engine, target, fixture } = context();
    const vector = [...fixture.queries[0]!.vector];
    const capabilities = engine.capabilities();
    for (const text of ["", "   "]) {
      for (const mode of capabilities.modes) {
        await expectHardnegError(
          () =>
            engine.search(
              target,
              [
                { text: "bees", vector },
                { text, vector },
              ],
              optionsFor(mode, 5),
            ),
          ["BAD_INPUT"],
          `search "${mode}", text ${JSON.stringify(text)}`,
        );
      }
      for (const mode of capabilities.scoreDocumentsModes) {
        await expectHardnegError(
          () => engine.scoreDocuments(target, { text, vector }, ["bee-1"], optionsFor(mode, 5)),
          ["BAD_INPUT"],
          `scoreDocuments "${mode}", text ${JSON.stringify(text)}`,
        );
      }
    }
  });

  it("a request vector that is empty or holds a non-finite number is refused with BadInputError, in every claimed mode", async () => {
    const { engine, target, fixture } = context();
    const good = [...fixture.queries[0]!.vector];
    const bad: Array<[string, number[]]> = [
      ["empty", []],
      ["NaN", [...good.slice(1), Number.NaN]],
      ["Infinity", [Number.POSITIVE_INFINITY, ...good.slice(1)]],
    ];
    for (const mode of engine.capabilities().modes) {
      for (const [what, vector] of bad) {
        await expectHardnegError(
          () =>
            engine.search(
              target,
              [
                { text: "bees", vector: good },
                { text: "bees", vector },
              ],
              optionsFor(mode, 5),
            ),
          ["BAD_INPUT"],
          `search "${mode}", vector ${what}`,
        );
      }
    }
  });

  it(
    "k is a positive integer of at most capabilities().maxK: 0, -1, 1.5, NaN, Infinity and maxK + 1 are refused with BadOptionError " +
      "(option k) by search and scoreDocuments; k = maxK is accepted",
    async () => {
      const { engine, target, fixture } = context();
      const capabilities = engine.capabilities();
      const request = { text: fixture.queries[0]!.text, vector: [...fixture.queries[0]!.vector] };
      const refused = [
        0,
        -1,
        1.5,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        ...(capabilities.maxK === undefined ? [] : [capabilities.maxK + 1]),
      ];
      for (const mode of capabilities.modes) {
        for (const k of refused) {
          await expectHardnegError(
            () => engine.search(target, [request], { ...optionsFor(mode, 1), k }),
            ["BAD_OPTION"],
            `search "${mode}", k = ${k}`,
            "k",
          );
        }
        if (capabilities.maxK !== undefined) {
          await searchChecked(
            engine,
            target,
            [request],
            optionsFor(mode, capabilities.maxK),
            `search "${mode}", k = maxK (${capabilities.maxK})`,
          );
        }
      }
      for (const mode of capabilities.scoreDocumentsModes) {
        for (const k of refused) {
          await expectHardnegError(
            () => engine.scoreDocuments(target, request, ["bee-1"], { ...optionsFor(mode, 1), k }),
            ["BAD_OPTION"],
            `scoreDocuments "${mode}", k = ${k}`,
            "k",
          );
        }
      }
    },
  );

  it("a mode other than bm25, vector or hybrid is refused with BadOptionError (option mode)", async () => {
    const { engine, target } = context();
    for (const mode of ["dense", "BM25", ""]) {
      await expectHardnegError(
        () => engine.search(target, [{ text: "bees" }], { mode: mode as SearchMode, k: 5 }),
        ["BAD_OPTION"],
        `search in mode ${JSON.stringify(mode)}`,
        "mode",
      );
    }
  });

  it(
    "hybrid refuses an alpha outside [0, 1] or missing (option alpha) and a fusion other than rrf or relative-score (option fusion) with " +
      "BadOptionError",
    async ({ skip }) => {
      const { engine, target, fixture } = context();
      skipUnlessClaimed(
        engine.capabilities().modes.includes("hybrid"),
        options.name,
        `${options.name} does not claim search mode "hybrid" in capabilities()`,
        skip,
      );
      const request: SearchRequest = { text: fixture.queries[0]!.text, vector: [...fixture.queries[0]!.vector] };
      const bad: Array<[string, SearchOptions, string]> = [
        ["alpha missing", { mode: "hybrid", k: 5, fusion: "rrf" }, "alpha"],
        ["alpha -0.1", { mode: "hybrid", k: 5, alpha: -0.1, fusion: "rrf" }, "alpha"],
        ["alpha 1.5", { mode: "hybrid", k: 5, alpha: 1.5, fusion: "rrf" }, "alpha"],
        ["alpha NaN", { mode: "hybrid", k: 5, alpha: Number.NaN, fusion: "rrf" }, "alpha"],
        ["fusion missing", { mode: "hybrid", k: 5, alpha: 0.5 }, "fusion"],
        ['fusion "sum"', { mode: "hybrid", k: 5, alpha: 0.5, fusion: "sum" as "rrf" }, "fusion"],
      ];
      for (const [what, searchOptions, option] of bad) {
        await expectHardnegError(() => engine.search(target, [request], searchOptions), ["BAD_OPTION"], `hybrid, ${what}`, option);
      }
    },
  );
}
