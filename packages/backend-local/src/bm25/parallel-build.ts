import { Worker } from "node:worker_threads";
import type { Tokenizer, TokenizerOptions } from "@hardneg/core/adapter";
import { Bm25IndexBuilder, sharedCopyOf, type ScannedDocuments } from "./bm25-index-builder.js";
import { Bm25Index, type Bm25Parameters } from "./bm25-index.js";
import { GrowableArray } from "./growable-array.js";
import {
  inverseDocumentFrequencies,
  layOutPostings,
  remapAndCount,
  type PostingArrays,
  type PostingScoring,
  type ScannedPairs,
} from "./posting-layout.js";
import { Vocabulary } from "./vocabulary.js";
import { workerFile } from "./worker-file.js";

/** What the reading thread sends a build thread: the analyser, batches of texts, then a part of the layout. */
export type BuildThreadRequest =
  | {
      kind: "start";
      analyser: Required<TokenizerOptions>;
      /** Batches each thread has scanned, at its index: the reader's back-pressure. */
      scannedBatches: Int32Array;
      thread: number;
    }
  | { kind: "texts"; batch: number; texts: string[] }
  | { kind: "count"; part: LayoutPart; termIdsOfScanner: Uint32Array[]; termCount: number }
  | { kind: "lay out"; part: LayoutPart; nextPosting: Uint32Array; scoring: PostingScoring; postings: PostingArrays };

/** A build thread's answer to each request but "start": what it scanned, counted or laid out, or what failed. */
export type BuildThreadReply =
  | { kind: "scanned"; batch: number; run: ScannedDocuments }
  | { kind: "counted"; documentFrequencies: Uint32Array }
  | { kind: "laid out"; termMaxScores: Float32Array }
  | { error: string };

/** A batch of documents scanned by one thread, in collection order with the others. */
export interface ScannedBatch {
  run: ScannedDocuments;
  /** Which scanner made it, a build thread or (numbered after them) the calling thread: its term ids are that scanner's. */
  thread: number;
}

/** Consecutive batches that one thread lays out (posting-layout.ts), in shared memory. */
export interface LayoutPart {
  runs: ScannedPairs[];
  /** The thread that scanned each run. */
  scanners: number[];
  /** The document index of the part's first document. */
  firstDocument: number;
}

type LayoutReply = Extract<BuildThreadReply, { kind: "counted" | "laid out" }>;

/** Texts per batch: few enough messages to cost nothing, small enough to keep every thread fed. */
const TEXTS_PER_BATCH = 1_000;
/**
 * Batches a thread may have waiting: reading outpaces analysing, and without a bound the texts
 * of most of the corpus would wait in the queues (260 MB more at 1M documents).
 */
const MAX_WAITING_BATCHES = 4;
/**
 * How long the end of a build waits on threads that owe it an answer and send nothing: then it
 * takes them as hung (alive, but stuck) and fails, and a load reads the records back instead.
 */
const SILENT_THREADS_MS = 60_000;

/** Tuning of a {@link ParallelScan}; tests shrink both. */
export interface ParallelScanOptions {
  /** Batches a thread may have waiting before the calling thread scans one itself (0: it scans all). Default 4. */
  maxWaitingBatches?: number;
  /** See {@link SILENT_THREADS_MS}. */
  silentThreadsMs?: number;
}

/**
 * Analyses a collection's texts in several threads while the caller reads them: batches of
 * consecutive documents go to the threads in turn, and each thread keeps one vocabulary across
 * its batches. When every thread has {@link MAX_WAITING_BATCHES} waiting, the calling thread
 * scans the batch itself (a scanner of its own, numbered after the threads) rather than wait:
 * at 1M documents the threads' analysis is the slower side, and this shares it out. Once every
 * batch is scanned, the same threads lay parts of the postings out ({@link ask}).
 */
