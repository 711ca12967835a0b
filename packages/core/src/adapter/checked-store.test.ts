import { describe, expect, it } from "vitest";
import type { CollectionSpec } from "../backend.js";
import { BadOptionError, type HardnegError } from "../errors.js";
import { AdapterContractError } from "./answer-checks.js";
import type { StoredRecord } from "../types.js";
import { fakeDriver } from "../testkit/__fixtures__/fake-driver.js";
import { createStore } from "./create-engine.js";

const records: CollectionSpec = { name: "c", kind: "records" };
const documents: CollectionSpec = { name: "c", kind: "documents", target: { idKey: "doc_id", contentKey: "text" } };

describe("createStore: createCollection's kind rule", () => {
  it("creates a missing collection with one driver call", async () => {
    const driver = fakeDriver();
    await createStore(driver).createCollection(documents);
    expect(
      driver.callsOf("createCollection").map((call) => call.args[0]),
      "one create with the spec",
    ).toEqual([documents]);
    expect(driver.collections.get("c")?.spec, "the stored spec").toEqual(documents);
  });

  it("keeps an existing collection of the same kind, records included, without calling the driver's createCollection", async () => {
    const driver = fakeDriver();
    const store = createStore(driver);
    await store.createCollection(records);
    await store.upsert("c", [{ id: "a", properties: { v: 1 } }]);
    await store.createCollection(records);
    expect(driver.callsOf("createCollection"), "created once").toHaveLength(1);
    expect(await store.count("c"), "records kept").toBe(1);
  });

  it("refuses an existing collection of another kind with BadOptionError (option collection) and leaves it unchanged", async () => {
    const driver = fakeDriver();
    const store = createStore(driver);
    await store.createCollection(records);
    await store.upsert("c", [{ id: "a", properties: { v: 1 } }]);
    const error = await store.createCollection(documents).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error, "another kind is refused").toBeInstanceOf(BadOptionError);
    expect((error as HardnegError).location.option, "the option named").toBe("collection");
    expect((error as Error).message, "the message names both kinds").toMatch(/"c" already exists as a records collection, not documents/);
    expect(driver.callsOf("createCollection"), "the driver's createCollection is not called again").toHaveLength(1);
    expect(await store.describeCollection("c"), "the spec is unchanged").toEqual(records);
    expect(await store.count("c"), "the records are unchanged").toBe(1);
  });
});

describe("createStore: createCollection racing another writer", () => {
  /** A driver that sees no collection, then finds `other` created by someone else when it tries to create. */
  function racedDriver(other: CollectionSpec | undefined, describeAfter: "answers" | "throws" = "answers") {
    let looks = 0;
    const failure = new Error("engine: resource_already_exists_exception");
    const driver = fakeDriver({
      describeCollection: async () => {
        looks++;
        if (looks === 1) return undefined;
        if (describeAfter === "throws") throw new Error("engine unreachable");
        return other;
      },
      createCollection: async () => {
        throw failure;
      },
    });
    return { driver, failure };
  }

  it("accepts a collection of the same kind created in between", async () => {
    const { driver } = racedDriver(records);
    await expect(
      createStore(driver).createCollection(records),
      "the race is won by a collection of the same kind",
    ).resolves.toBeUndefined();
    expect(driver.callsOf("describeCollection"), "described before and after the failed create").toHaveLength(2);
  });

  it("refuses a collection of another kind created in between with BadOptionError (option collection)", async () => {
    const { driver } = racedDriver(documents);
    const error = await createStore(driver)
      .createCollection(records)
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error, "another kind").toBeInstanceOf(BadOptionError);
    expect((error as HardnegError).location.option, "the option named").toBe("collection");
  });

  it("rethrows the driver's error when the collection still does not exist, or cannot be described", async () => {
    for (const [what, raced] of [
      ["still missing", racedDriver(undefined)],
      ["describe fails", racedDriver(records, "throws")],
    ] as const) {
      await expect(createStore(raced.driver).createCollection(records), what).rejects.toBe(raced.failure);
    }
  });

  it("two createCollection calls at once both succeed against a driver that refuses to create what exists", async () => {
    const driver = fakeDriver();
    const store = createStore(driver);
    await expect(Promise.all([store.createCollection(records), store.createCollection(records)]), "both succeed").resolves.toEqual([
      undefined,
      undefined,
    ]);
    expect(driver.callsOf("createCollection").length, "both looked before either created").toBe(2);
    expect(await store.describeCollection("c"), "one collection").toEqual(records);
  });
});

