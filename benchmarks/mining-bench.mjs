// Whole-process benchmark of the main job (load a BEIR folder, mine 5 negatives per query) with
// the hardneg CLI on the local engine, plus the overhead of mining over the engine's own search.
//
//   node mining-bench.mjs                          # SciFact train from ../shared (next to the repo)
//   node mining-bench.mjs --synthetic --docs 1000000 --queries 10000
//
// Process wall times include Node start-up; peak RSS is each process's own maximum resident set.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { openLocalBackend } from "@hardneg/backend-local";
import {
  chunked,
  DocsCollection,
  forEachConcurrently,
  HardNegativesCollection,
  mine,
  QueriesCollection,
  sampleQueries,
} from "@hardneg/core";
import { SYNTHETIC_ARGUMENTS } from "./synthetic-corpus.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const cli = resolve(here, "../packages/cli/dist/main.js");
const { values } = parseArgs({
  options: {
    synthetic: { type: "boolean", default: false },
    work: { type: "string", default: join(here, "results") },
    ...SYNTHETIC_ARGUMENTS,
  },
});

mkdirSync(values.work, { recursive: true });
let dataset;
let split;
if (values.synthetic) {
  dataset = join(values.work, `synthetic-${values.docs}`);
  split = "test";
  if (!existsSync(join(dataset, "corpus.jsonl"))) {
    console.log(`writing the synthetic corpus to ${dataset} ...`);
    execFileSync(
      process.execPath,
      [join(here, "synthetic-corpus.mjs"), "--docs", values.docs, "--queries", values.queries, "--seed", values.seed, "--out", dataset],
      { stdio: "inherit" },
    );
  }
} else {
  dataset = resolve(here, "../../shared/datasets/scifact");
  split = "train";
  if (!existsSync(dataset)) {
    console.log(`SciFact not found at ${dataset}; nothing to measure`);
    process.exit(0);
  }
}

const database = join(values.work, "mining-bench.db");
const rssFile = join(values.work, "peak-rss.jsonl");
for (const file of [database, `${database}-wal`, `${database}-shm`, rssFile]) rmSync(file, { force: true });
rmSync(`${database}.bm25`, { recursive: true, force: true });

/** Runs the CLI as its own process and returns its wall time (Node start-up included) and peak RSS. */
function timedCli(args) {
  rmSync(rssFile, { force: true });
  const started = performance.now();
  const output = execFileSync(
    process.execPath,
    ["--import", join(here, "measure-peak-rss.mjs"), cli, ...args, "--engine", `local:${database}`, "--json"],
    {
      env: { ...process.env, PEAK_RSS_FILE: rssFile },
      encoding: "utf8",
      maxBuffer: 1 << 26,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  return { seconds, peakRssMiB: JSON.parse(readFileSync(rssFile, "utf8").trim()).peakRssMiB, result: JSON.parse(output) };
}

const name = values.synthetic ? "synthetic" : "scifact";
const load = timedCli(["load", "beir", dataset, "--split", split, "--docs-collection", name, "--queries-collection", `${name}-${split}`]);
const mined = timedCli([
  "mine",
  "--docs-collection",
  name,
  "--queries-collection",
  `${name}-${split}`,
  "--out-collection",
  "negatives",
  "--negatives-per-query",
  "5",
]);

// In one process, with the index already built: the engine's own search time for the same
// queries and pool size, on the main thread and in search threads (the default from 1M postings),
// against a full mining run (search, gold scores, texts, selection, writes). Batches of 64, two in
// flight, as `mine` sends them by default.
const docs = new DocsCollection({ collectionName: name, titleKey: "title" });
const queries = new QueriesCollection({ collectionName: `${name}-${split}` });
const mainThreadEngine = await openLocalBackend(database, { searchThreads: 0 });
const engine = await openLocalBackend(database);
const sampled = await sampleQueries(engine, queries, { limit: Infinity, sampling: "first", seed: 42 });
const batches = chunked(
  sampled.queries.map((query) => ({ text: query.text })),
  64,
);
/** Seconds to search every batch, two batches in flight. */
async function searchSeconds(searching) {
  await searching.search(docs.target, batches[0].slice(0, 8), { mode: "bm25", k: 100 });
  const started = performance.now();
  await forEachConcurrently(batches, 2, (batch) => searching.search(docs.target, batch, { mode: "bm25", k: 100 }));
  return (performance.now() - started) / 1000;
}
const mainThreadSeconds = await searchSeconds(mainThreadEngine);
await mainThreadEngine.close();
const threadedSeconds = await searchSeconds(engine);
const threads = engine.driver.lastSearchThreads;
const started = performance.now();
const report = await mine({
  backend: engine,
  docsCollection: docs,
  queriesCollection: queries,
  hardNegativesCollection: new HardNegativesCollection({ collectionName: "negatives-in-process" }),
  negativesPerQuery: 5,
});
const mineSeconds = (performance.now() - started) / 1000;
await engine.close();

const format = (seconds) => `${seconds.toFixed(2)} s`;
console.log(`dataset: ${name} (${load.result.documents} documents, ${load.result.queries} ${split} queries)`);
console.log(`hardneg load beir (process):  ${format(load.seconds)}, peak RSS ${load.peakRssMiB.toFixed(0)} MiB`);
console.log(
  `hardneg mine, 5/query (process; load built the BM25 index): ${format(mined.seconds)}, ` +
    `peak RSS ${mined.peakRssMiB.toFixed(0)} MiB, rows ${mined.result.rows_written}`,
);
// Issue 12's targets at 1M documents and 10k queries: ten times faster than bm25s's 513 s, under 2 GiB, 1,000 q/s searching.
const atTarget = values.synthetic && Number(values.docs) === 1_000_000;
const beside = (text) => (atTarget ? `  (target: ${text})` : "");
const peakRss = Math.max(load.peakRssMiB, mined.peakRssMiB);
console.log(
  `whole job (load + mine): ${format(load.seconds + mined.seconds)}${beside("at most 51 s")}, ` +
    `peak RSS ${peakRss.toFixed(0)} MiB${beside("under 2,048 MiB")}`,
);
const perSecond = (seconds) => (sampled.queries.length / seconds).toFixed(0);
console.log(
  `in-process, index loaded, k=100: engine search only on the main thread ${format(mainThreadSeconds)} ` +
    `(${perSecond(mainThreadSeconds)} q/s); in ${threads} search thread(s) ${format(threadedSeconds)} ` +
    `(${perSecond(threadedSeconds)} q/s${beside("at least 1,000 q/s")})`,
);
console.log(
  `in-process full mining run ${format(mineSeconds)}; overhead ×${(mineSeconds / threadedSeconds).toFixed(2)} ` +
    `over the threaded search (rows ${report.rows_written})`,
);
