import { join } from "node:path";
import {
  DocsCollection,
  ingestDocuments,
  seededRandom,
  type Doc,
  type DocumentTarget,
  type EngineOf,
  type StoredRecord,
} from "@hardneg/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { breakFirstLayOut } from "../__fixtures__/broken-layout.js";
import { indexFileIn } from "../__fixtures__/index-file.js";
import { useTemporaryDirectories } from "../__fixtures__/temporary-directory.js";
import { openLocalBackend, type LocalBackend, type LocalBackendOptions } from "../local-backend.js";
import { SqliteStore } from "../sqlite-store.js";
import { PARALLEL_BUILD_MIN_DOCUMENTS } from "./index-manager.js";

const docs = new DocsCollection({ collectionName: "corpus", idKey: "doc_id", contentKey: "text", titleKey: "title" });
const target: DocumentTarget = docs.target;
const WORDS = ["the", "coffee", "coffees", "grinding", "grinder", "of", "beans", "roasted", "café", "naïve", "Straße", "and", "😀"];

/** A seeded corpus: stop words, inflections, non-ASCII words, empty and non-empty titles, rare words. */
function corpus(count: number): Doc[] {
  const random = seededRandom(11);
  const next = (bound: number) => Math.floor(random() ** 2 * bound);
  const text = (length: number) =>
    Array.from({ length }, () => (next(8) === 0 ? `w${next(50_000)}` : WORDS[next(WORDS.length)]!)).join(" ");
  return Array.from({ length: count }, (_, position) => ({
    id: `d${position}`,
    text: text(1 + (position % 17)),
    ...(position % 3 === 0 ? {} : { title: text(2) }),
  }));
}

async function* each<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}

/** The index file a fresh backend builds from the database's records (the path a load without a scan takes). */
async function indexFileFromDatabase(database: string, directory: string): Promise<Buffer> {
  const backend = await openLocalBackend(database, { indexDirectory: directory });
  try {
    expect((await backend.driver.prepareIndex(target)).source).toBe("built");
  } finally {
    await backend.close();
  }
  return indexFileIn(directory);
}

