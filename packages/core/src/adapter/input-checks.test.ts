import { describe, expect, it } from "vitest";
import type { DocumentTarget, SearchOptions, SearchRequest } from "../backend.js";
import { BadInputError, BadOptionError, type HardnegError, UnsupportedCapabilityError } from "../errors.js";
import type { StoredRecord } from "../types.js";
import { fakeDriver } from "../testkit/__fixtures__/fake-driver.js";
import { createEngine } from "./create-engine.js";
import type { EngineDriver } from "./driver.js";

type ErrorClass = typeof BadOptionError | typeof BadInputError | typeof UnsupportedCapabilityError;

/** Expects `promise` to reject with `errorClass` naming `option` (undefined: no option). */
async function expectRefusal(promise: Promise<unknown>, errorClass: ErrorClass, option: string | undefined, label: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `${label}: rejected with ${errorClass.name}`).toBeInstanceOf(errorClass);
  expect((error as HardnegError).location.option, `${label}: the option named`).toBe(option);
}

async function drain(batches: AsyncIterable<StoredRecord[]>): Promise<number> {
  let count = 0;
  for await (const batch of batches) count += batch.length;
  return count;
}

const target: DocumentTarget = { collection: "docs", idKey: "doc_id", contentKey: "text", titleKey: "title" };
const request: SearchRequest = { text: "bees", vector: [0.1, 0.2] };

function engineOf(overrides: Partial<EngineDriver> = {}) {
  const driver = fakeDriver({
    modes: ["bm25", "vector", "hybrid"],
    maxK: 100,
    scoreDocuments: async () => new Map(),
    scoreDocumentsModes: ["bm25"],
    ...overrides,
  });
  return { driver, engine: createEngine(driver) };
}