export class ParallelScan {
  private readonly workers: Worker[];
  private readonly scannedBatches: Int32Array;
  private readonly sentBatches: number[];
  private readonly batches: ScannedBatch[] = [];
  private readonly pending: string[] = [];
  /** The calling thread's scanner, made at its first batch. */
  private here: Bm25IndexBuilder | undefined;
  private nextBatch = 0;
  /** Per thread, the layout request it is working on. */
  private readonly asked: Array<{ resolve: (reply: LayoutReply) => void; reject: (error: Error) => void } | undefined>;
  private received = 0;
  private failure: Error | undefined;
  private settle: (() => void) | undefined;
  private readonly maxWaitingBatches: number;
  private readonly silentThreadsMs: number;
  /** When a thread last answered, and the timer that checks answers keep coming while some are owed. */
  private lastReplyAt = 0;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    private readonly tokenizer: Tokenizer,
    threadCount: number,
    { maxWaitingBatches = MAX_WAITING_BATCHES, silentThreadsMs = SILENT_THREADS_MS }: ParallelScanOptions = {},
  ) {
    this.maxWaitingBatches = maxWaitingBatches;
    this.silentThreadsMs = silentThreadsMs;
    const analyser: Required<TokenizerOptions> = tokenizer.options;
    this.scannedBatches = new Int32Array(new SharedArrayBuffer(4 * threadCount));
    this.sentBatches = new Array<number>(threadCount).fill(0);
    this.asked = new Array(threadCount).fill(undefined);
    this.workers = Array.from({ length: threadCount }, (_, thread) => {
      const worker = new Worker(workerFile("index-build-worker"));
      worker.on("message", (reply: BuildThreadReply) => {
        this.lastReplyAt = performance.now();
        if ("error" in reply) this.fail(new Error(`BM25 build thread failed: ${reply.error}`));
        else if (reply.kind === "scanned") {
          this.batches[reply.batch] = { run: reply.run, thread };
          this.received++;
          this.settle?.();
        } else {
          const asked = this.asked[thread];
          this.asked[thread] = undefined;
          asked?.resolve(reply);
        }
      });
      worker.on("error", (error) => this.fail(new Error(`BM25 build thread failed: ${error.message}`)));
      worker.on("exit", (code) => this.fail(new Error(`BM25 build thread exited with code ${code}`)));
      worker.postMessage({ kind: "start", analyser, scannedBatches: this.scannedBatches, thread } satisfies BuildThreadRequest);
      // A scan that follows a load may be left unfinished: it must not keep the process alive.
      worker.unref();
      return worker;
    });
  }

  get threadCount(): number {
    return this.workers.length;
  }

  /** How many scanners term ids can come from: the threads, then the calling thread. */
  get scannerCount(): number {
    return this.workers.length + 1;
  }

  /** Hands the next document's text over. */
  add(text: string): void {
    this.pending.push(text);
    if (this.pending.length === TEXTS_PER_BATCH) this.flush();
  }

  /** Every batch's scan, in collection order, once all are in. The threads keep running: stop them after. */
  async scanned(): Promise<ScannedBatch[]> {
    this.flush();
    // Its word table is not needed for the layout.
    this.here = undefined;
    const sent = this.nextBatch;
    for (const worker of this.workers) worker.ref();
    this.watch();
    await new Promise<void>((resolve, reject) => {
      this.settle = () => {
        if (this.failure !== undefined) reject(this.failure);
        else if (this.received === sent) resolve();
      };
      this.settle();
    });
    return this.batches;
  }

  /** Has `thread` count or lay out a part; the scan must be over ({@link scanned}). */
  ask<Kind extends LayoutReply["kind"]>(
    thread: number,
    request: Extract<BuildThreadRequest, { kind: "count" | "lay out" }>,
  ): Promise<Extract<LayoutReply, { kind: Kind }>> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.asked[thread] = { resolve: resolve as (reply: LayoutReply) => void, reject };
      this.workers[thread]!.postMessage(request satisfies BuildThreadRequest);
    });
  }

  /** Stops every thread (after a failed read, nothing will be finished). */
  async stop(): Promise<void> {
    this.settle = undefined;
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.settle?.();
    this.asked.forEach((asked, thread) => {
      this.asked[thread] = undefined;
      asked?.reject(this.failure!);
    });
  }

  /**
   * From now until {@link stop}, fails the build when threads owe answers (batches to scan, parts
   * to count or lay out) and none has come for {@link silentThreadsMs}. Each verdict waits for
   * one turn of the event loop: after this thread's own long work, answers that queued meanwhile
   * are received first.
   */
  private watch(): void {
    this.lastReplyAt = performance.now();
    const check = () => {
      if (this.watchdog === undefined) return;
      const silentMs = performance.now() - this.lastReplyAt;
      const owed = this.received < this.nextBatch || this.asked.some((asked) => asked !== undefined);
      if (owed && silentMs >= this.silentThreadsMs) {
        this.fail(new Error(`BM25 build threads answered nothing for ${this.silentThreadsMs / 1000} s`));
        return;
      }
      this.watchdog = setTimeout(() => setImmediate(check), owed ? this.silentThreadsMs - silentMs : this.silentThreadsMs);
    };
    this.watchdog = setTimeout(() => setImmediate(check), this.silentThreadsMs);
  }

  /** Sends the pending texts to the next thread with room, or scans them here when none has. */
  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.nextBatch++;
    const threadCount = this.workers.length;
    for (let offset = 0; offset < threadCount; offset++) {
      const thread = (batch + offset) % threadCount;
      if (this.sentBatches[thread]! - Atomics.load(this.scannedBatches, thread) >= this.maxWaitingBatches) continue;
      this.workers[thread]!.postMessage({ kind: "texts", batch, texts: this.pending.splice(0) } satisfies BuildThreadRequest);
      this.sentBatches[thread]!++;
      return;
    }
    this.here ??= Bm25IndexBuilder.scanner(this.tokenizer);
    for (const text of this.pending.splice(0)) this.here.addDocument("", 0, text);
    this.batches[batch] = { run: this.here.takeScanned(), thread: threadCount };
    this.received++;
  }
}

