// Per-query A/B of the local backend's two BM25 top-k paths (exhaustive sum vs MaxScore pruning)
// on a kept index file, bucketed by the query's total postings: the measurements behind the
// "auto" switch rule in packages/backend-local/src/bm25/bm25-index.ts. Build first (`pnpm build`);
// make the index with `bm25-bench.mjs --work results/bm25-work`, then, from this folder:
//   node bm25-pruning-calibration.mjs --dataset synthetic --index results/bm25-work/synthetic-1000000-200000-42.db.bm25 --k 100
//   node bm25-pruning-calibration.mjs --dataset scifact --index results/bm25-work/scifact.db.bm25 --k 10
// Each query runs both paths alternately (3 to 31 times, fewer for long queries), median per path.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Tokenizer } from "@hardneg/backend-local";
// Internal module of the built package: the index file is read directly, without a database.
import { readIndexFile, readIndexFileHeader } from "../packages/backend-local/dist/bm25/index-file.js";
import { createSyntheticCorpus } from "./synthetic-corpus.mjs";

const { values } = parseArgs({
  options: {
    dataset: { type: "string", default: "synthetic" },
    index: { type: "string" },
    k: { type: "string", default: "100" },
    queries: { type: "string", default: "300" },
  },
});
const k = Number(values.k);
const folder = resolve(values.index);
const file = join(
  folder,
  readdirSync(folder).find((name) => name.endsWith(".bm25")),
);
const index = readIndexFile(file, readIndexFileHeader(file).header);
const tokenizer = new Tokenizer();
const scifactQueries = resolve(fileURLToPath(import.meta.url), "../../../shared/datasets/scifact/queries.jsonl");
const texts = (
  values.dataset === "scifact"
    ? readFileSync(scifactQueries, "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line).text)
    : createSyntheticCorpus({})
        .queries()
        .map((query) => query.text)
).slice(0, Number(values.queries));

const median = (numbers) => [...numbers].sort((left, right) => left - right)[numbers.length >> 1];
const { termOffsets } = index.data;
const rows = [];
for (const text of texts) {
  const termIds = index.termIdsOf(tokenizer.tokenize(text), "sum");
  if (termIds.length < 2) continue;
  const postings = termIds.reduce((total, termId) => total + termOffsets[termId + 1] - termOffsets[termId], 0);
  const times = { exhaustive: [], pruned: [] };
  const repeats = postings > 200_000 ? 3 : postings > 20_000 ? 9 : 31;
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const strategy of repeat % 2 === 0 ? ["pruned", "exhaustive"] : ["exhaustive", "pruned"]) {
      const started = performance.now();
      index.search(termIds, k, strategy);
      times[strategy].push(performance.now() - started);
    }
  }
  rows.push({ postings, exhaustive: median(times.exhaustive), pruned: median(times.pruned) });
}

const total = (subset, path) => subset.reduce((sum, row) => sum + row[path], 0).toFixed(1);
const summary = `exhaustive ${total(rows, "exhaustive")} ms, pruned ${total(rows, "pruned")} ms`;
console.log(`${values.dataset}, k = ${k}, ${rows.length} queries of ≥ 2 known terms: ${summary}`);
const edges = [0, 1e3, 3e3, 1e4, 3e4, 1e5, 3e5, 1e6, 3e6, Number.POSITIVE_INFINITY];
for (let bucket = 0; bucket + 1 < edges.length; bucket++) {
  const subset = rows.filter((row) => row.postings >= edges[bucket] && row.postings < edges[bucket + 1]);
  if (subset.length === 0) continue;
  const wins = subset.filter((row) => row.pruned < row.exhaustive).length;
  const range = `${String(edges[bucket]).padStart(7)} .. ${String(edges[bucket + 1]).padEnd(8)}`;
  const times = `exhaustive ${total(subset, "exhaustive").padStart(7)} ms, pruned ${total(subset, "pruned").padStart(7)} ms`;
  console.log(`postings ${range} ${String(subset.length).padStart(4)} queries: ${times}, pruned faster for ${wins}`);
}
