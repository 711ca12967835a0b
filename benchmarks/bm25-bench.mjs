// BM25 benchmark of @hardneg/backend-local: SciFact (quality + speed) and a synthetic corpus
// (scale). Build the packages first (`pnpm build`), then, from this folder:
//   node --expose-gc bm25-bench.mjs                         # SciFact, then 1,000,000 synthetic docs
//   node --expose-gc bm25-bench.mjs --dataset scifact
//   node --expose-gc bm25-bench.mjs --dataset synthetic --docs 100000 --queries 2000
//   node --expose-gc bm25-bench.mjs --dataset synthetic --work results/bm25-work   # keeps and reuses the databases
// Peak RSS is the process peak so far (process.resourceUsage().maxRSS): run one dataset per
// process for a clean figure.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { openLocalBackend } from "@hardneg/backend-local";
import { MetricsAccumulator } from "@hardneg/core";
import { createSyntheticCorpus, SYNTHETIC_ARGUMENTS, syntheticOptionsFrom } from "./synthetic-corpus.mjs";

const { values } = parseArgs({
  options: {
    ...SYNTHETIC_ARGUMENTS,
    dataset: { type: "string", default: "all" },
    passes: { type: "string", default: "5" },
    "batch-size": { type: "string", default: "256" },
    "load-batch": { type: "string", default: "10000" },
    keep: { type: "boolean", default: false },
    work: { type: "string" },
  },
});
const passes = Number(values.passes);
const batchSize = Number(values["batch-size"]);
const repositoryRoot = resolve(fileURLToPath(import.meta.url), "../..");
const scifactDirectory = resolve(repositoryRoot, "../shared/datasets/scifact");
// --work: a folder kept between runs; a database already in it is reused (no load, no index build).
const workDirectory = values.work === undefined ? mkdtempSync(join(tmpdir(), "hardneg-bm25-bench-")) : resolve(values.work);
mkdirSync(workDirectory, { recursive: true });
const keepWork = values.keep || values.work !== undefined;
/** The target: search alone, pool of 100, on the 1,000,000-document corpus. */
const POOL_TARGET_QUERIES_PER_SECOND = 1000;
const POOL = 100;

const peakRssMiB = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);
const median = (numbers) => [...numbers].sort((left, right) => left - right)[Math.floor(numbers.length / 2)];
// NaN: a database kept by --work and reused, so nothing was loaded.
const seconds = (milliseconds) => (Number.isNaN(milliseconds) ? "reused (--work)" : `${(milliseconds / 1000).toFixed(2)} s`);
const collectGarbage = () => globalThis.gc?.();

function report(title, rows) {
  console.log(`\n## ${title}`);
  for (const [name, value] of rows) console.log(`${name.padEnd(34)} ${value}`);
}

/** Runs every request in batches of `batchSize` (core's default batch), returns the hit lists. */
async function searchAll(backend, target, requests, k) {
  const results = [];
  for (let start = 0; start < requests.length; start += batchSize)
    results.push(...(await backend.search(target, requests.slice(start, start + batchSize), { mode: "bm25", k })));
  return results;
}

/** Queries per second: one warm-up pass, then the median of `passes` timed passes. */
async function queriesPerSecond(backend, target, requests, k) {
  await searchAll(backend, target, requests, k);
  const rates = [];
  for (let pass = 0; pass < passes; pass++) {
    const started = performance.now();
    await searchAll(backend, target, requests, k);
    rates.push(requests.length / ((performance.now() - started) / 1000));
  }
  return median(rates);
}

/**
 * Pool of 100 (k = 100), search alone, exhaustive vs pruned top k: the two are timed in
 * alternation within each pass (so machine noise hits both alike), medians reported. Also checks
 * that both return the same hits.
 */
