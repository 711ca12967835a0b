/**
 * A search thread's entry point (see search-threads.ts). It receives an index's posting lists
 * once, over shared memory, then answers batches of BM25 top-k queries with its own scorer, so
 * results are computed by the very code the backend's own thread runs.
 */
import { parentPort } from "node:worker_threads";
import { Bm25Scorer } from "./bm25-scorer.js";
import type { SearchThreadReply, SearchThreadRequest } from "./search-threads.js";
import { errorText } from "./worker-file.js";

const port = parentPort!;
/** The lists of the latest index sent; the pool sends the index again before switching. */
let current: { listsKey: number; scorer: Bm25Scorer } | undefined;

port.on("message", (request: SearchThreadRequest) => {
  if (request.kind === "lists") {
    current = { listsKey: request.listsKey, scorer: new Bm25Scorer(request.lists) };
    return;
  }
  let reply: SearchThreadReply;
  try {
    if (current?.listsKey !== request.listsKey) throw new Error(`search thread holds no index ${request.listsKey}`);
    reply = { job: request.job, ...searchAll(current.scorer, request) };
  } catch (error) {
    reply = { job: request.job, error: errorText(error) };
  }
  const transfer = "counts" in reply ? [reply.counts.buffer, reply.documentIndexes.buffer, reply.scores.buffer] : [];
  port.postMessage(reply, transfer as ArrayBuffer[]);
});

/** Runs each query of the batch and packs the ranked lists end to end, with each list's length. */
function searchAll(scorer: Bm25Scorer, request: Extract<SearchThreadRequest, { kind: "search" }>) {
  const { termIds, termEnds, k, strategy } = request;
  const counts = new Uint32Array(termEnds.length);
  const lists = [];
  let total = 0;
  let start = 0;
  for (let query = 0; query < termEnds.length; query++) {
    const end = termEnds[query]!;
    const ranked = scorer.search(Array.from(termIds.subarray(start, end)), k, strategy);
    start = end;
    counts[query] = ranked.documentIndexes.length;
    total += ranked.documentIndexes.length;
    lists.push(ranked);
  }
  const documentIndexes = new Uint32Array(total);
  const scores = new Float32Array(total);
  let offset = 0;
  for (const ranked of lists) {
    documentIndexes.set(ranked.documentIndexes, offset);
    scores.set(ranked.scores, offset);
    offset += ranked.documentIndexes.length;
  }
  return { counts, documentIndexes, scores };
}
