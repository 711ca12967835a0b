import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { seededRandom, type DocumentTarget } from "@hardneg/core";
import { Tokenizer } from "@hardneg/core/adapter";
import { afterEach, describe, expect, it, vi } from "vitest";
import { breakFirstLayOut } from "../__fixtures__/broken-layout.js";
import { indexFileIn } from "../__fixtures__/index-file.js";
import { useTemporaryDirectories } from "../__fixtures__/temporary-directory.js";
import { type LocalBackendOptions, openLocalBackend } from "../local-backend.js";
import { Bm25IndexBuilder } from "./bm25-index-builder.js";
import { PARALLEL_BUILD_MIN_DOCUMENTS } from "./index-manager.js";
import { type BuildThreadRequest, ParallelScan, ThreadedIndexBuild } from "./parallel-build.js";

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
    files.push(
      await preparedIndexFile(database, documentCount, { indexDirectory: join(directory, `${language}-${buildThreads}`), buildThreads }),
    );
  }
  return files;
}

/** Opens `database` with `options`, builds the corpus's index (`prepareIndex`) and returns its file's bytes. */
async function preparedIndexFile(
  database: string,
  documentCount: number,
  options: LocalBackendOptions & { indexDirectory: string },
): Promise<Buffer> {
  const backend = await openLocalBackend(database, options);
  try {
    expect(await backend.driver.prepareIndex(target)).toMatchObject({ source: "built", documentCount });
  } finally {
    await backend.close();
  }
  return indexFileIn(options.indexDirectory);
}

const bytesOf = (array: ArrayBufferView) => Buffer.from(array.buffer, array.byteOffset, array.byteLength);

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
    const threaded = new ThreadedIndexBuild(tokenizer, 2, { maxWaitingBatches });
    for (const [position, text] of texts.entries()) threaded.add(`d${position}`, position + 1, text);
    const built = (await threaded.finish(parameters, "corpus")).data;
    if (maxWaitingBatches === 0) expect(scannedHere).toHaveBeenCalledTimes(8);
    expect(built.vocabulary).toEqual(expected.vocabulary);
    expect(built.documentIds).toEqual(expected.documentIds);
    expect(built.averageDocumentLength).toBe(expected.averageDocumentLength);
    for (const key of ["recordRowIds", "termOffsets", "postingDocuments", "postingScores", "termMaxScores"] as const) {
      expect(bytesOf(built[key])).toEqual(bytesOf(expected[key]));
    }
  });

  it.each<[string, BuildThreadRequest["kind"]]>([
    ["scanning", "texts"],
    ["laying the postings out", "lay out"],
  ])("fails, and stops its threads, when they stay silent while %s", async (_, silentAt) => {
    // The threads never receive these requests: to the calling thread, they are alive but hung.
    const postMessage = Worker.prototype.postMessage;
    vi.spyOn(Worker.prototype, "postMessage").mockImplementation(function (this: Worker, request: BuildThreadRequest) {
      if (request.kind !== silentAt) postMessage.call(this, request);
    });
    const terminate = vi.spyOn(Worker.prototype, "terminate");
    const threaded = new ThreadedIndexBuild(new Tokenizer({ language: "en" }), 2, { silentThreadsMs: 300 });
    for (let position = 0; position < 5_000; position++) threaded.add(`d${position}`, position + 1, `coffee beans ${position}`);
    await expect(threaded.finish({ k1: 1.2, b: 0.75 }, "corpus")).rejects.toThrow("BM25 build threads answered nothing for 0.3 s");
    expect(terminate).toHaveBeenCalledTimes(2);
  });

  it("receives the answers that queued while this thread was busy for longer than the silence allowed, before judging", async () => {
    // Every batch is scanned before the build finishes, so the work below runs outside any
    // thread's message: once the threads are asked to count, this thread stays busy for 2.5 s while
    // they answer, and the watchdog is overdue before their answers are received.
    const ask = ParallelScan.prototype.ask;
    let busy = false;
    vi.spyOn(ParallelScan.prototype, "ask").mockImplementation(function (this: ParallelScan, thread, request) {
      const asked = ask.call(this, thread, request);
      if (request.kind === "count" && thread === 1) {
        busy = true;
        const until = performance.now() + 2_500;
        while (performance.now() < until);
      }
      return asked;
    });
    const tokenizer = new Tokenizer({ language: "en" });
    const threaded = new ThreadedIndexBuild(tokenizer, 2, { silentThreadsMs: 1_000 });
    const single = new Bm25IndexBuilder(tokenizer, { k1: 1.2, b: 0.75 }, "corpus");
    for (let position = 0; position < 5_000; position++) {
      threaded.add(`d${position}`, position + 1, `coffee beans ${position}`);
      single.addDocument(`d${position}`, position + 1, `coffee beans ${position}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // From here on this thread runs in an event loop turn's last phases, so the next turn runs the
    // due timers before it receives any message.
    await new Promise((resolve) => setImmediate(resolve));
    const built = (await threaded.finish({ k1: 1.2, b: 0.75 }, "corpus")).data;
    expect(busy).toBe(true);
    expect(bytesOf(built.postingScores)).toEqual(bytesOf(single.finish().data.postingScores));
  });

  it("builds the same index on one thread, with one warning, when a build thread fails while laying out", async () => {
    const directory = temporaryDirectory();
    const database = join(directory, "corpus.db");
    const documentCount = PARALLEL_BUILD_MIN_DOCUMENTS + 10;
    const writer = await openLocalBackend(database);
    await writer.createCollection({ name: "corpus", kind: "documents", target });
    await writer.upsert(
      "corpus",
      Array.from({ length: documentCount }, (_, position) => ({
        id: `r${position}`,
        properties: { doc_id: `d${position}`, text: `word${position % 997} coffee beans ${position % 13}` },
      })),
    );
    await writer.close();
    const oneThread = await preparedIndexFile(database, documentCount, { indexDirectory: join(directory, "one-thread"), buildThreads: 0 });
    const broken = breakFirstLayOut();
    const warnings: string[] = [];
    const afterFailure = await preparedIndexFile(database, documentCount, {
      indexDirectory: join(directory, "threads"),
      buildThreads: 2,
      onWarning: (line) => warnings.push(line),
    });
    expect(broken()).toBe(true);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^\[hardneg\] \[local\] warning: BM25 build thread failed: TypeError.*; building the BM25 index on one thread instead$/s,
      ),
    ]);
    expect(afterFailure.equals(oneThread)).toBe(true);
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
