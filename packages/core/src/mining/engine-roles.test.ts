import { describe, expect, it } from "vitest";
import type { SearchBackend, Store } from "../backend.js";
import { createSearchBackend } from "../adapter/create-engine.js";
import { MemoryStore } from "../adapter/memory-store.js";
import { DocsCollection } from "../collections.js";
import { openReferenceEngine } from "../testkit/__fixtures__/reference-engine.js";
import { addDocuments, WordOverlapBackend } from "./__fixtures__/word-overlap-backend.js";
import { documentsStoreOf, isStore, storeOf } from "./engine-roles.js";

const searchOnly = (): SearchBackend => createSearchBackend(new WordOverlapBackend(new MemoryStore()));
const docs = new DocsCollection({ collectionName: "docs" });

/** A search-only backend that also has some, not all, of the methods a store reads and writes with. */
function withStoreMethods(names: ReadonlyArray<"upsert" | "iterate" | "hasCollection">): SearchBackend {
  const backend = searchOnly();
  const store = new MemoryStore();
  return Object.assign(Object.create(backend) as SearchBackend, Object.fromEntries(names.map((name) => [name, store[name].bind(store)])));
}

describe("isStore", () => {
  it("an engine that stores collections is a store; a backend that only searches is not", () => {
    expect(isStore(openReferenceEngine()), "engine").toBe(true);
    expect(isStore(searchOnly()), "search-only").toBe(false);
  });

  it("a backend is a store only with all three of upsert, iterate and hasCollection", () => {
    expect(isStore(withStoreMethods(["upsert", "iterate", "hasCollection"])), "all three").toBe(true);
    expect(isStore(withStoreMethods(["iterate", "hasCollection"])), "no upsert").toBe(false);
    expect(isStore(withStoreMethods(["upsert", "hasCollection"])), "no iterate").toBe(false);
    expect(isStore(withStoreMethods(["upsert", "iterate"])), "no hasCollection").toBe(false);
  });

  it("properties of those names that are not functions do not make a store", () => {
    const backend = Object.assign(Object.create(searchOnly()) as SearchBackend, { upsert: 1, iterate: "x", hasCollection: true });
    expect(isStore(backend)).toBe(false);
  });
});

describe("storeOf", () => {
  it("the given store wins, even over an engine that stores", () => {
    const store = new MemoryStore();
    expect(storeOf(openReferenceEngine(), store)).toBe(store);
    expect(storeOf(searchOnly(), store)).toBe(store);
  });

  it("without a store, an engine that stores is its own store", () => {
    const engine = openReferenceEngine();
    expect(storeOf(engine, undefined)).toBe(engine);
  });

  it("without a store, a search-only backend is refused, naming the store option and the backend", () => {
    expect(() => storeOf(searchOnly(), undefined)).toThrow(/option store: backend "word-overlap" only searches; pass a store/);
  });
});

describe("documentsStoreOf", () => {
  it("an engine that stores holds its own documents, whatever the store holds", async () => {
    const engine = openReferenceEngine();
    expect(await documentsStoreOf(engine, new MemoryStore(), docs)).toBe(engine);
  });

  it("for a search-only backend, the store when the corpus was loaded there too, else none", async () => {
    const store: Store = new MemoryStore();
    expect(await documentsStoreOf(searchOnly(), store, docs), "no corpus in the store").toBeUndefined();
    await addDocuments(store, [["d1", "text"]]);
    expect(await documentsStoreOf(searchOnly(), store, docs), "corpus in the store").toBe(store);
  });
});
