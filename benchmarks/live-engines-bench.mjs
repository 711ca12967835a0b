// SciFact on every engine hardneg runs here: the embedded local engine, LanceDB, and live
// Weaviate and Elasticsearch (start them with `bash scripts/engines.sh up`, which prints the URLs).
//
//   WEAVIATE_URL=http://127.0.0.1:8080 ELASTICSEARCH_URL=http://127.0.0.1:9200 node live-engines-bench.mjs
//
// 1. Quality: `hardneg eval` on the 300 test queries per engine and mode (bm25; vector and
//    hybrid with the shared tiny ONNX model; LanceDB bm25 only, it takes document vectors
//    from the records and `load` does not compute them for it).
// 2. Mining throughput on the 809 train queries (5 negatives per query, bm25), in process: queries
//    per second, and the share of the wall time during which at least one engine call was in flight.
// 3. `hardneg compare` across the four engines on the train queries (bm25): nDCG@10, the mean
//    Jaccard overlap of the negative sets, negatives only one engine found, and its HTML report.
// Remote engines without a URL are left out (and said so). Everything the CLI runs is a process;
// its peak RSS is printed. On the remote engines the benchmark writes only collections named
// bench_* (deleted first), so it leaves other data alone.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { openLanceDbBackend } from "@hardneg/backend-lancedb";
import { openLocalBackend } from "@hardneg/backend-local";
import { openElasticBackend } from "@hardneg/backend-elastic";
import { openWeaviateBackend } from "@hardneg/backend-weaviate";
import { DocsCollection, HardNegativesCollection, mine, QueriesCollection } from "@hardneg/core";

const here = dirname(fileURLToPath(import.meta.url));
const cli = resolve(here, "../packages/cli/dist/main.js");
const { values } = parseArgs({ options: { work: { type: "string", default: join(here, "results", "live-engines") } } });
const dataset = resolve(here, "../../shared/datasets/scifact");
const model = resolve(here, "../../shared/models/tiny-scifact-embedder");
if (!existsSync(join(dataset, "corpus.jsonl")) || !existsSync(join(model, "onnx", "model.onnx"))) {
  console.log(`SciFact or the tiny model not found under ${resolve(here, "../../shared")}; nothing to measure`);
  process.exit(0);
}
rmSync(values.work, { recursive: true, force: true });
mkdirSync(values.work, { recursive: true });
const embedderOptions = ["--embedder", `onnx:${model}`, "--embedder-cache", join(values.work, "embeddings")];

const engines = [
  {
    name: "local",
    spec: `local:${join(values.work, "scifact.db")}`,
    modes: ["bm25", "vector", "hybrid"],
    open: (location) => openLocalBackend(location),
  },
  {
    name: "lancedb",
    spec: `lancedb:${join(values.work, "scifact-lance")}`,
    modes: ["bm25"],
    open: (location) => openLanceDbBackend(location),
  },
];
for (const [name, variable, open] of [
  ["weaviate", "WEAVIATE_URL", openWeaviateBackend],
  ["elastic", "ELASTICSEARCH_URL", openElasticBackend],
]) {
  if (process.env[variable]) engines.push({ name, spec: `${name}:${process.env[variable]}`, modes: ["bm25", "vector", "hybrid"], open });
  else console.log(`${variable} not set: ${name} left out (bash scripts/engines.sh up starts it)`);
}

const rssFile = join(values.work, "peak-rss.jsonl");
/** Runs the CLI as its own process; returns its JSON answer and peak RSS in MiB. */
function hardneg(args, { embed = false } = {}) {
  rmSync(rssFile, { force: true });
  const output = execFileSync(
    process.execPath,
    ["--import", join(here, "measure-peak-rss.mjs"), cli, ...args, ...(embed ? embedderOptions : []), "--json"],
    {
      encoding: "utf8",
      maxBuffer: 1 << 26,
      env: { ...process.env, PEAK_RSS_FILE: rssFile },
    },
  );
  return { ...JSON.parse(output), peakRssMiB: JSON.parse(readFileSync(rssFile, "utf8").trim()).peakRssMiB };
}

// Collections of this benchmark on every engine (a fresh start on the remote ones).
const DOCS = "bench_scifact";
const queriesOf = (split) => `bench_scifact_${split}`;
for (const engine of engines) {
  const opened = await engine.open(engine.spec.slice(engine.name.length + 1));
  for (const name of [DOCS, queriesOf("test"), queriesOf("train"), "bench_negatives", "bench_compare_bm25"])
    await opened.deleteCollection(name);
  await opened.close?.();
}

// ---- load ----
for (const engine of engines) {
  const embed = engine.modes.includes("vector");
  for (const split of ["test", "train"]) {
    const started = performance.now();
    const { peakRssMiB } = hardneg(
      [
        "load",
        "beir",
        dataset,
        "--split",
        split,
        "--docs-collection",
        DOCS,
        "--queries-collection",
        queriesOf(split),
        "--engine",
        engine.spec,
      ],
      { embed },
    );
    console.log(
      `loaded SciFact (${split}) into ${engine.name} in ${((performance.now() - started) / 1000).toFixed(1)} s` +
        `${embed ? " (with document vectors)" : ""}, peak RSS ${peakRssMiB.toFixed(0)} MiB`,
    );
  }
}