describe("BM25 index analysed while a load writes the documents", () => {
  const temporaryDirectory = useTemporaryDirectories();
  const readsBack = () => vi.spyOn(SqliteStore.prototype, "documentRows");
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Writes with `write`, prepares the index, and expects it built from a read of the records, equal to a fresh build's. */
  async function expectReadBack(options: LocalBackendOptions, write: (backend: EngineOf<LocalBackend>) => Promise<unknown>) {
    const directory = temporaryDirectory();
    const database = join(directory, "corpus.db");
    const backend = await openLocalBackend(database, { indexDirectory: join(directory, "loaded"), ...options });
    const readBack = readsBack();
    try {
      await write(backend);
      await backend.driver.prepareIndex(target);
      expect(readBack).toHaveBeenCalledTimes(1);
    } finally {
      await backend.close();
    }
    expect(indexFileIn(join(directory, "loaded")).equals(await indexFileFromDatabase(database, join(directory, "rebuilt")))).toBe(true);
  }

  it.each<[string, number, LocalBackendOptions]>([
    ["on the calling thread", 2_000, {}],
    ["in one build thread", PARALLEL_BUILD_MIN_DOCUMENTS + 777, { buildThreads: 1 }],
    ["in three build threads", PARALLEL_BUILD_MIN_DOCUMENTS + 777, { buildThreads: 3 }],
  ])("is ready without reading the records back, byte for byte the index built from them (%s)", async (_, count, options) => {
    const directory = temporaryDirectory();
    const database = join(directory, "corpus.db");
    const backend = await openLocalBackend(database, { indexDirectory: join(directory, "loaded"), ...options });
    const readBack = readsBack();
    try {
      expect(await ingestDocuments(backend, docs, each(corpus(count)))).toBe(count);
      expect(await backend.driver.prepareIndex(target)).toMatchObject({ source: "built", documentCount: count });
      expect(readBack).not.toHaveBeenCalled();
      const [hit] = (await backend.search(target, [{ text: "grinding coffee" }], { mode: "bm25", k: 1 }))[0]!;
      expect(hit?.score).toBeGreaterThan(0);
    } finally {
      await backend.close();
    }
    const loaded = indexFileIn(join(directory, "loaded"));
    expect(loaded.length).toBeGreaterThan(10_000);
    expect(loaded.equals(await indexFileFromDatabase(database, join(directory, "rebuilt")))).toBe(true);
    expect(readBack).toHaveBeenCalled();
  });

  it.each<[string, (records: StoredRecord[]) => StoredRecord[][]]>([
    ["a number id", (records) => [records.map((record, position) => (position === 7 ? withProperty(record, "doc_id", 7) : record))]],
    [
      "an object as content",
      (records) => [records.map((record, position) => (position === 7 ? withProperty(record, "text", { a: 1 }) : record))],
    ],
    [
      "a lone surrogate",
      (records) => [records.map((record, position) => (position === 7 ? withProperty(record, "text", "beans \ud800") : record))],
    ],
    ["an update of a record written before", (records) => [records, [withProperty(records[3]!, "text", "updated roasting")]]],
  ])("reads the records back when one has %s, and still gives the index built from them", async (_, batchesOf) => {
    const records = corpus(500).map(({ id, text, title }) => ({ id: `r${id}`, properties: { doc_id: id, text, title } }));
    await expectReadBack({}, async (backend) => {
      await backend.createCollection({
        name: "corpus",
        kind: "documents",
        target: { idKey: "doc_id", contentKey: "text", titleKey: "title" },
      });
      for (const batch of batchesOf(records)) await backend.upsert("corpus", batch);
    });
  });

  it("reads the records back of a collection too large to keep its texts when there are no build threads", async () => {
    await expectReadBack({ buildThreads: 0 }, (backend) => ingestDocuments(backend, docs, each(corpus(PARALLEL_BUILD_MIN_DOCUMENTS + 1))));
  });

  it("reads the records back, with a warning, when a build thread fails while laying the postings out", async () => {
    // Only the load's threaded build breaks; the build from the records that follows (and the
    // reference build) run on one thread.
    const broken = breakFirstLayOut();
    const warnings: string[] = [];
    await expectReadBack({ buildThreads: 1, onWarning: (line) => warnings.push(line) }, (backend) =>
      ingestDocuments(backend, docs, each(corpus(PARALLEL_BUILD_MIN_DOCUMENTS + 1))),
    );
    expect(broken()).toBe(true);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^\[hardneg\] \[local\] warning: BM25 build thread failed: TypeError.*; building the BM25 index from the database instead$/s,
      ),
    ]);
  });

  /** Runs `work` with a loading connection and another one on the same file; the index must come from a read of the records. */
  async function withAnotherWriter(work: (loader: EngineOf<LocalBackend>, other: EngineOf<LocalBackend>) => Promise<void>) {
    const database = join(temporaryDirectory(), "corpus.db");
    const loader = await openLocalBackend(database);
    const other = await openLocalBackend(database);
    const readBack = readsBack();
    try {
      await work(loader, other);
      expect(readBack).toHaveBeenCalledTimes(1);
    } finally {
      await other.close();
      await loader.close();
    }
  }

  it("reads the records back when another connection wrote to the collection after the load", async () => {
    await withAnotherWriter(async (loader, other) => {
      await ingestDocuments(loader, docs, each(corpus(300)));
      await other.upsert("corpus", [{ id: "late", properties: { doc_id: "late", text: "written by another process" } }]);
      expect(await loader.driver.prepareIndex(target)).toMatchObject({ documentCount: 301 });
      expect((await loader.search(target, [{ text: "another process" }], { mode: "bm25", k: 1 }))[0]![0]!.id).toBe("late");
    });
  });

  it("reads the records back when another connection wrote to the staged collection before the swap", async () => {
    await withAnotherWriter(async (loader, other) => {
      const spec = {
        name: "corpus.staging-1",
        kind: "documents",
        target: { idKey: "doc_id", contentKey: "text", titleKey: "title" },
      } as const;
      await loader.createCollection(spec);
      await loader.upsert(spec.name, [{ id: "first", properties: { doc_id: "first", text: "written by the load" } }]);
      await other.upsert(spec.name, [{ id: "late", properties: { doc_id: "late", text: "written by another process" } }]);
      await loader.replaceCollection(spec.name, "corpus");
      expect(await loader.driver.prepareIndex(target)).toMatchObject({ documentCount: 2 });
    });
  });

  it("is dropped by a search before the index is prepared, which builds from the records", async () => {
    const backend = await openLocalBackend(":memory:");
    const readBack = readsBack();
    try {
      await ingestDocuments(backend, docs, each(corpus(300)));
      const [hits] = await backend.search(target, [{ text: "roasted beans" }], { mode: "bm25", k: 3 });
      expect(hits).toHaveLength(3);
      expect(readBack).toHaveBeenCalledTimes(1);
      expect((await backend.driver.prepareIndex(target)).source).toBe("cached");
    } finally {
      await backend.close();
    }
  });
});

function withProperty(record: StoredRecord, key: string, value: unknown): StoredRecord {
  return { id: record.id, properties: { ...record.properties, [key]: value } };
}