describe("createStore: what core derives", () => {
  it("hasCollection is describeCollection !== undefined", async () => {
    const driver = fakeDriver();
    const store = createStore(driver);
    expect(await store.hasCollection("c"), "before create").toBe(false);
    await store.createCollection(records);
    expect(await store.hasCollection("c"), "after create").toBe(true);
    await store.deleteCollection("c");
    expect(await store.hasCollection("c"), "after delete").toBe(false);
    expect(driver.callsOf("describeCollection").length, "every answer came from describeCollection").toBeGreaterThanOrEqual(3);
  });

  it("count uses the driver's count when it has one", async () => {
    const driver = fakeDriver({ count: async () => 42 });
    expect(await createStore(driver).count("c"), "the driver's answer").toBe(42);
    expect(driver.callsOf("iterate"), "no iteration").toHaveLength(0);
  });

  it("count without a driver count iterates in batches of 1000", async () => {
    const driver = fakeDriver();
    const store = createStore(driver);
    await store.createCollection(records);
    await store.upsert(
      "c",
      Array.from({ length: 2500 }, (_, position): StoredRecord => ({ id: `r${position}`, properties: {} })),
    );
    expect(await store.count("c"), "every record counted").toBe(2500);
    expect(
      driver.callsOf("iterate").map((call) => call.args[1]),
      "one iteration in batches of 1000",
    ).toEqual([{ batchSize: 1000 }]);
  });

  it("upsertTogether checks names, keeps the last record per id and drops writes without records", async () => {
    const driver = fakeDriver({ upsertTogether: async () => undefined });
    const store = createStore(driver);
    await store.upsertTogether!([
      {
        collection: "a",
        records: [
          { id: "x", properties: { v: 1 } },
          { id: "x", properties: { v: 2 } },
        ],
      },
      { collection: "b", records: [] },
    ]);
    expect(driver.callsOf("upsertTogether")[0]?.args[0], "one write, one record").toEqual([
      { collection: "a", records: [{ id: "x", properties: { v: 2 } }] },
    ]);
  });
});

describe("createStore: listCollections, when the driver has it", () => {
  it("forwards the driver's names unchanged", async () => {
    const driver = fakeDriver({ listCollections: async () => ["b", "hardneg_runs", "a"] });
    expect(await createStore(driver).listCollections!(), "the driver's names, in its order").toEqual(["b", "hardneg_runs", "a"]);
    expect(driver.callsOf("listCollections"), "one driver call").toHaveLength(1);
  });

  it("an empty list is an answer (an empty engine)", async () => {
    expect(await createStore(fakeDriver({ listCollections: async () => [] })).listCollections!(), "no names").toEqual([]);
  });

  it("refuses an answer that is not an array of distinct, non-empty strings with AdapterContractError naming the rule", async () => {
    const broken: Array<[string, unknown, RegExp]> = [
      ["not an array", "a,b", /listCollections must return an array of names, got string/],
      ["undefined", undefined, /listCollections must return an array of names, got undefined/],
      ["an empty name", ["a", ""], /listCollections returned "" at position 1, not a name/],
      ["a number", ["a", 7], /listCollections returned 7 at position 1, not a name/],
      ["null", [null], /listCollections returned null at position 0, not a name/],
      ["a name twice", ["a", "b", "a"], /listCollections returned "a" twice/],
    ];
    for (const [what, answer, rule] of broken) {
      const store = createStore(fakeDriver({ listCollections: async () => answer as string[] }));
      const error = await store.listCollections!().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error, `${what}: refused`).toBeInstanceOf(AdapterContractError);
      expect((error as Error).message, `${what}: names the adapter and the rule`).toMatch(/adapter "fake" broke the adapter contract/);
      expect((error as Error).message, `${what}: the rule`).toMatch(rule);
    }
  });
});

describe("createStore: a documents collection's language", () => {
  const german: CollectionSpec = { ...documents, language: "de" };

  it("is refused, naming the engine's languages, when the driver does not claim it; the driver is not called", async () => {
    const driver = fakeDriver();
    const error = await createStore(driver)
      .createCollection(german)
      .then(
        () => undefined,
        (caught: unknown) => caught as HardnegError,
      );
    expect(error?.code).toBe("UNSUPPORTED_CAPABILITY");
    expect(error?.message).toMatch(/does not analyse language "de" \(it analyses English only\)/);
    expect(driver.callsOf("createCollection")).toEqual([]);
  });

  it("is created with its language when the driver claims it; English needs no claim", async () => {
    const driver = fakeDriver({ languages: ["en", "de"] });
    const store = createStore(driver);
    await store.createCollection(german);
    expect((await store.describeCollection("c"))?.language).toBe("de");
    await createStore(fakeDriver()).createCollection({ ...documents, language: "en" });
  });

  it("must be a code the analyser knows", async () => {
    await expect(createStore(fakeDriver()).createCollection({ ...documents, language: "xx" })).rejects.toThrow(/option language/);
  });
});