describe("createEngine checks search inputs before calling the driver", () => {
  const refusals: Array<[string, DocumentTarget, readonly SearchRequest[], SearchOptions, ErrorClass, string | undefined]> = [
    ["a target that is not an object", null as unknown as DocumentTarget, [request], { mode: "bm25", k: 5 }, BadOptionError, "target"],
    ["an invalid collection name", { ...target, collection: "has space" }, [request], { mode: "bm25", k: 5 }, BadOptionError, "collection"],
    ["an empty idKey", { ...target, idKey: "" }, [request], { mode: "bm25", k: 5 }, BadOptionError, "idKey"],
    [
      "a contentKey that is not a string",
      { ...target, contentKey: 5 as unknown as string },
      [request],
      { mode: "bm25", k: 5 },
      BadOptionError,
      "contentKey",
    ],
    ["an empty titleKey", { ...target, titleKey: "" }, [request], { mode: "bm25", k: 5 }, BadOptionError, "titleKey"],
    ["requests that are not an array", target, "bees" as unknown as SearchRequest[], { mode: "bm25", k: 5 }, BadInputError, undefined],
    ["an empty query text", target, [request, { text: "" }], { mode: "bm25", k: 5 }, BadInputError, undefined],
    ["a blank query text", target, [{ text: " \t " }], { mode: "bm25", k: 5 }, BadInputError, undefined],
    ["a request without text", target, [{} as SearchRequest], { mode: "bm25", k: 5 }, BadInputError, undefined],
    ["an empty vector", target, [{ text: "bees", vector: [] }], { mode: "vector", k: 5 }, BadInputError, undefined],
    ["a vector holding NaN", target, [{ text: "bees", vector: [0.1, Number.NaN] }], { mode: "bm25", k: 5 }, BadInputError, undefined],
    [
      "a vector holding Infinity",
      target,
      [{ text: "bees", vector: Float32Array.from([Number.POSITIVE_INFINITY]) }],
      { mode: "vector", k: 5 },
      BadInputError,
      undefined,
    ],
    [
      "a vector that is not an array",
      target,
      [{ text: "bees", vector: "0.1" as unknown as number[] }],
      { mode: "vector", k: 5 },
      BadInputError,
      undefined,
    ],
    ["an unknown mode", target, [request], { mode: "dense" as "bm25", k: 5 }, BadOptionError, "mode"],
    ["k = 0", target, [request], { mode: "bm25", k: 0 }, BadOptionError, "k"],
    ["k = -1", target, [request], { mode: "bm25", k: -1 }, BadOptionError, "k"],
    ["k = 1.5", target, [request], { mode: "bm25", k: 1.5 }, BadOptionError, "k"],
    ["k = NaN", target, [request], { mode: "bm25", k: Number.NaN }, BadOptionError, "k"],
    ["k missing", target, [request], { mode: "bm25" } as SearchOptions, BadOptionError, "k"],
    ["k above maxK", target, [request], { mode: "vector", k: 101 }, BadOptionError, "k"],
    ["hybrid without alpha", target, [request], { mode: "hybrid", k: 5, fusion: "rrf" }, BadOptionError, "alpha"],
    ["hybrid with alpha -0.1", target, [request], { mode: "hybrid", k: 5, alpha: -0.1, fusion: "rrf" }, BadOptionError, "alpha"],
    ["hybrid with alpha 1.1", target, [request], { mode: "hybrid", k: 5, alpha: 1.1, fusion: "rrf" }, BadOptionError, "alpha"],
    ["hybrid with alpha NaN", target, [request], { mode: "hybrid", k: 5, alpha: Number.NaN, fusion: "rrf" }, BadOptionError, "alpha"],
    ["hybrid without fusion", target, [request], { mode: "hybrid", k: 5, alpha: 0.5 }, BadOptionError, "fusion"],
    [
      "hybrid with an unknown fusion",
      target,
      [request],
      { mode: "hybrid", k: 5, alpha: 0.5, fusion: "sum" as "rrf" },
      BadOptionError,
      "fusion",
    ],
  ];
  for (const [what, badTarget, requests, options, errorClass, option] of refusals) {
    it(`search refuses ${what} with ${errorClass.name}${option === undefined ? "" : ` (option ${option})`}`, async () => {
      const { driver, engine } = engineOf();
      await expectRefusal(engine.search(badTarget, requests, options), errorClass, option, what);
      expect(driver.callsOf("search"), `${what}: the driver is not called`).toHaveLength(0);
    });
  }

  it("search refuses a mode capabilities() does not claim with UnsupportedCapabilityError (option mode)", async () => {
    const { driver, engine } = engineOf({ modes: ["bm25"] });
    for (const mode of ["vector", "hybrid"] as const) {
      await expectRefusal(
        engine.search(target, [request], { mode, k: 5, alpha: 0.5, fusion: "rrf" }),
        UnsupportedCapabilityError,
        "mode",
        mode,
      );
    }
    expect(driver.callsOf("search"), "the driver is not called").toHaveLength(0);
  });

  it("search accepts k = maxK, alpha 0 and 1, and both fusions", async () => {
    const { driver, engine } = engineOf();
    await engine.search(target, [request], { mode: "bm25", k: 100 });
    for (const alpha of [0, 1]) {
      for (const fusion of ["rrf", "relative-score"] as const)
        await engine.search(target, [request], { mode: "hybrid", k: 1, alpha, fusion });
    }
    expect(driver.callsOf("search"), "every accepted call reaches the driver").toHaveLength(5);
  });

  it("scoreDocuments refuses a driver without it, a mode outside scoreDocumentsModes, bad ids and an empty text", async () => {
    const without = engineOf({ scoreDocuments: undefined });
    await expectRefusal(
      without.engine.scoreDocuments(target, request, ["a"], { mode: "bm25", k: 5 }),
      UnsupportedCapabilityError,
      undefined,
      "no scoreDocuments",
    );
    const { driver, engine } = engineOf();
    await expectRefusal(
      engine.scoreDocuments(target, request, ["a"], { mode: "vector", k: 5 }),
      UnsupportedCapabilityError,
      "mode",
      "vector is searched but not scored",
    );
    await expectRefusal(engine.scoreDocuments(target, request, ["a", ""], { mode: "bm25", k: 5 }), BadInputError, undefined, "an empty id");
    await expectRefusal(
      engine.scoreDocuments(target, request, "a" as unknown as string[], { mode: "bm25", k: 5 }),
      BadInputError,
      undefined,
      "ids not an array",
    );
    await expectRefusal(
      engine.scoreDocuments(target, { text: "" }, ["a"], { mode: "bm25", k: 5 }),
      BadInputError,
      undefined,
      "an empty text",
    );
    await expectRefusal(engine.scoreDocuments(target, request, ["a"], { mode: "bm25", k: 0 }), BadOptionError, "k", "k = 0");
    expect(driver.callsOf("scoreDocuments"), "the driver is not called").toHaveLength(0);
  });

  it("getDocuments refuses ids that are not non-empty strings, and answers no ids without calling the driver", async () => {
    const { driver, engine } = engineOf();
    await expectRefusal(engine.getDocuments(target, ["a", 5 as unknown as string]), BadInputError, undefined, "a number id");
    await expectRefusal(engine.getDocuments(target, [""]), BadInputError, undefined, "an empty id");
    await expectRefusal(engine.getDocuments({ ...target, collection: "../up" }, ["a"]), BadOptionError, "collection", "a bad collection");
    expect((await engine.getDocuments(target, [])).size, "no ids, no documents").toBe(0);
    expect(driver.callsOf("getDocuments"), "the driver is not called").toHaveLength(0);
  });
});

