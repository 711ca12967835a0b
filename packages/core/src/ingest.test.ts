import { describe, expect, it } from "vitest";
import { DocsCollection, HardNegativesCollection, QueriesCollection } from "./collections.js";
import { BadInputError, HardnegError } from "./errors.js";
import { ingestDocuments, ingestQueries } from "./ingest.js";
import { evaluate } from "./mining/evaluate.js";
import type { Store } from "./backend.js";
import { createSearchBackend, createStore } from "./adapter/create-engine.js";
import { WordOverlapBackend } from "./mining/__fixtures__/word-overlap-backend.js";
import { mine } from "./mining/mine.js";
import { MemoryStore, MemoryStoreDriver } from "./adapter/memory-store.js";
import type { Doc } from "./types.js";

/**
 * A store that cannot swap collections (as the remote engines cannot): core's in-memory driver
 * with its replaceCollection hidden, so loads write in place, marked until they finish.
 */
function storeWithoutSwap(): Store {
  const driver = new MemoryStoreDriver("no-swap");
  Object.defineProperty(driver, "replaceCollection", { value: undefined });
  return createStore(driver);
}

const docs = new DocsCollection({ collectionName: "docs" });
const queries = new QueriesCollection({ collectionName: "queries" });

async function* documents(count: number, failAt?: number): AsyncGenerator<Doc> {
  for (let position = 1; position <= count; position++) {
    if (position === failAt) throw new BadInputError("bad line", { file: "docs.jsonl", line: position });
    yield { id: `d${position}`, text: `espresso grind ${position}` };
  }
}

async function loaded(): Promise<Store> {
  const store = storeWithoutSwap();
  await ingestDocuments(store, docs, documents(20));
  await ingestQueries(
    store,
    queries,
    (async function* () {
      yield { id: "q1", text: "espresso grind 3", goldIds: ["d3"] };
    })(),
  );
  return store;
}

function mineIn(store: Store) {
  return mine({
    backend: createSearchBackend(new WordOverlapBackend(store)),
    store,
    docsCollection: docs,
    queriesCollection: queries,
    hardNegativesCollection: new HardNegativesCollection({ collectionName: "out" }),
    negativesPerQuery: 2,
    // "espresso grind 1".."espresso grind 20" are near duplicates of each other by design; this test is about loads.
    nearDuplicateThreshold: 1,
  });
}

describe("loads on a store that cannot swap collections", () => {
  it(
    "a load that fails part-way into an existing collection leaves " + "it refused by mining and evaluation until a load succeeds",
    async () => {
      const store = await loaded();
      await expect(ingestDocuments(store, docs, documents(40, 30))).rejects.toThrow("docs.jsonl:30");
      for (const action of [
        () => mineIn(store),
        () =>
          evaluate({
            backend: createSearchBackend(new WordOverlapBackend(store)),
            store,
            docsCollection: docs,
            queriesCollection: queries,
          }),
      ]) {
        const error = await action().then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(HardnegError.isInstance(error) && error.code).toBe("BAD_INPUT");
        expect((error as Error).message).toMatch(/collection "docs".*incomplete: a load into it started at .* did not finish/);
      }
      await ingestDocuments(store, docs, documents(20));
      expect((await mineIn(store)).queries_mined).toBe(1);
    },
  );

  it("a failing load of a new collection leaves no collection and no mark", async () => {
    const store = storeWithoutSwap();
    await expect(ingestDocuments(store, docs, documents(10, 5))).rejects.toThrow();
    expect(await store.hasCollection("docs")).toBe(false);
    await ingestDocuments(store, docs, documents(10));
    expect(await store.count("docs")).toBe(10);
  });

  it("a load never silently replaces a collection of another kind", async () => {
    const store = await loaded();
    const error = await ingestDocuments(store, new DocsCollection({ collectionName: "queries" }), documents(3)).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(HardnegError.isInstance(error) && error.code).toBe("BAD_OPTION");
    expect(await store.count("queries")).toBe(1);
  });
});

describe("loads on a store that can swap collections (MemoryStore)", () => {
  it("a load that fails part-way leaves the collection exactly as it was", async () => {
    const store = new MemoryStore();
    await ingestDocuments(store, docs, documents(20));
    await expect(ingestDocuments(store, docs, documents(40, 30)), "the bad line is named").rejects.toThrow("docs.jsonl:30");
    expect(await store.count("docs"), "the 20 documents of the first load, none of the failed one").toBe(20);
  });
});

describe("loading documents in a language", () => {
  /** A store that analyses German too (as backend-local and Qdrant do), optionally without swapping collections. */
  function germanStore(swap: boolean): Store {
    const driver = new MemoryStoreDriver(swap ? "swap" : "no-swap");
    Object.defineProperty(driver, "languages", { value: ["en", "de"] });
    if (!swap) Object.defineProperty(driver, "replaceCollection", { value: undefined });
    return createStore(driver);
  }
  const german = new DocsCollection({ collectionName: "docs", language: "de" });

  it("records the language with the collection; English (the default) records none", async () => {
    const store = germanStore(true);
    await ingestDocuments(store, german, documents(2));
    expect((await store.describeCollection("docs"))?.language).toBe("de");
    await ingestDocuments(store, new DocsCollection({ collectionName: "english", language: "en" }), documents(2));
    expect(await store.describeCollection("english")).not.toHaveProperty("language");
  });

  it("a store that swaps collections re-loads them in another language", async () => {
    const store = germanStore(true);
    await ingestDocuments(store, docs, documents(2));
    await ingestDocuments(store, german, documents(3));
    expect((await store.describeCollection("docs"))?.language).toBe("de");
    expect(await store.count("docs")).toBe(3);
  });

  it("a store that writes in place refuses to re-load a collection in another language, and changes nothing", async () => {
    const store = germanStore(false);
    await ingestDocuments(store, docs, documents(2));
    await expect(ingestDocuments(store, german, documents(3))).rejects.toThrow(
      /option language: "docs" holds documents analysed as "en" and no-swap cannot replace a collection in one step/,
    );
    expect(await store.describeCollection("docs")).not.toHaveProperty("language");
    expect(await store.count("docs")).toBe(2);
  });

  it("DocsCollection refuses an unknown language code, naming its option", () => {
    expect(() => new DocsCollection({ collectionName: "docs", language: "deutsch" })).toThrow(/option docsCollection\.language/);
  });
});
