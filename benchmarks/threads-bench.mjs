// The local engine's threads, each against one thread, alternating in one process: building the
// BM25 index (`buildThreads`, what `load` does) and searching it (`searchThreads`, k = 100, batches
// of 64 with two in flight, as `mine` sends them). Built indexes are compared byte for byte.
//
//   node threads-bench.mjs                          # the database mining-bench.mjs left in results/
//   node threads-bench.mjs --database x.db --docs-collection scifact --queries-collection scifact-train
//   node threads-bench.mjs --part search --passes 5
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
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
  const engines = {
    0: await openLocalBackend(values.database, { searchThreads: 0 }),
    [threads]: await openLocalBackend(values.database, { searchThreads: threads }),
  };
  const texts = [];
  for await (const batch of engines[0].iterate(values["queries-collection"], { batchSize: 5000 })) {
    for (const record of batch) texts.push(record.properties.text);
  }
  const batches = chunked(
    texts.map((text) => ({ text })),
    64,
  );
  /** Queries per second over every batch, two batches in flight. */
  const searchRate = async (engine) => {
    const started = performance.now();
    await forEachConcurrently(batches, 2, (batch) => engine.search(target, batch, { mode: "bm25", k: 100 }));
    return texts.length / ((performance.now() - started) / 1000);
  };
  // The first pass loads the index (and starts the threads); not counted.
  for (const engine of Object.values(engines)) await searchRate(engine);
  const rates = { 0: [], [threads]: [] };
  for (let pass = 0; pass < passes; pass++) for (const count of [0, threads]) rates[count].push(await searchRate(engines[count]));
  console.log(
    `search, ${texts.length} queries, k = 100: main thread ${median(rates[0]).toFixed(0)} q/s, ` +
      `${threads} threads ${median(rates[threads]).toFixed(0)} q/s (×${(median(rates[threads]) / median(rates[0])).toFixed(2)})`,
  );
  for (const engine of Object.values(engines)) await engine.close();
}
