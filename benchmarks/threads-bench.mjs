// The local engine's threads, each against one thread, alternating in one process: building the
// BM25 index (`buildThreads`, what `load` does) and searching it (`searchThreads`, k = 100, batches
// of 64 with two in flight, as `mine` sends them). Built indexes are compared byte for byte.
//
//   node threads-bench.mjs                          # the database mining-bench.mjs left in results/
//   node threads-bench.mjs --database x.db --docs-collection scifact --queries-collection scifact-train
//   node threads-bench.mjs --part search --passes 5
//   node threads-bench.mjs --part search --before <other checkout>/packages/backend-local/dist/index.js
// --before also searches with another build of the local engine (say, the commit before a change),
// alternating with this one on the same database and index, and checks that both return the same hits.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { openLocalBackend } from "@hardneg/backend-local";
import { chunked, forEachConcurrently } from "@hardneg/core";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    database: { type: "string", default: join(here, "results", "mining-bench.db") },
    "docs-collection": { type: "string", default: "synthetic" },
    "queries-collection": { type: "string", default: "synthetic-test" },
    part: { type: "string", default: "both" },
    passes: { type: "string", default: "3" },
    before: { type: "string" },
  },
});
const passes = Number(values.passes);
const threads = Math.min(availableParallelism(), 8);
const target = { collection: values["docs-collection"], idKey: "doc_id", contentKey: "text", titleKey: "title" };
const median = (numbers) => numbers.toSorted((left, right) => left - right)[Math.floor(numbers.length / 2)];
console.log(`${availableParallelism()} cores; ${threads} threads against 1; ${passes} alternating passes each`);

if (values.part !== "search") {
  const seconds = { 1: [], [threads]: [] };
  const hashes = new Set();
  for (let pass = 0; pass < passes; pass++) {
    for (const buildThreads of [threads, 1]) {
      const indexDirectory = join(here, "results", `threads-bench-index-${buildThreads}`);
      rmSync(indexDirectory, { recursive: true, force: true });
      const engine = await openLocalBackend(values.database, { indexDirectory, buildThreads, readOnly: true });
      const started = performance.now();
      const stats = await engine.driver.prepareIndex(target);
      seconds[buildThreads].push((performance.now() - started) / 1000);
      await engine.close();
      const file = readdirSync(indexDirectory).find((name) => name.endsWith(".bm25"));
      hashes.add(
        createHash("sha256")
          .update(readFileSync(join(indexDirectory, file)))
          .digest("hex"),
      );
      rmSync(indexDirectory, { recursive: true, force: true });
      if (pass === 0 && buildThreads === 1) console.log(`index: ${stats.documentCount} documents, ${stats.postingCount} postings`);
    }
  }
  console.log(
    `index build (prepareIndex, file written): 1 thread ${median(seconds[1]).toFixed(1)} s, ` +
      `${threads} threads ${median(seconds[threads]).toFixed(1)} s; files identical: ${hashes.size === 1}`,
  );
}

if (values.part !== "build") {
  const builds = { "": openLocalBackend };
  if (values.before !== undefined) builds["before: "] = (await import(pathToFileURL(resolve(values.before)).href)).openLocalBackend;
  const engines = {};
  for (const [build, open] of Object.entries(builds)) {
    engines[`${build}0`] = await open(values.database, { searchThreads: 0 });
    engines[`${build}${threads}`] = await open(values.database, { searchThreads: threads });
  }
  const texts = [];
  for await (const batch of engines["0"].iterate(values["queries-collection"], { batchSize: 5000 })) {
    for (const record of batch) texts.push(record.properties.text);
  }
  const batches = chunked(
    texts.map((text) => ({ text })),
    64,
  );
  /**
   * Queries per second over every batch, two batches in flight, as `mine` sends them; with
   * `keepHits`, every batch's hits too. Timed passes drop each batch's hits as `mine` does, so
   * the rate does not include collecting a million hit objects in the benchmark's own heap.
   */
  const searchRun = async (engine, keepHits = false) => {
    const hits = new Array(batches.length);
    const started = performance.now();
    await forEachConcurrently(Array.from(batches.keys()), 2, async (batch) => {
      const found = await engine.search(target, batches[batch], { mode: "bm25", k: 100 });
      if (keepHits) hits[batch] = found;
    });
    return { hits, rate: texts.length / ((performance.now() - started) / 1000) };
  };
  // The first pass loads the index (and starts the threads); not counted, but its hits are compared.
  const firstHits = {};
  for (const [name, engine] of Object.entries(engines)) firstHits[name] = JSON.stringify((await searchRun(engine, true)).hits);
  const identical = Object.values(firstHits).every((hits) => hits === firstHits["0"]);
  const rates = Object.fromEntries(Object.keys(engines).map((name) => [name, []]));
  for (let pass = 0; pass < passes; pass++) {
    for (const [name, engine] of Object.entries(engines)) rates[name].push((await searchRun(engine)).rate);
  }
  for (const build of Object.keys(builds)) {
    const [one, many] = [median(rates[`${build}0`]), median(rates[`${build}${threads}`])];
    console.log(
      `${build}search, ${texts.length} queries, k = 100: main thread ${one.toFixed(0)} q/s, ` +
        `${threads} threads ${many.toFixed(0)} q/s (×${(many / one).toFixed(2)})`,
    );
  }
  console.log(`hits identical across ${Object.keys(engines).length} engines: ${identical}`);
  for (const engine of Object.values(engines)) await engine.close();
}
