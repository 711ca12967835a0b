// Peak memory and wall time of `hardneg export` for each format on a large hard-negatives
// collection in the local engine (synthetic rows shaped like a mining run's).
//
//   node export-bench.mjs                         # 300,000 rows: 30,000 queries × 10 negatives
//   node export-bench.mjs --queries 78600 --negatives 10 --formats ntuple,flagembedding
//
// Each export runs as its own CLI process, so its peak RSS is its own.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { openLocalBackend } from "@hardneg/backend-local";
import { HardNegativesCollection } from "@hardneg/core";

const here = dirname(fileURLToPath(import.meta.url));
const cli = resolve(here, "../packages/cli/dist/main.js");
const { values } = parseArgs({
  options: {
    queries: { type: "string", default: "30000" },
    negatives: { type: "string", default: "10" },
    "text-length": { type: "string", default: "1000" },
    formats: { type: "string", default: "seed,triplets,ntuple,flagembedding,tevatron" },
    work: { type: "string", default: join(here, "results") },
    keep: { type: "boolean", default: false },
  },
});
const queries = Number(values.queries);
const negatives = Number(values.negatives);
const textLength = Number(values["text-length"]);

mkdirSync(values.work, { recursive: true });
const database = join(values.work, "export-bench.db");
const rssFile = join(values.work, "export-peak-rss.jsonl");
for (const file of [database, `${database}-wal`, `${database}-shm`]) rmSync(file, { force: true });

/** Deterministic filler text of about `length` characters, different per seed. */
function text(seed, length) {
  const words = [];
  let size = 0;
  for (let index = 0; size < length; index += 1) {
    const word = `w${((seed * 7919 + index * 104729) % 50021).toString(36)}`;
    words.push(word);
    size += word.length + 1;
  }
  return words.join(" ");
}

console.log(`writing ${queries * negatives} rows (${queries} queries × ${negatives} negatives, texts of ~${textLength} characters)`);
const collection = new HardNegativesCollection({ collectionName: "negatives" });
const store = await openLocalBackend(database);
await store.createCollection({ name: "negatives", kind: "hard-negatives", hardNegativeKeys: collection.keys });
let batch = [];
for (let query = 0; query < queries; query += 1) {
  const gold = text(query * 3 + 1, textLength);
  for (let rank = 1; rank <= negatives; rank += 1) {
    batch.push({
      id: `row-${query}-${rank}`,
      properties: {
        run_id: "bench",
        query_id: `q${query}`,
        query: text(query * 3, 60),
        gold_doc_ids: [`d${query}`],
        gold_documents: [gold],
        hard_negative_id: `d${query}-${rank}`,
        hard_negative_doc: text(query * 31 + rank, textLength),
        rank,
        score: 20 - rank,
        gold_score: 10,
      },
    });
    if (batch.length === 5000) {
      await store.upsert("negatives", batch);
      batch = [];
    }
  }
}
if (batch.length > 0) await store.upsert("negatives", batch);
await store.close();
console.log(`database: ${(statSync(database).size / 2 ** 20).toFixed(0)} MiB`);

console.log("format          seconds  peak RSS MiB  output MiB  lines");
for (const format of values.formats.split(",")) {
  rmSync(rssFile, { force: true });
  const output = join(values.work, `export-bench.${format}.jsonl`);
  const summary = execFileSync(
    process.execPath,
    [
      "--import",
      join(here, "measure-peak-rss.mjs"),
      cli,
      "export",
      "--collection",
      "negatives",
      "--format",
      format,
      "--output",
      output,
      "--engine",
      `local:${database}`,
      "--json",
    ],
    { env: { ...process.env, PEAK_RSS_FILE: rssFile }, encoding: "utf8" },
  );
  const { seconds, peakRssMiB } = JSON.parse(readFileSync(rssFile, "utf8").trim());
  const lines = JSON.parse(summary).lines;
  const outputMiB = statSync(output).size / 2 ** 20;
  const columns = [
    format.padEnd(15),
    seconds.toFixed(1).padStart(7),
    peakRssMiB.toFixed(0).padStart(13),
    outputMiB.toFixed(0).padStart(11),
  ];
  console.log(`${columns.join(" ")}  ${lines}`);
  rmSync(output, { force: true });
}
if (!values.keep) for (const file of [database, `${database}-wal`, `${database}-shm`]) rmSync(file, { force: true });
