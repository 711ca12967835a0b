// Near-duplicate exclusion on a BEIR split (SciFact train by default): what the rule would drop
// and what it costs.
//
//   node near-duplicates-bench.mjs                   # 7 rounds, SciFact from ../shared (next to the repo)
//   node near-duplicates-bench.mjs --rounds 3 --dataset /path/to/beir/folder --split train
//
// 1. Similarity: every query's BM25 pool (k = 100), and for each non-gold candidate the rule's two
//    scores: its share of query shingles, and its largest containment in a gold or a candidate
//    ranked above it. Prints how many candidates reach each threshold, and the most similar pairs.
// 2. Cost: `hardneg mine` (5 negatives per query) with --near-duplicate-threshold 1 (no shingles)
//    and with the default, alternating, each on a fresh copy of the loaded database. Prints the
//    median wall seconds of each and the cost per query.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { openLocalBackend } from "@hardneg/backend-local";
import { DEFAULT_NEAR_DUPLICATE_THRESHOLD, ShingleCache } from "@hardneg/core";

const here = dirname(fileURLToPath(import.meta.url));
const cli = resolve(here, "../packages/cli/dist/main.js");
const { values } = parseArgs({
  options: {
    dataset: { type: "string", default: resolve(here, "../../shared/datasets/scifact") },
    split: { type: "string", default: "train" },
    rounds: { type: "string", default: "7" },
  },
});
if (!existsSync(values.dataset)) {
  console.log(`no BEIR folder at ${values.dataset}; nothing to measure`);
  process.exit(0);
}
const name = values.dataset.split("/").filter(Boolean).at(-1);
const queriesCollection = `${name}-${values.split}`;
const folder = mkdtempSync(join(tmpdir(), "hardneg-near-duplicates-"));
const loaded = join(folder, "loaded.db");
execFileSync(process.execPath, [cli, "load", "beir", values.dataset, "--split", values.split, "--engine", `local:${loaded}`], {
  stdio: "ignore",
});

// 1. Similarity.
const shareOf = (part, whole) => {
  let shared = 0;
  for (const shingle of part.values()) if (whole.has(shingle)) shared++;
  return part.size === 0 ? 0 : shared / part.size;
};
const containment = (left, right) => (left.size <= right.size ? shareOf(left, right) : shareOf(right, left));
const engine = await openLocalBackend(loaded);
const spec = await engine.describeCollection(name);
const target = { collection: name, ...spec.target };
const queryKeys = (await engine.describeCollection(queriesCollection)).queryKeys;
const queries = [];
for await (const batch of engine.iterate(queriesCollection)) for (const record of batch) queries.push(record.properties);
const queryShares = [];
const containments = [];
const closest = [];
for (let start = 0; start < queries.length; start += 64) {
  const batch = queries.slice(start, start + 64);
  const pools = await engine.search(
    target,
    batch.map((query) => ({ text: String(query[queryKeys.queryContentKey]) })),
    { mode: "bm25", k: 100 },
  );
  const goldsOf = (query) => (query[queryKeys.goldIdsKey] ?? []).map(String);
  const documents = await engine.getDocuments(target, [...new Set([...pools.flat().map((hit) => hit.id), ...batch.flatMap(goldsOf)])]);
  batch.forEach((query, index) => {
    const cache = new ShingleCache();
    const golds = new Set(goldsOf(query));
    const queryShingles = cache.of(String(query[queryKeys.queryContentKey]));
    const earlier = [...golds].filter((id) => documents.has(id)).map((id) => ({ id, shingles: cache.of(documents.get(id).text) }));
    for (const hit of pools[index]) {
      if (golds.has(hit.id)) continue;
      const shingles = cache.of(documents.get(hit.id).text);
      queryShares.push(shareOf(shingles, queryShingles));
      let best = { similarity: 0, id: "" };
      for (const other of earlier) {
        const similarity = containment(shingles, other.shingles);
        if (similarity > best.similarity) best = { similarity, id: other.id };
      }
      containments.push(best.similarity);
      closest.push({ query: String(query[queryKeys.idKey]), candidate: hit.id, other: best.id, similarity: best.similarity });
      earlier.push({ id: hit.id, shingles });
    }
  });
}
await engine.close();
const reaching = (scores, threshold) => scores.filter((score) => score >= threshold).length;
console.log(`${name} ${values.split}: ${queries.length} queries, ${queryShares.length} non-gold candidates in BM25 pools of 100`);
console.log("threshold  query share  containment (gold or better-ranked candidate)");
for (const threshold of [0.5, 0.6, 0.7, 0.8, 0.9, 0.95])
  console.log(
    `${String(threshold).padEnd(9)}  ${String(reaching(queryShares, threshold)).padStart(11)}  ${reaching(containments, threshold)}`,
  );
console.log(`largest: query share ${Math.max(...queryShares).toFixed(3)}, containment ${Math.max(...containments).toFixed(3)}`);
const seen = new Set();
const pairs = closest
  .sort((left, right) => right.similarity - left.similarity)
  .filter(({ candidate, other }) => !seen.has([candidate, other].sort().join()) && seen.add([candidate, other].sort().join()))
  .slice(0, 5);
for (const pair of pairs) console.log(`  ${pair.candidate} ~ ${pair.other}: ${pair.similarity.toFixed(3)} (query ${pair.query})`);

// 2. Cost.
function mineSeconds(extra) {
  const database = join(folder, "mine.db");
  copyFileSync(loaded, database);
  const report = join(folder, "time.txt");
  const args = [cli, "mine", "--engine", `local:${database}`, "--docs-collection", name, "--queries-collection", queriesCollection];
  args.push("--out-collection", "negatives", "--negatives-per-query", "5", "--json", ...extra);
  execFileSync("/usr/bin/time", ["-f", "%e", "-o", report, process.execPath, ...args], { stdio: "ignore" });
  rmSync(database);
  return Number(readFileSync(report, "utf8").trim().split("\n").at(-1));
}
const median = (numbers) => numbers.slice().sort((left, right) => left - right)[Math.floor(numbers.length / 2)];
const exact = [];
const shingled = [];
for (let round = 0; round < Number(values.rounds); round++) {
  exact.push(mineSeconds(["--near-duplicate-threshold", "1"]));
  shingled.push(mineSeconds([]));
}
const extraMs = ((median(shingled) - median(exact)) * 1000) / queries.length;
console.log(
  `mine, median of ${values.rounds}: threshold 1 ${median(exact).toFixed(2)} s, ` +
    `default ${DEFAULT_NEAR_DUPLICATE_THRESHOLD} ${median(shingled).toFixed(2)} s`,
);
console.log(`  ${extraMs.toFixed(2)} ms more per query (${queries.length} queries)`);
rmSync(folder, { recursive: true, force: true });
