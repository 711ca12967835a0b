/**
 * A build thread's entry point (see parallel-build.ts): it analyses batches of texts with the
 * collection's analyser and answers each with what it scanned, term ids local to this thread;
 * then it counts and lays out a part of the postings. The same code runs here as in a
 * one-thread build.
 */
import { parentPort } from "node:worker_threads";
import { Tokenizer } from "@hardneg/core/adapter";
import { Bm25IndexBuilder } from "./bm25-index-builder.js";
import type { BuildThreadReply, BuildThreadRequest } from "./parallel-build.js";
import { layOutPostings, remapAndCount } from "./posting-layout.js";
import { errorText } from "./worker-file.js";

const port = parentPort!;
let builder: Bm25IndexBuilder | undefined;
let progress: { scannedBatches: Int32Array; thread: number } | undefined;

port.on("message", (request: BuildThreadRequest) => {
  try {
    switch (request.kind) {
      case "start":
        builder = Bm25IndexBuilder.scanner(new Tokenizer(request.analyser));
        progress = { scannedBatches: request.scannedBatches, thread: request.thread };
        return;
      case "texts": {
        for (const text of request.texts) builder!.addDocument("", 0, text);
        // In shared memory (takeScanned): sent without a copy.
        port.postMessage({ kind: "scanned", batch: request.batch, run: builder!.takeScanned() } satisfies BuildThreadReply);
        // Frees a place in this thread's queue, which the reading thread checks before sending it more.
        Atomics.add(progress!.scannedBatches, progress!.thread, 1);
        return;
      }
      case "count": {
        // The scan is over: its word tables can go before the layout needs the memory.
        builder = undefined;
        const documentFrequencies = new Uint32Array(request.termCount);
        remapAndCount(request.part.runs, request.part.scanners, request.termIdsOfScanner, documentFrequencies);
        port.postMessage({ kind: "counted", documentFrequencies } satisfies BuildThreadReply, [documentFrequencies.buffer]);
        return;
      }
      case "lay out": {
        const { part, nextPosting, scoring, postings } = request;
        const termMaxScores = new Float32Array(nextPosting.length);
        layOutPostings(part.runs, part.firstDocument, nextPosting, scoring, postings, termMaxScores);
        port.postMessage({ kind: "laid out", termMaxScores } satisfies BuildThreadReply, [termMaxScores.buffer]);
        return;
      }
    }
  } catch (error) {
    port.postMessage({ error: errorText(error) } satisfies BuildThreadReply);
  }
});