async function poolRates(backend, target, requests) {
  const run = (strategy, subset = requests) => {
    backend.driver.bm25TopK = strategy;
    return searchAll(backend, target, subset, POOL);
  };
  // Warm-up for both paths, and the same-hits check, one batch at a time (holding every hit
  // list twice would inflate the peak RSS this script reports).
  let sameHits = true;
  for (let start = 0; start < requests.length; start += batchSize) {
    const batch = requests.slice(start, start + batchSize);
    const [exhaustiveHits, prunedHits] = [await run("exhaustive", batch), await run("pruned", batch)];
    if (JSON.stringify(exhaustiveHits) !== JSON.stringify(prunedHits)) sameHits = false;
  }
  const rates = { exhaustive: [], pruned: [], auto: [] };
  for (let pass = 0; pass < passes; pass++) {
    const order = pass % 2 === 0 ? ["exhaustive", "pruned", "auto"] : ["auto", "pruned", "exhaustive"];
    for (const strategy of order) {
      const started = performance.now();
      await run(strategy);
      rates[strategy].push(requests.length / ((performance.now() - started) / 1000));
    }
  }
  backend.driver.bm25TopK = "auto";
  return { sameHits, exhaustive: median(rates.exhaustive), pruned: median(rates.pruned), auto: median(rates.auto) };
}

function poolRows(pool, target) {
  const versus = target === undefined ? "" : ` (target ≥ ${target})`;
  return [
    [`pool of ${POOL}: queries/s exhaustive`, pool.exhaustive.toFixed(1)],
    [`pool of ${POOL}: queries/s pruned`, `${pool.pruned.toFixed(1)}${versus}, ×${(pool.pruned / pool.exhaustive).toFixed(2)}`],
    [`pool of ${POOL}: queries/s auto`, `${pool.auto.toFixed(1)}${versus}`],
    [`pool of ${POOL}: pruned hits == exhaustive`, pool.sameHits ? "yes" : "NO"],
  ];
}

/** Loads rows into a database file; the time includes reading or generating the rows. A kept database is reused. */
async function loadDatabase(name, rows, target, file = `${name}.db`) {
  const path = join(workDirectory, file);
  if (existsSync(path)) return { path, backend: await openLocalBackend(path), loadMilliseconds: Number.NaN };
  const backend = await openLocalBackend(path);
  await backend.createCollection({ name, kind: "documents", target });
  const started = performance.now();
  let batch = [];
  for (const row of rows) {
    batch.push({ id: row._id, properties: { doc_id: row._id, title: row.title, text: row.text } });
    if (batch.length === Number(values["load-batch"])) {
      await backend.upsert(name, batch);
      batch = [];
    }
  }
  if (batch.length > 0) await backend.upsert(name, batch);
  const loadMilliseconds = performance.now() - started;
  return { path, backend, loadMilliseconds };
}

function indexBytes(path) {
  const directory = `${path}.bm25`;
  return readdirSync(directory).reduce((total, file) => total + statSync(join(directory, file)).size, 0);
}

async function benchScifact() {
  if (!existsSync(join(scifactDirectory, "corpus.jsonl"))) {
    console.warn(`SciFact skipped: ${scifactDirectory} is absent`);
    return;
  }
  const target = { collection: "scifact", idKey: "doc_id", contentKey: "text", titleKey: "title" };
  const lines = (file) =>
    readFileSync(join(scifactDirectory, file), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "");
  const {
    path,
    backend: loader,
    loadMilliseconds,
  } = await loadDatabase(
    "scifact",
    lines("corpus.jsonl").map((line) => JSON.parse(line)),
    target,
  );
  const build = await loader.driver.prepareIndex(target);
  await loader.close();

  const backend = await openLocalBackend(path);
  const reload = await backend.driver.prepareIndex(target);
  const queryText = new Map(
    lines("queries.jsonl")
      .map((line) => JSON.parse(line))
      .map((query) => [query._id, query.text]),
  );
  const grades = new Map();
  for (const line of lines("qrels/test.tsv").slice(1)) {
    const [queryId, documentId, grade] = line.split("\t");
    if (!grades.has(queryId)) grades.set(queryId, new Map());
    grades.get(queryId).set(documentId, Number(grade));
  }
  const queryIds = [...grades.keys()];
  const requests = queryIds.map((id) => ({ text: queryText.get(id) }));
  const metrics = new MetricsAccumulator();
  (await searchAll(backend, target, requests, 100)).forEach((hits, position) => {
    metrics.add(
      hits.map((hit) => hit.id),
      grades.get(queryIds[position]),
    );
  });
  const summary = metrics.summary();
  const batched = await queriesPerSecond(backend, target, requests, 10);
  // One request per call: what a caller that does not batch would see.
  const single = await queriesPerSecond(
    { search: (t, r, o) => Promise.all(r.map((request) => backend.search(t, [request], o).then(([hits]) => hits))) },
    target,
    requests,
    10,
  );
  const pool = await poolRates(backend, target, requests);
  await backend.close();
  report(`SciFact (${build.documentCount} docs, ${requests.length} test queries, top 10)`, [
    ["SQLite load", seconds(loadMilliseconds)],
    ["index build", `${build.source}, ${seconds(build.milliseconds)}`],
    ["index reload (new backend)", `${reload.source}, ${seconds(reload.milliseconds)}`],
    ["index size", `${(indexBytes(path) / 2 ** 20).toFixed(1)} MiB, ${build.termCount} terms, ${build.postingCount} postings`],
    ["queries/s (batches of 256)", batched.toFixed(0)],
    ["queries/s (one per call)", single.toFixed(0)],
    ["nDCG@10", summary.ndcg_at_10.toFixed(4)],
    ["Recall@100", summary.recall_at_pool.toFixed(4)],
    ...poolRows(pool),
    ["peak RSS so far", `${peakRssMiB()} MiB`],
  ]);
}

