import { Worker } from "node:worker_threads";
import type { PostingLists, TopKStrategy } from "./bm25-scorer.js";
import type { RankedDocuments } from "./top-k.js";
import { workerFile } from "./worker-file.js";

/** What the backend's thread sends a search thread: an index's lists (once), or a batch of queries. */
export type SearchThreadRequest =
  | { kind: "lists"; listsKey: number; lists: PostingLists }
  | {
      kind: "search";
      job: number;
      listsKey: number;
      /** Every query's term ids end to end; query i's are `termIds[termEnds[i - 1] .. termEnds[i]]`. */
      termIds: Uint32Array<ArrayBuffer>;
      termEnds: Uint32Array<ArrayBuffer>;
      k: number;
      strategy: TopKStrategy;
    };

/** A search thread's answer: every query's ranked list end to end, with each list's length; or what failed. */
export type SearchThreadReply =
  | { job: number; counts: Uint32Array; documentIndexes: Uint32Array; scores: Float32Array }
  | { job: number; error: string };

/** Fewer queries than this per job cost more in messages than a second thread gains. */
const MIN_QUERIES_PER_JOB = 8;

const WORKER_FILE = workerFile("search-worker");

interface Job {
  request: Extract<SearchThreadRequest, { kind: "search" }>;
  /** Kept apart: the request's arrays are transferred to the thread, which empties them here. */
  queryCount: number;
  lists: PostingLists;
  resolve: (ranked: RankedDocuments[]) => void;
  reject: (error: Error) => void;
}

interface SearchThread {
  worker: Worker;
  /** The lists the thread holds, so each index is sent to a thread once. */
  listsKey: number | undefined;
  job: Job | undefined;
}

/**
 * A fixed number of worker threads that run BM25 top-k searches over shared posting lists
 * (`SharedArrayBuffer`s: no copy per thread). A batch is split into up to one job per thread,
 * jobs wait in a queue while every thread is busy, and results come back in query order. The
 * caller bounds the queue: each `search` call is one batch the caller awaits (mining keeps
 * `--concurrency` batches in flight). Threads start on first use and, while idle, do not keep
 * the process alive.
 */
export class SearchThreads {
  private readonly threads: SearchThread[] = [];
  private readonly queue: Job[] = [];
  private readonly keyOfLists = new WeakMap<PostingLists, number>();
  private nextListsKey = 0;
  private nextJob = 0;
  private closed = false;

  constructor(readonly size: number) {}

  /** The top `k` of each query (its term ids), in query order, as `Bm25Scorer.search` gives them. */
  search(lists: PostingLists, queries: readonly (readonly number[])[], k: number, strategy: TopKStrategy): Promise<RankedDocuments[]> {
    if (this.closed) return Promise.reject(new Error("search threads are closed"));
    if (queries.length === 0) return Promise.resolve([]);
    const jobCount = Math.max(1, Math.min(this.size, Math.ceil(queries.length / MIN_QUERIES_PER_JOB)));
    const perJob = Math.ceil(queries.length / jobCount);
    const jobs: Promise<RankedDocuments[]>[] = [];
    for (let start = 0; start < queries.length; start += perJob) {
      jobs.push(this.enqueue(lists, queries.slice(start, start + perJob), k, strategy));
    }
    return Promise.all(jobs).then((parts) => parts.flat());
  }

  /** Stops every thread; searches still queued or running fail. */
  async close(): Promise<void> {
    this.closed = true;
    const stopped = new Error("search threads are closed");
    for (const job of this.queue.splice(0)) job.reject(stopped);
    await Promise.all(
      this.threads.splice(0).map((thread) => {
        thread.job?.reject(stopped);
        return thread.worker.terminate();
      }),
    );
  }

  private enqueue(
    lists: PostingLists,
    queries: readonly (readonly number[])[],
    k: number,
    strategy: TopKStrategy,
  ): Promise<RankedDocuments[]> {
    const termEnds = new Uint32Array(queries.length);
    let termCount = 0;
    queries.forEach((ids, query) => {
      termCount += ids.length;
      termEnds[query] = termCount;
    });
    const termIds = new Uint32Array(termCount);
    queries.forEach((ids, query) => {
      termIds.set(ids, termEnds[query]! - ids.length);
    });
    return new Promise((resolve, reject) => {
      const request = { kind: "search", job: this.nextJob++, listsKey: this.keyOf(lists), termIds, termEnds, k, strategy } as const;
      this.queue.push({ request, queryCount: queries.length, lists, resolve, reject });
      this.dispatch();
    });
  }

  /** Hands queued jobs to idle threads, starting threads up to `size`. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      const thread = this.threads.find((candidate) => candidate.job === undefined) ?? this.startThread();
      if (thread === undefined) return;
      const job = this.queue.shift()!;
      thread.job = job;
      if (thread.listsKey !== job.request.listsKey) {
        thread.worker.postMessage({ kind: "lists", listsKey: job.request.listsKey, lists: job.lists } satisfies SearchThreadRequest);
        thread.listsKey = job.request.listsKey;
      }
      thread.worker.ref();
      thread.worker.postMessage(job.request, [job.request.termIds.buffer, job.request.termEnds.buffer]);
    }
  }

  private startThread(): SearchThread | undefined {
    if (this.threads.length >= this.size) return undefined;
    const thread: SearchThread = { worker: new Worker(WORKER_FILE), listsKey: undefined, job: undefined };
    thread.worker.on("message", (reply: SearchThreadReply) => {
      const job = thread.job;
      thread.job = undefined;
      thread.worker.unref();
      if (job?.request.job === reply.job) {
        if ("error" in reply) job.reject(new Error(`BM25 search thread failed: ${reply.error}`));
        else job.resolve(unpack(reply, job.queryCount));
      }
      this.dispatch();
    });
    // A thread that dies takes its job with it; the others go on, and a new thread replaces it.
    const lose = (error: Error) => {
      const index = this.threads.indexOf(thread);
      if (index < 0) return;
      this.threads.splice(index, 1);
      thread.job?.reject(error);
      thread.job = undefined;
      if (!this.closed) this.dispatch();
    };
    thread.worker.on("error", (error) => lose(new Error(`BM25 search thread failed: ${error.message}`)));
    thread.worker.on("exit", (code) => lose(new Error(`BM25 search thread exited with code ${code}`)));
    this.threads.push(thread);
    return thread;
  }

  private keyOf(lists: PostingLists): number {
    let key = this.keyOfLists.get(lists);
    if (key === undefined) {
      key = this.nextListsKey++;
      this.keyOfLists.set(lists, key);
    }
    return key;
  }
}

/** Splits a reply's packed lists back into one ranked list per query. */
function unpack(reply: Extract<SearchThreadReply, { counts: Uint32Array }>, queryCount: number): RankedDocuments[] {
  const ranked: RankedDocuments[] = [];
  let offset = 0;
  for (let query = 0; query < queryCount; query++) {
    const count = reply.counts[query]!;
    ranked.push({
      documentIndexes: reply.documentIndexes.subarray(offset, offset + count),
      scores: reply.scores.subarray(offset, offset + count),
    });
    offset += count;
  }
  return ranked;
}
