// Benchmark of @hardneg/backend-lancedb on SciFact test: load time, FTS index build time,
// queries per second (bm25, top 10 and top 100), nDCG@10 and peak RSS. Build the packages
// first (`pnpm build`), then, from this folder:
//   node lancedb-bench.mjs [--passes 5] [--batch-size 256]
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { openLanceDbBackend } from "@hardneg/backend-lancedb";
import { DocsCollection, ingestDocuments, ingestQueries, MetricsAccumulator, openBeir, QueriesCollection, gradesOf } from "@hardneg/core";

const { values } = parseArgs({ options: { passes: { type: "string", default: "5" }, "batch-size": { type: "string", default: "256" } } });
const passes = Number(values.passes);
const batchSize = Number(values["batch-size"]);
const repositoryRoot = resolve(fileURLToPath(import.meta.url), "../..");
const scifactDirectory = resolve(repositoryRoot, "../shared/datasets/scifact");

if (!existsSync(join(scifactDirectory, "corpus.jsonl"))) {
  console.error(`SciFact not found at ${scifactDirectory}`);
  process.exit(1);
}

const peakRssMiB = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);
const median = (numbers) => [...numbers].sort((left, right) => left - right)[Math.floor(numbers.length / 2)];
const workDirectory = mkdtempSync(join(tmpdir(), "hardneg-lancedb-bench-"));
try {
  const backend = await openLanceDbBackend(join(workDirectory, "db"));
  const docs = new DocsCollection({ collectionName: "scifact", idKey: "doc_id", contentKey: "text", titleKey: "title" });
  const queriesCollection = new QueriesCollection({ collectionName: "scifact-test" });
  const dataset = await openBeir(scifactDirectory, { split: "test" });

  let started = performance.now();
  const documentCount = await ingestDocuments(backend, docs, dataset.documents());
  const loadMilliseconds = performance.now() - started;
  const queries = [];
  for await (const query of dataset.queries()) queries.push(query);
  await ingestQueries(
    backend,
    queriesCollection,
    (async function* () {
      yield* queries;
    })(),
  );

  // The first search builds the FTS index (one query, so the figure is the index build).
  started = performance.now();
  await backend.search(docs.target, [{ text: queries[0].text }], { mode: "bm25", k: 10 });
  const indexMilliseconds = performance.now() - started;

  const requests = queries.map((query) => ({ text: query.text }));
  const timings = { 10: [], 100: [] };
  let top100;
  for (const k of [10, 100]) {
    for (let pass = 0; pass < passes; pass++) {
      started = performance.now();
      const results = [];
      for (let start = 0; start < requests.length; start += batchSize)
        results.push(...(await backend.search(docs.target, requests.slice(start, start + batchSize), { mode: "bm25", k })));
      timings[k].push(performance.now() - started);
      if (k === 100) top100 = results;
    }
  }
  const metrics = new MetricsAccumulator();
  top100.forEach((hits, position) => {
    metrics.add(
      hits.map((hit) => hit.id),
      gradesOf(queries[position]),
    );
  });
  const summary = metrics.summary();
  await backend.close();

  console.log(`\n## LanceDB ${"0.31.0"} FTS on SciFact test (${documentCount} documents, ${queries.length} queries)`);
  const rows = [
    ["load (ingestDocuments, batches of 1000)", `${(loadMilliseconds / 1000).toFixed(2)} s`],
    ["FTS index build (first search)", `${(indexMilliseconds / 1000).toFixed(2)} s`],
    [`bm25 top 10, median of ${passes}`, `${(queries.length / (median(timings[10]) / 1000)).toFixed(0)} q/s`],
    [`bm25 top 100, median of ${passes}`, `${(queries.length / (median(timings[100]) / 1000)).toFixed(0)} q/s`],
    ["nDCG@10 / MRR@10", `${summary.ndcg_at_10.toFixed(3)} / ${summary.mrr_at_10.toFixed(3)}`],
    ["Recall@10 / Recall@100", `${summary.recall_at_10.toFixed(3)} / ${summary.recall_at_pool.toFixed(3)}`],
    ["peak RSS", `${peakRssMiB()} MiB`],
  ];
  for (const [name, value] of rows) console.log(`${name.padEnd(42)} ${value}`);
} finally {
  rmSync(workDirectory, { recursive: true, force: true });
}