/**
 * An index built with its texts analysed in threads: documents are added in collection order
 * (id, row id, text) and their texts go to a {@link ParallelScan}. At the end the scanned
 * batches are split into consecutive parts, one per build thread plus one for this thread, which
 * are laid out at once (posting-layout.ts): first each part's term ids are made the index's and
 * counted, then, each part knowing where its postings start in every list, placed and scored.
 * The index is the one a single thread builds, byte for byte.
 */
export class ThreadedIndexBuild {
  private readonly documentIds: string[] = [];
  private readonly recordRowIds = new GrowableArray(Float64Array);
  private readonly scan: ParallelScan;

  constructor(tokenizer: Tokenizer, threadCount: number, options?: ParallelScanOptions) {
    this.scan = new ParallelScan(tokenizer, threadCount, options);
  }

  /** Adds the next document (its text may be analysed here, see {@link ParallelScan}). */
  add(documentId: string, recordRowId: number, text: string): void {
    this.documentIds.push(documentId);
    this.recordRowIds.push(recordRowId);
    this.scan.add(text);
  }

  /** The index of every document added; the threads are stopped either way. */
  async finish(parameters: Bm25Parameters, collection: string): Promise<Bm25Index> {
    try {
      return await this.layOut(await this.scan.scanned(), parameters, collection);
    } finally {
      await this.scan.stop();
    }
  }

  /** Stops the threads of a build that will not be finished. */
  stop(): Promise<void> {
    return this.scan.stop();
  }

  private async layOut(batches: ScannedBatch[], { k1, b }: Bm25Parameters, collection: string): Promise<Bm25Index> {
    const { vocabulary, termIdsOfScanner } = mergedVocabulary(batches, this.scan.scannerCount);
    const termCount = vocabulary.length;
    const documentCount = this.documentIds.length;
    let totalLength = 0;
    for (const { run } of batches) for (const length of run.documentLengths) totalLength += length;
    const averageDocumentLength = documentCount === 0 ? 0 : totalLength / documentCount;
    const parts = partsOf(batches, this.scan.threadCount + 1);

    const partFrequencies = await this.inParts(parts, (part, thread) =>
      thread === undefined
        ? countedHere(part, termIdsOfScanner, termCount)
        : this.scan.ask<"counted">(thread, { kind: "count", part, termIdsOfScanner, termCount }).then((reply) => reply.documentFrequencies),
    );
    // Each part's postings follow the earlier parts' in every list: its counts become where it starts.
    const documentFrequencies = new Uint32Array(termCount);
    const termOffsets = new Uint32Array(termCount + 1);
    for (let termId = 0; termId < termCount; termId++) {
      let position = termOffsets[termId]!;
      for (const frequencies of partFrequencies) {
        const count = frequencies[termId]!;
        frequencies[termId] = position;
        position += count;
      }
      documentFrequencies[termId] = position - termOffsets[termId]!;
      termOffsets[termId + 1] = position;
    }
    const postingCount = termOffsets[termCount]!;
    // Shared, so every part's thread writes its postings in place (and search threads read them).
    const postings = {
      postingDocuments: new Uint32Array(new SharedArrayBuffer(4 * postingCount)),
      postingScores: new Float32Array(new SharedArrayBuffer(4 * postingCount)),
    };
    const scoring = {
      k1,
      b,
      averageDocumentLength,
      inverseDocumentFrequency: inverseDocumentFrequencies(documentFrequencies, termCount, documentCount),
    };
    const partMaxScores = await this.inParts(parts, (part, thread, index) => {
      const nextPosting = partFrequencies[index]!;
      if (thread !== undefined) {
        return this.scan
          .ask<"laid out">(thread, { kind: "lay out", part, nextPosting, scoring, postings })
          .then((reply) => reply.termMaxScores);
      }
      const termMaxScores = new Float32Array(termCount);
      layOutPostings(part.runs, part.firstDocument, nextPosting, scoring, postings, termMaxScores);
      return termMaxScores;
    });
    return new Bm25Index({
      collection,
      parameters: { k1, b },
      averageDocumentLength,
      documentIds: this.documentIds,
      recordRowIds: this.recordRowIds.toTrimmedArray(),
      vocabulary,
      termOffsets,
      ...postings,
      termMaxScores: largestOf(partMaxScores, termCount),
    });
  }

