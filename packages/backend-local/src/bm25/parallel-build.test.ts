import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { seededRandom, type DocumentTarget } from "@hardneg/core";
import { Tokenizer } from "@hardneg/core/adapter";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useTemporaryDirectories } from "../__fixtures__/temporary-directory.js";
import { openLocalBackend } from "../local-backend.js";
import { Bm25IndexBuilder } from "./bm25-index-builder.js";
import { PARALLEL_BUILD_MIN_DOCUMENTS } from "./index-manager.js";
import { ThreadedIndexBuild } from "./parallel-build.js";

const target: DocumentTarget = { collection: "corpus", idKey: "doc_id", contentKey: "text", titleKey: "title" };

/** Words with stop words, inflections and non-ASCII letters, so the analyser's every step matters. */
const WORDS = {
  en: ["the", "coffee", "coffees", "grinding", "grinder", "of", "beans", "roasted", "roasting", "café", "naïve", "espresso", "and"],
  de: ["der", "Kaffee", "Kaffees", "Mühle", "Mühlen", "und", "gerösteten", "Bohnen", "Röstung", "für", "Häuser", "Straße"],
};

/** Builds the same corpus's index with `buildThreads` 0 and with threads, and returns both index files' bytes. */
async function indexFilesBuilt(language: keyof typeof WORDS, directory: string, threads: number): Promise<Buffer[]> {
  const database = join(directory, `${language}.db`);
  const writer = await openLocalBackend(database);
  await writer.createCollection({ name: "corpus", kind: "documents", target, language });
  const random = seededRandom(5);
  const next = (bound: number) => Math.floor(random() ** 2 * bound);
  const words = WORDS[language];
  // Rare made-up words too, so batches keep meeting terms no other batch has seen yet.
  const text = (length: number) =>
    Array.from({ length }, () => (next(10) === 0 ? `w${next(200_000)}` : words[next(words.length)]!)).join(" ");
  const documentCount = PARALLEL_BUILD_MIN_DOCUMENTS + 1_234;
  for (let start = 0; start < documentCount; start += 10_000) {
    await writer.upsert(
      "corpus",
      Array.from({ length: Math.min(10_000, documentCount - start) }, (_, offset) => ({
        id: `r${start + offset}`,
        properties: { doc_id: `d${start + offset}`, title: text(2), text: text(1 + ((start + offset) % 13)) },
      })),
    );
  }
  await writer.close();
  const files: Buffer[] = [];
  for (const buildThreads of [0, threads]) {
    const indexDirectory = join(directory, `${language}-${buildThreads}`);
    const backend = await openLocalBackend(database, { indexDirectory, buildThreads });
    try {
      const stats = await backend.driver.prepareIndex(target);
      expect(stats).toMatchObject({ source: "built", documentCount });
    } finally {
      await backend.close();
    }
    const [file] = readdirSync(indexDirectory).filter((name) => name.endsWith(".bm25"));
    files.push(readFileSync(join(indexDirectory, file!)));
  }
  return files;
}

describe("BM25 index built in threads", () => {
  const temporaryDirectory = useTemporaryDirectories();
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each([
    ["en", 2],
    ["de", 3],
  ] as const)("gives a %s collection byte for byte the index one thread builds (%i threads)", async (language, threads) => {
    const [oneThread, inThreads] = await indexFilesBuilt(language, temporaryDirectory(), threads);
    expect(oneThread!.length).toBeGreaterThan(1_000_000);
    expect(inThreads!.equals(oneThread!)).toBe(true);
  });

  it.each([
    ["every batch", 0],
    ["the batches a full queue leaves it", 1],
  ])("gives the index one thread builds when the calling thread scans %s", async (_, maxWaitingBatches) => {
    const tokenizer = new Tokenizer({ language: "en" });
    const random = seededRandom(9);
    const next = (bound: number) => Math.floor(random() ** 2 * bound);
    const texts = Array.from({ length: 7_500 }, (_, position) =>
      Array.from({ length: 1 + (position % 11) }, () => (next(6) === 0 ? `w${next(30_000)}` : WORDS.en[next(WORDS.en.length)]!)).join(" "),
    );
    const parameters = { k1: 1.2, b: 0.75 };
    const single = new Bm25IndexBuilder(tokenizer, parameters, "corpus");
    for (const [position, text] of texts.entries()) single.addDocument(`d${position}`, position + 1, text);
    const expected = single.finish().data;
    // In this thread only the calling thread's scanner takes scanned runs (build threads have builders of their own).
    const scannedHere = vi.spyOn(Bm25IndexBuilder.prototype, "takeScanned");
    const threaded = new ThreadedIndexBuild(tokenizer, 2, maxWaitingBatches);
    for (const [position, text] of texts.entries()) threaded.add(`d${position}`, position + 1, text);
    const built = (await threaded.finish(parameters, "corpus")).data;
    if (maxWaitingBatches === 0) expect(scannedHere).toHaveBeenCalledTimes(8);
    expect(built.vocabulary).toEqual(expected.vocabulary);
    expect(built.documentIds).toEqual(expected.documentIds);
    expect(built.averageDocumentLength).toBe(expected.averageDocumentLength);
    for (const key of ["recordRowIds", "termOffsets", "postingDocuments", "postingScores", "termMaxScores"] as const) {
      expect(Buffer.from(built[key].buffer, built[key].byteOffset, built[key].byteLength)).toEqual(
        Buffer.from(expected[key].buffer, expected[key].byteOffset, expected[key].byteLength),
      );
    }
  });

  it("fails with the record's error when one has no id", async () => {
    const database = join(temporaryDirectory(), "bad.db");
    const backend = await openLocalBackend(database, { buildThreads: 2 });
    try {
      await backend.createCollection({ name: "corpus", kind: "documents", target });
      const records = Array.from({ length: PARALLEL_BUILD_MIN_DOCUMENTS }, (_, position) => ({
        id: `r${position}`,
        properties: position === 40_000 ? { text: "no id here" } : { doc_id: `d${position}`, text: `word${position % 97} coffee` },
      }));
      await backend.upsert("corpus", records);
      await expect(backend.driver.prepareIndex(target)).rejects.toThrow(/record "r40000" has no string or number property "doc_id"/);
    } finally {
      await backend.close();
    }
  });
});
