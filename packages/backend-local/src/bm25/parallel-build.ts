import { Worker } from "node:worker_threads";
import type { Tokenizer, TokenizerOptions } from "@hardneg/core/adapter";
import { Bm25IndexBuilder, type ScannedDocuments } from "./bm25-index-builder.js";
import type { Bm25Index, Bm25Parameters } from "./bm25-index.js";
import { GrowableArray } from "./growable-array.js";
import { workerFile } from "./worker-file.js";

/** What the reading thread sends a build thread: the analyser, then batches of texts. */
export type BuildThreadRequest =
  | {
      kind: "start";
      analyser: Required<TokenizerOptions>;
      /** Batches each thread has scanned, at its index: the reader's back-pressure. */
      scannedBatches: Int32Array;
      thread: number;
    }
  | { kind: "texts"; batch: number; texts: string[] };

/** A build thread's answer to each batch: what it scanned, or what failed. */
export type BuildThreadReply = { batch: number; run: ScannedDocuments } | { error: string };

/** A batch of documents scanned by one thread, in collection order with the others. */
export interface ScannedBatch {
  run: ScannedDocuments;
  /** Which thread scanned it: its term ids are that thread's (`Bm25IndexBuilder.appendScanned`). */
  thread: number;
}

/** Texts per batch: few enough messages to cost nothing, small enough to keep every thread fed. */
const TEXTS_PER_BATCH = 1_000;
/**
 * Batches a thread may have waiting: reading outpaces analysing, and without a bound the texts
 * of most of the corpus would wait in the queues (260 MB more at 1M documents).
 */
const MAX_WAITING_BATCHES = 4;
/** No batch scanned for this long means a thread has died (its exit event cannot arrive while reading blocks). */
const STALLED_THREAD_MS = 60_000;

/**
 * Analyses a collection's texts in several threads while the caller reads them: batches of
 * consecutive documents go to the threads in turn, each thread keeps one vocabulary across its
 * batches, and the batches, appended in order (`Bm25IndexBuilder.appendScanned`), give exactly
 * the one-thread index. Reading runs in a synchronous transaction, so a full queue blocks it
 * (`Atomics.wait`) until its thread catches up.
 */
export class ParallelScan {
  private readonly workers: Worker[];
  private readonly scannedBatches: Int32Array;
  private readonly sentBatches: number[];
  private readonly batches: ScannedBatch[] = [];
  private readonly pending: string[] = [];
  private received = 0;
  private failure: Error | undefined;
  private settle: (() => void) | undefined;

  constructor(analyser: Required<TokenizerOptions>, threadCount: number) {
    this.scannedBatches = new Int32Array(new SharedArrayBuffer(4 * threadCount));
    this.sentBatches = new Array<number>(threadCount).fill(0);
    this.workers = Array.from({ length: threadCount }, (_, thread) => {
      const worker = new Worker(workerFile("index-build-worker"));
      worker.on("message", (reply: BuildThreadReply) => {
        if ("error" in reply) this.fail(new Error(`BM25 build thread failed: ${reply.error}`));
        else {
          this.batches[reply.batch] = { run: reply.run, thread };
          this.received++;
          this.settle?.();
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

  /** Hands the next document's text over. */
  add(text: string): void {
    this.pending.push(text);
    if (this.pending.length === TEXTS_PER_BATCH) this.flush();
  }

  /** Every batch's scan, in collection order; the threads are stopped either way. */
  async finish(): Promise<ScannedBatch[]> {
    this.flush();
    const sent = this.sentBatches.reduce((sum, count) => sum + count, 0);
    for (const worker of this.workers) worker.ref();
    try {
      await new Promise<void>((resolve, reject) => {
        this.settle = () => {
          if (this.failure !== undefined) reject(this.failure);
          else if (this.received === sent) resolve();
        };
        this.settle();
      });
      return this.batches;
    } finally {
      await this.stop();
    }
  }

  /** Stops every thread (after a failed read, nothing will be finished). */
  async stop(): Promise<void> {
    this.settle = undefined;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.settle?.();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.sentBatches.reduce((sum, count) => sum + count, 0);
    const thread = batch % this.workers.length;
    let waitedMs = 0;
    while (this.sentBatches[thread]! - Atomics.load(this.scannedBatches, thread) >= MAX_WAITING_BATCHES) {
      const seen = Atomics.load(this.scannedBatches, thread);
      waitedMs = Atomics.wait(this.scannedBatches, thread, seen, 1_000) === "timed-out" ? waitedMs + 1_000 : 0;
      if (waitedMs >= STALLED_THREAD_MS) throw new Error(`BM25 build thread ${thread} scanned nothing for ${STALLED_THREAD_MS / 1000} s`);
    }
    this.workers[thread]!.postMessage({ kind: "texts", batch, texts: this.pending.splice(0) } satisfies BuildThreadRequest);
    this.sentBatches[thread]!++;
  }
}

/**
 * An index built with its texts analysed in threads: documents are added in collection order
 * (id, row id, text), the texts go to a {@link ParallelScan}, and at the end its batches,
 * appended in order, give the same index as one thread building it.
 */
export class ThreadedIndexBuild {
  private readonly documentIds: string[] = [];
  private readonly recordRowIds = new GrowableArray(Float64Array);
  private readonly scan: ParallelScan;

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly threadCount: number,
  ) {
    this.scan = new ParallelScan(tokenizer.options, threadCount);
  }

  /** Adds the next document; may wait for a thread to catch up (see {@link ParallelScan}). */
  add(documentId: string, recordRowId: number, text: string): void {
    this.documentIds.push(documentId);
    this.recordRowIds.push(recordRowId);
    this.scan.add(text);
  }

  /** The index of every document added; the threads are stopped either way. */
  async finish(parameters: Bm25Parameters, collection: string): Promise<Bm25Index> {
    const batches = await this.scan.finish();
    const builder = new Bm25IndexBuilder(this.tokenizer, parameters, collection);
    const recordRowIds = this.recordRowIds.view();
    const termIdsOfThread = Array.from({ length: this.threadCount }, (): number[] => []);
    let first = 0;
    for (const { run, thread } of batches) {
      const end = first + run.documentLengths.length;
      builder.appendScanned(run, this.documentIds.slice(first, end), recordRowIds.subarray(first, end), termIdsOfThread[thread]!);
      first = end;
    }
    return builder.finish();
  }

  /** Stops the threads of a build that will not be finished. */
  stop(): Promise<void> {
    return this.scan.stop();
  }
}
