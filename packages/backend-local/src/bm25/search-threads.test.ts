import { seededRandom, type DocumentTarget } from "@hardneg/core";
import type { EngineOf } from "@hardneg/core/adapter";
import { afterEach, describe, expect, it } from "vitest";
import { openLocalBackend, type LocalBackend, type LocalBackendOptions } from "../local-backend.js";
import { inSharedMemory } from "./bm25-scorer.js";
import { SearchThreads } from "./search-threads.js";

const target: DocumentTarget = { collection: "corpus", idKey: "doc_id", contentKey: "text" };

/** A seeded generator, so a failure names a reproducible corpus. */
function randomWords(seed: number): (count: number) => string {
  const next = seededRandom(seed);
  // Zipf-like: a few frequent words (long lists, many ties) and a long tail of rare ones.
  return (count) => Array.from({ length: count }, () => `w${Math.floor(400 ** next())}`).join(" ");
}

const opened: Array<EngineOf<LocalBackend>> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((backend) => backend.close()));
});

async function corpusBackend(options: LocalBackendOptions, documentCount = 3_000): Promise<EngineOf<LocalBackend>> {
  const words = randomWords(7);
  const backend = await openLocalBackend(":memory:", options);
  opened.push(backend);
  await backend.createCollection({ name: "corpus", kind: "documents" });
  await backend.upsert(
    "corpus",
    Array.from({ length: documentCount }, (_, position) => ({
      id: `r${position}`,
      properties: { doc_id: `d${position}`, text: words(3 + (position % 40)) },
    })),
  );
  return backend;
}

function queryBatch(seed: number, size: number): Array<{ text: string }> {
  const words = randomWords(seed);
  // Empty and unknown-word queries included: they must come back as empty lists in their place.
  return Array.from({ length: size }, (_, position) => ({ text: position % 17 === 0 ? "zzz" : words(1 + (position % 6)) }));
}

describe("BM25 search in threads", () => {
  it("returns the calling thread's hits exactly (ids, order, scores), in query order, for concurrent batches, every strategy", async () => {
    const inThread = await corpusBackend({ searchThreads: 0 });
    const threaded = await corpusBackend({ searchThreads: 2 });
    const batches = [1, 5, 64, 200, 33].map((size, seed) => queryBatch(seed + 1, size));
    for (const strategy of ["auto", "exhaustive", "pruned"] as const) {
      for (const k of [1, 10, 100]) {
        inThread.driver.bm25TopK = strategy;
        threaded.driver.bm25TopK = strategy;
        const expected = await Promise.all(batches.map((batch) => inThread.search(target, batch, { mode: "bm25", k })));
        // Every batch in flight at once: they queue for the two threads and must not mix.
        const found = await Promise.all(batches.map((batch) => threaded.search(target, batch, { mode: "bm25", k })));
        expect(found).toEqual(expected);
        expect(found.flat(2).length).toBeGreaterThan(100);
      }
    }
    expect(inThread.driver.lastSearchThreads).toBe(0);
    expect(threaded.driver.lastSearchThreads).toBe(2);
  });

  it("serves a re-indexed collection from its new postings, not the ones the threads held", async () => {
    const threaded = await corpusBackend({ searchThreads: 2 }, 200);
    const before = await threaded.search(target, [{ text: "unicorn" }], { mode: "bm25", k: 5 });
    expect(before).toEqual([[]]);
    await threaded.upsert("corpus", [{ id: "new", properties: { doc_id: "unicorn-doc", text: "a unicorn" } }]);
    const after = await threaded.search(target, queryBatch(3, 20).concat({ text: "unicorn" }), { mode: "bm25", k: 5 });
    expect(after.at(-1)!.map((hit) => hit.id)).toEqual(["unicorn-doc"]);
  });

  it('"auto" keeps a small index on the calling thread', async () => {
    const auto = await corpusBackend({}, 200);
    await auto.search(target, queryBatch(1, 10), { mode: "bm25", k: 5 });
    expect(auto.driver.lastSearchThreads).toBe(0);
  });

  it("refuses a thread count that is not a whole number from 0 to 64, naming the option", async () => {
    for (const searchThreads of [-1, 1.5, 65, "many"]) {
      await expect(openLocalBackend(":memory:", { searchThreads } as LocalBackendOptions)).rejects.toThrow(
        /searchThreads.*"auto" or a whole number/,
      );
    }
  });

  it("moves private posting lists into shared memory once, with the same contents, and keeps shared ones as they are", () => {
    const lists = {
      documentCount: 2,
      termOffsets: Uint32Array.of(0, 2),
      postingDocuments: Uint32Array.of(0, 1),
      postingScores: Float32Array.of(1, 2),
      termMaxScores: Float32Array.of(2),
    };
    const shared = inSharedMemory(lists);
    for (const key of ["termOffsets", "postingDocuments", "postingScores", "termMaxScores"] as const) {
      expect(shared[key].buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(shared[key]).toEqual(lists[key]);
    }
    expect(inSharedMemory(shared)).toBe(shared);
  });

  it("fails searches still queued or sent after close, and lets the process exit (threads stopped)", async () => {
    const threads = new SearchThreads(1);
    const lists = inSharedMemory({
      documentCount: 2,
      termOffsets: Uint32Array.of(0, 2),
      postingDocuments: Uint32Array.of(0, 1),
      postingScores: Float32Array.of(1, 2),
      termMaxScores: Float32Array.of(2),
    });
    const answered = await threads.search(lists, [[0], []], 5, "auto");
    expect(answered.map((ranked) => [...ranked.documentIndexes])).toEqual([[1, 0], []]);
    const pending = expect(
      threads.search(
        lists,
        Array.from({ length: 40 }, () => [0]),
        5,
        "auto",
      ),
    ).rejects.toThrow("search threads are closed");
    await threads.close();
    await pending;
    await expect(threads.search(lists, [[0]], 5, "auto")).rejects.toThrow("search threads are closed");
  });
});
