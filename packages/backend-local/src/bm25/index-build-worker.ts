/**
 * A build thread's entry point (see parallel-build.ts): it analyses batches of texts with the
 * collection's analyser and answers each with what it scanned, term ids local to this thread.
 * The same builder code scans here as in a one-thread build.
 */
import { parentPort } from "node:worker_threads";
import { Tokenizer } from "@hardneg/core/adapter";
import { Bm25IndexBuilder } from "./bm25-index-builder.js";
import type { BuildThreadReply, BuildThreadRequest } from "./parallel-build.js";
import { errorText } from "./worker-file.js";

const port = parentPort!;
let builder: Bm25IndexBuilder | undefined;
let progress: { scannedBatches: Int32Array; thread: number } | undefined;

port.on("message", (request: BuildThreadRequest) => {
  try {
    if (request.kind === "start") {
      // Only the scan runs here: BM25 parameters and document ids are the reading thread's business.
      builder = new Bm25IndexBuilder(new Tokenizer(request.analyser), { k1: 0, b: 0 }, "");
      progress = { scannedBatches: request.scannedBatches, thread: request.thread };
      return;
    }
    for (const text of request.texts) builder!.addDocument("", 0, text);
    const run = builder!.takeScanned();
    const buffers = [run.pairTermIds, run.pairFrequencies, run.documentPairEnds, run.documentLengths].map(
      (array) => array.buffer as ArrayBuffer,
    );
    port.postMessage({ batch: request.batch, run } satisfies BuildThreadReply, buffers);
    // Tells the reading thread, which may be waiting for room in this thread's queue.
    Atomics.add(progress!.scannedBatches, progress!.thread, 1);
    Atomics.notify(progress!.scannedBatches, progress!.thread);
  } catch (error) {
    port.postMessage({ error: errorText(error) } satisfies BuildThreadReply);
  }
});