async function benchSynthetic() {
  const corpus = createSyntheticCorpus(syntheticOptionsFrom(values));
  const { docs, queries: queryCount, vocabulary } = corpus.settings;
  const target = { collection: "synthetic", idKey: "doc_id", contentKey: "text" };
  // Named by its settings, so a kept work folder never serves a corpus of other settings.
  const file = `synthetic-${docs}-${vocabulary}-${corpus.settings.seed}.db`;
  const { path, backend: loader, loadMilliseconds } = await loadDatabase("synthetic", corpus.documents(), target, file);
  console.log(`synthetic: loaded ${docs} documents into SQLite in ${seconds(loadMilliseconds)}; peak RSS ${peakRssMiB()} MiB`);
  await loader.close();
  collectGarbage();

  // A fresh backend, so the build reads from the file like any later process would.
  const builder = await openLocalBackend(path);
  const build = await builder.driver.prepareIndex(target);
  const peakAfterBuild = peakRssMiB();
  console.log(`synthetic: index ${build.source} in ${seconds(build.milliseconds)}; peak RSS ${peakAfterBuild} MiB`);
  await builder.close();
  collectGarbage();

  const backend = await openLocalBackend(path);
  const reload = await backend.driver.prepareIndex(target);
  const queries = corpus.queries();
  const requests = queries.map(({ text }) => ({ text }));
  const rate = await queriesPerSecond(backend, target, requests, 10);
  const pool = await poolRates(backend, target, requests);
  let goldInTop10 = 0;
  (await searchAll(backend, target, requests, 10)).forEach((hits, position) => {
    if (hits.some((hit) => hit.id === queries[position].goldId)) goldInTop10++;
  });
  await backend.close();
  report(`synthetic (${docs} docs, vocabulary ${vocabulary}, ${queryCount} queries, top 10)`, [
    ["SQLite load (incl. generation)", seconds(loadMilliseconds)],
    ["index build", `${build.source}, ${seconds(build.milliseconds)}`],
    ["index reload", `${reload.source}, ${seconds(reload.milliseconds)}`],
    ["index size", `${(indexBytes(path) / 2 ** 20).toFixed(1)} MiB, ${build.termCount} terms, ${build.postingCount} postings`],
    ["queries/s (batches of 256)", rate.toFixed(1)],
    ...poolRows(pool, docs === 1_000_000 ? POOL_TARGET_QUERIES_PER_SECOND : undefined),
    ["source document in top 10", `${((100 * goldInTop10) / queries.length).toFixed(1)} %`],
    ["peak RSS after build", `${peakAfterBuild} MiB`],
    ["peak RSS (whole run)", `${peakRssMiB()} MiB`],
  ]);
}

try {
  console.log(`node ${process.version}, ${passes} timed passes after one warm-up, work folder ${workDirectory}`);
  if (values.dataset === "all" || values.dataset === "scifact") await benchScifact();
  if (values.dataset === "all" || values.dataset === "synthetic") await benchSynthetic();
} finally {
  if (keepWork) console.log(`kept ${workDirectory}`);
  else rmSync(workDirectory, { recursive: true, force: true });
}