  /**
   * Runs `work` on every part at once: each part but the last in a build thread (`thread`), the
   * last on this thread (`thread` undefined) meanwhile; the results in part order.
   */
  private async inParts<T>(
    parts: LayoutPart[],
    work: (part: LayoutPart, thread: number | undefined, index: number) => T | Promise<T>,
  ): Promise<T[]> {
    const inThreads = Promise.all(parts.slice(0, -1).map((part, index) => work(part, index, index)));
    // Awaited below; this keeps a thread's failure while this thread works from going unhandled.
    inThreads.catch(() => undefined);
    const last = parts.length - 1;
    const here = last < 0 ? [] : [await work(parts[last]!, undefined, last)];
    return [...(await inThreads), ...here];
  }
}

/**
 * The index's vocabulary: each thread's new terms, batch by batch in collection order, which is
 * the order one builder meets them in; and per scanner (thread), its local term ids mapped to the index's
 * (in shared memory, for the threads that remap).
 */
function mergedVocabulary(
  batches: readonly ScannedBatch[],
  scannerCount: number,
): { vocabulary: string[]; termIdsOfScanner: Uint32Array[] } {
  const vocabulary = new Vocabulary();
  const termIds = Array.from({ length: scannerCount }, (): number[] => []);
  for (const { run, thread } of batches) {
    for (const term of run.newTerms) termIds[thread]!.push(vocabulary.idOf(term));
  }
  return { vocabulary: vocabulary.terms, termIdsOfScanner: termIds.map(sharedCopyOf) };
}

/** Splits the batches into at most `count` parts of consecutive batches with about as many pairs each. */
function partsOf(batches: readonly ScannedBatch[], count: number): LayoutPart[] {
  let pairTotal = 0;
  for (const { run } of batches) pairTotal += run.pairTermIds.length;
  const parts: LayoutPart[] = [];
  let part: LayoutPart | undefined;
  let pairsBefore = 0;
  let documentsBefore = 0;
  for (const { run, thread } of batches) {
    // A new part starts once the parts so far hold their share of the pairs.
    if (part === undefined || (parts.length < count && pairsBefore >= (pairTotal * parts.length) / count)) {
      part = { runs: [], scanners: [], firstDocument: documentsBefore };
      parts.push(part);
    }
    // Without the new terms: the part goes to another thread, which needs only the numbers.
    const { pairTermIds, pairFrequencies, documentPairEnds, documentLengths } = run;
    part.runs.push({ pairTermIds, pairFrequencies, documentPairEnds, documentLengths });
    part.scanners.push(thread);
    pairsBefore += pairTermIds.length;
    documentsBefore += documentLengths.length;
  }
  return parts;
}

function countedHere(part: LayoutPart, termIdsOfScanner: readonly Uint32Array[], termCount: number): Uint32Array {
  const documentFrequencies = new Uint32Array(termCount);
  remapAndCount(part.runs, part.scanners, termIdsOfScanner, documentFrequencies);
  return documentFrequencies;
}

/** Per term, the largest of the parts' maxima: its largest posting score. */
function largestOf(partMaxScores: readonly Float32Array[], termCount: number): Float32Array {
  const termMaxScores = new Float32Array(termCount);
  for (const maxima of partMaxScores) {
    for (let termId = 0; termId < termCount; termId++) {
      if (maxima[termId]! > termMaxScores[termId]!) termMaxScores[termId] = maxima[termId]!;
    }
  }
  return termMaxScores;
}