// ---- 1. quality ----
console.log("\n## SciFact test (300 queries): nDCG@10 / Recall@100");
console.log("| engine | bm25 | vector (tiny model) | hybrid α 0.5 relative-score |");
console.log("|---|---|---|---|");
for (const engine of engines) {
  const cells = ["bm25", "vector", "hybrid"].map((mode) => {
    if (!engine.modes.includes(mode)) return "—";
    const hybrid = mode === "hybrid" ? ["--alpha", "0.5", "--fusion", "relative-score"] : [];
    const result = hardneg(
      ["eval", "--docs-collection", DOCS, "--queries-collection", queriesOf("test"), "--mode", mode, ...hybrid, "--engine", engine.spec],
      { embed: mode !== "bm25" },
    );
    return `${result.ndcg_at_10.toFixed(3)} / ${result.recall_at_pool.toFixed(3)}`;
  });
  console.log(`| ${engine.name} | ${cells.join(" | ")} |`);
}

// ---- 2. mining throughput ----
/** Wraps an engine so the wall time during which at least one of its calls is in flight is counted. */
function timedEngine(engine) {
  let inFlight = 0;
  let since = 0;
  let busyMs = 0;
  const calls = new Set([
    "search",
    "getDocuments",
    "scoreDocuments",
    "upsert",
    "getRecords",
    "createCollection",
    "hasCollection",
    "describeCollection",
    "count",
    "deleteCollection",
  ]);
  const wrapped = new Proxy(engine, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      if (!calls.has(property)) return value.bind(target);
      return async (...args) => {
        if (inFlight++ === 0) since = performance.now();
        try {
          return await value.apply(target, args);
        } finally {
          if (--inFlight === 0) busyMs += performance.now() - since;
        }
      };
    },
  });
  return { engine: wrapped, busyMs: () => busyMs };
}

console.log("\n## Mining SciFact train (809 queries, 5 negatives per query, bm25, pool 100), in process");
console.log("| engine | wall | queries/s | waiting on the engine | rows | peak RSS of this process so far |");
console.log("|---|---|---|---|---|---|");
for (const engine of engines) {
  const location = engine.spec.slice(engine.name.length + 1);
  const opened = await engine.open(location);
  try {
    const out = new HardNegativesCollection({ collectionName: "bench_negatives" });
    await opened.deleteCollection(out.collectionName);
    const docs = new DocsCollection({ collectionName: DOCS, titleKey: "title" });
    const queries = new QueriesCollection({ collectionName: queriesOf("train") });
    // One warm-up search, so index building or connection set-up is not counted.
    await opened.search(docs.target, [{ text: "warm up" }], { mode: "bm25", k: 10 });
    const { engine: timed, busyMs } = timedEngine(opened);
    const started = performance.now();
    const report = await mine({
      backend: timed,
      docsCollection: docs,
      queriesCollection: queries,
      hardNegativesCollection: out,
      negativesPerQuery: 5,
      mode: "bm25",
    });
    const seconds = (performance.now() - started) / 1000;
    const peak = process.resourceUsage().maxRSS / 1024;
    console.log(
      `| ${engine.name} | ${seconds.toFixed(2)} s | ${(report.queries / seconds).toFixed(0)} | ` +
        `${((100 * busyMs()) / 1000 / seconds).toFixed(0)}% | ${report.rows_written} | ${peak.toFixed(0)} MiB |`,
    );
    await opened.deleteCollection(out.collectionName);
  } finally {
    await opened.close?.();
  }
}

// ---- 3. compare ----
const reportFile = join(values.work, "compare-report.html");
const comparison = hardneg([
  "compare",
  "--docs-collection",
  DOCS,
  "--queries-collection",
  queriesOf("train"),
  "--negatives-per-query",
  "5",
  "--mode",
  "bm25",
  "--out-prefix",
  "bench_compare",
  ...engines.flatMap((engine) => ["--engine", engine.spec]),
  "--report",
  reportFile,
]);
const short = (label) => engines.find((engine) => label.startsWith(`${engine.name}:`))?.name ?? label;
console.log(
  `\n## hardneg compare, SciFact train, bm25, 5 negatives per query ` +
    `(report: ${reportFile}; peak RSS ${comparison.peakRssMiB.toFixed(0)} MiB)`,
);
console.log(`| engine | nDCG@10 | Recall@100 | negatives only this engine found |`);
console.log("|---|---|---|---|");
for (const run of comparison.engines) {
  console.log(
    `| ${short(run.label)} | ${run.ndcg_at_10.toFixed(3)} | ${run.recall_at_pool.toFixed(3)} ` +
      `| ${(100 * comparison.unique_share[run.label]).toFixed(1)}% |`,
  );
}
console.log(
  `\nnegatives found by only one engine: ${(100 * comparison.only_one_engine_share).toFixed(1)}% of all distinct (query, negative) pairs`,
);
console.log("\nmean Jaccard overlap of the negative sets (queries both mined):");
console.log(`| | ${comparison.labels.map(short).join(" | ")} |`);
console.log(`|---|${comparison.labels.map(() => "---").join("|")}|`);
comparison.mean_jaccard.forEach((row, index) => {
  console.log(`| ${short(comparison.labels[index])} | ${row.map((value) => value.toFixed(2)).join(" | ")} |`);
});