describe("createEngine checks store inputs before calling the driver", () => {
  const badNames = ["", "has space", "../up", "_leading", "-leading", ".hidden", "a/b", "naïve", "x".repeat(129), 7 as unknown as string];

  it(
    "every method taking a collection name refuses names outside " + "COLLECTION_NAME_PATTERN with BadOptionError (option collection)",
    async () => {
      const { driver, engine } = engineOf({ replaceCollection: async () => undefined, upsertTogether: async () => undefined });
      for (const name of badNames) {
        const label = `name ${JSON.stringify(name)}`;
        await expectRefusal(engine.createCollection({ name, kind: "records" }), BadOptionError, "collection", `createCollection, ${label}`);
        await expectRefusal(engine.describeCollection(name), BadOptionError, "collection", `describeCollection, ${label}`);
        await expectRefusal(engine.hasCollection(name), BadOptionError, "collection", `hasCollection, ${label}`);
        await expectRefusal(engine.deleteCollection(name), BadOptionError, "collection", `deleteCollection, ${label}`);
        await expectRefusal(engine.count(name), BadOptionError, "collection", `count, ${label}`);
        await expectRefusal(engine.upsert(name, [{ id: "a", properties: {} }]), BadOptionError, "collection", `upsert, ${label}`);
        await expectRefusal(drain(engine.iterate(name)), BadOptionError, "collection", `iterate, ${label}`);
        await expectRefusal(engine.getRecords(name, ["a"]), BadOptionError, "collection", `getRecords, ${label}`);
        await expectRefusal(engine.replaceCollection!(name, "ok"), BadOptionError, "collection", `replaceCollection staging, ${label}`);
        await expectRefusal(engine.replaceCollection!("ok", name), BadOptionError, "collection", `replaceCollection target, ${label}`);
        await expectRefusal(
          engine.upsertTogether!([{ collection: name, records: [{ id: "a", properties: {} }] }]),
          BadOptionError,
          "collection",
          `upsertTogether, ${label}`,
        );
      }
      expect(driver.calls, "the driver is never called").toEqual([]);
    },
  );

  it("createCollection refuses a spec that is not an object, an unknown kind and a documents target with an empty key", async () => {
    const { driver, engine } = engineOf();
    await expectRefusal(engine.createCollection(null as never), BadOptionError, "spec", "null spec");
    await expectRefusal(engine.createCollection({ name: "c", kind: "table" as "records" }), BadOptionError, "kind", "kind table");
    await expectRefusal(
      engine.createCollection({ name: "c", kind: "documents", target: { idKey: "", contentKey: "text" } }),
      BadOptionError,
      "idKey",
      "empty idKey",
    );
    expect(driver.calls, "the driver is never called").toEqual([]);
  });

  it("upsert refuses records without a non-empty string id or with properties that are not a JSON object", async () => {
    const { driver, engine } = engineOf();
    await engine.createCollection({ name: "c", kind: "records" });
    const bad: Array<[string, unknown]> = [
      ["records not an array", { id: "a", properties: {} }],
      [
        "an empty id",
        [
          { id: "ok", properties: {} },
          { id: "", properties: {} },
        ],
      ],
      ["a number id", [{ id: 1, properties: {} }]],
      ["a null record", [null]],
      ["null properties", [{ id: "a", properties: null }]],
      ["array properties", [{ id: "a", properties: [1] }]],
      ["string properties", [{ id: "a", properties: "x" }]],
    ];
    for (const [what, records] of bad) await expectRefusal(engine.upsert("c", records as StoredRecord[]), BadInputError, undefined, what);
    expect(driver.callsOf("upsert"), "the driver is not called").toHaveLength(0);
  });

  it("upsert keeps the last record of a repeated id at its first position, and sends nothing for no records", async () => {
    const { driver, engine } = engineOf();
    await engine.createCollection({ name: "c", kind: "records" });
    await engine.upsert("c", []);
    expect(driver.callsOf("upsert"), "no records: no driver call").toHaveLength(0);
    await engine.upsert("c", [
      { id: "a", properties: { v: 1 } },
      { id: "b", properties: { v: 1 } },
      { id: "a", properties: { v: 2 } },
    ]);
    expect(driver.callsOf("upsert")[0]?.args[1], "one record per id, the last write").toEqual([
      { id: "a", properties: { v: 2 } },
      { id: "b", properties: { v: 1 } },
    ]);
  });

  it("iterate refuses a batchSize that is not a positive integer, and passes 1000 by default", async () => {
    const { driver, engine } = engineOf();
    await engine.createCollection({ name: "c", kind: "records" });
    for (const batchSize of [0, -1, 1.5, Number.NaN]) {
      await expectRefusal(drain(engine.iterate("c", { batchSize })), BadOptionError, "batchSize", `batchSize ${batchSize}`);
    }
    expect(driver.callsOf("iterate"), "refused sizes never reach the driver").toHaveLength(0);
    await drain(engine.iterate("c"));
    expect(driver.callsOf("iterate")[0]?.args[1], "the default batch size").toEqual({ batchSize: 1000 });
  });

  it("getRecords refuses bad ids, asks each id once and answers no ids without calling the driver", async () => {
    const { driver, engine } = engineOf();
    await engine.createCollection({ name: "c", kind: "records" });
    await expectRefusal(engine.getRecords("c", [""]), BadInputError, undefined, "an empty id");
    await expectRefusal(engine.getRecords("c", "a" as unknown as string[]), BadInputError, undefined, "ids not an array");
    expect((await engine.getRecords("c", [])).size, "no ids, no records").toBe(0);
    expect(driver.callsOf("getRecords"), "not called for refused or empty ids").toHaveLength(0);
    await engine.getRecords("c", ["a", "b", "a"]);
    expect(driver.callsOf("getRecords")[0]?.args[1], "distinct ids in first-seen order").toEqual(["a", "b"]);
  });

  it("replaceCollection refuses replacing a collection by itself", async () => {
    const { driver, engine } = engineOf({ replaceCollection: async () => undefined });
    await expectRefusal(engine.replaceCollection!("c", "c"), BadOptionError, "collection", "same name");
    expect(driver.callsOf("replaceCollection"), "the driver is not called").toHaveLength(0);
  });
});

describe("createEngine checks a driver's declarations when it is created", () => {
  const bad: Array<[string, Partial<EngineDriver>, string]> = [
    ["an unknown mode", { modes: ["bm25", "sparse" as "bm25"] }, "modes"],
    ["maxBatchSize 0", { maxBatchSize: 0 }, "maxBatchSize"],
    ["maxBatchSize 2.5", { maxBatchSize: 2.5 }, "maxBatchSize"],
    ["maxK 0", { maxK: 0 }, "maxK"],
    ["maxK 1.5", { maxK: 1.5 }, "maxK"],
  ];
  for (const [what, declaration, option] of bad) {
    it(`refuses ${what} with BadOptionError (option ${option})`, () => {
      let thrown: unknown;
      try {
        createEngine(fakeDriver(declaration));
      } catch (error) {
        thrown = error;
      }
      expect(thrown, what).toBeInstanceOf(BadOptionError);
      expect((thrown as HardnegError).location.option, `${what}: the option named`).toBe(option);
    });
  }
});
