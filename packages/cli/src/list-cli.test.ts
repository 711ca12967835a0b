import { join } from "node:path";
import { openLocalBackend } from "@hardneg/backend-local";
import { RUNS_COLLECTION } from "@hardneg/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliJson, sampleFolder, temporaryFolder } from "./test-support.js";

/**
 * `hardneg list`: what an engine holds, collections (kind, count, keys) and mining runs
 * (settings, complete or incomplete), on the bundled sample loaded and mined once.
 */
const folder = temporaryFolder();
afterAll(() => folder.remove());
const database = join(folder.path, "s.db");
const engine = `local:${database}`;
const mineArgs = [
  "mine",
  "--docs-collection",
  "sample",
  "--queries-collection",
  "sample-test",
  "--out-collection",
  "sample-negatives",
  "--negatives-per-query",
  "4",
  "--strategy",
  "range",
  "--range-min",
  "3",
  "--range-max",
  "30",
  "--sampling",
  "random",
  "--shortfall",
  "skip-query",
  "--pool-size",
  "40",
  "--query-samples",
  "20",
  "--query-sampling",
  "random",
  "--seed",
  "7",
  "--engine",
  engine,
];

describe("hardneg list", () => {
  // biome-ignore lint/suspicious/noExplicitAny: the command's JSON, read field by field
  let mined: Record<string, any>;
  beforeAll(() => {
    runCliJson(["load", "beir", sampleFolder, "--split", "test", "--engine", engine], folder.path);
    mined = runCliJson(mineArgs, folder.path);
  });

  it("--json lists every collection with its kind, record count and the key names its spec holds, in name order", () => {
    const listed = runCliJson(["list", "--engine", engine], folder.path);
    expect(listed.engine, "the engine's name").toBe("local");
    // biome-ignore lint/suspicious/noExplicitAny: JSON
    const byName = new Map<string, any>(listed.collections.map((collection: { name: string }) => [collection.name, collection]));
    expect(
      listed.collections.map((collection: { name: string }) => collection.name),
      "every collection, hardneg's own included, sorted",
    ).toEqual(["hardneg_loads", "hardneg_runs", "sample", "sample-negatives", "sample-test"]);
    expect(byName.get("sample"), "the corpus: documents, 300, its id/content/title keys").toEqual({
      name: "sample",
      kind: "documents",
      count: 300,
      keys: { id_key: "doc_id", content_key: "text", title_key: "title" },
    });
    expect(byName.get("sample-test"), "the queries: 48, their id/text/gold ids/grades keys").toEqual({
      name: "sample-test",
      kind: "queries",
      count: 48,
      keys: { id_key: "query_id", query_content_key: "text", gold_ids_key: "gold_ids", grades_key: "gold_grades" },
    });
    expect(byName.get("sample-negatives"), "the negatives: the rows the run wrote, the row keys").toEqual({
      name: "sample-negatives",
      kind: "hard-negatives",
      count: mined.rows_written,
      keys: {
        query_content_key: "query",
        gold_ids_key: "gold_doc_ids",
        gold_documents_key: "gold_documents",
        hard_negative_document_key: "hard_negative_doc",
        hard_negative_id_key: "hard_negative_id",
      },
    });
    expect(mined.rows_written, "the run wrote rows (a fixture check)").toBeGreaterThan(0);
    expect(byName.get("hardneg_runs"), "the run records: the manifest and one batch").toMatchObject({
      kind: "records",
      count: 2,
      keys: {},
    });
  });

  it("--json lists the run as complete, with the settings it was mined with and what it mined", () => {
    const [run, ...others] = runCliJson(["list", "--engine", engine], folder.path).runs;
    expect(others, "one run").toEqual([]);
    expect(run, "the run's id, output, state and counts from its report").toMatchObject({
      run_id: mined.run_id,
      out_collection: "sample-negatives",
      out_collection_exists: true,
      state: "complete",
      batches_committed: 1,
      queries: mined.queries,
      queries_mined: mined.queries_mined,
      rows_written: mined.rows_written,
    });
    expect(run.settings, "the settings, snake_case, from the manifest's options").toEqual({
      negatives_per_query: 4,
      strategy: "range",
      range_min: 3,
      range_max: 30,
      sampling: "random",
      shortfall: "skip-query",
      near_duplicate_threshold: 0.9,
      seed: 7,
      query_samples: 20,
      query_sampling: "random",
      mode: "bm25",
      pool_size: 40,
      engine: "local",
      batch_size: 64,
      docs_collection: "sample",
      queries_collection: "sample-test",
    });
  });

  it("an interrupted run (a manifest not marked complete) is incomplete, without counts; its missing output is flagged", async () => {
    const store = await openLocalBackend(database);
    try {
      await store.upsert(RUNS_COLLECTION, [
        {
          id: "interrupted-run",
          properties: {
            type: "run",
            run_id: "interrupted-run",
            status: "running",
            options: { out: "half-done", batchSize: 8, selection: { negativesPerQuery: 2, strategy: "top-k" }, search: { mode: "bm25" } },
          },
        },
        { id: "interrupted-batch", properties: { type: "batch", run_id: "interrupted-run", batch_size: 8, batch: 0 } },
      ]);
    } finally {
      await store.close();
    }
    const runs = runCliJson(["list", "--engine", engine], folder.path).runs;
    expect(
      runs.map((run: { state: string }) => run.state),
      "the complete run, then the interrupted one",
    ).toEqual(["complete", "incomplete"]);
    expect(runs[1], "incomplete: its settings and committed batches, no report counts").toEqual({
      run_id: "interrupted-run",
      out_collection: "half-done",
      out_collection_exists: false,
      state: "incomplete",
      settings: { negatives_per_query: 2, strategy: "top-k", mode: "bm25", batch_size: 8 },
      batches_committed: 1,
      queries: null,
      queries_mined: null,
      rows_written: null,
    });
    const human = runCli(["list", "--engine", engine], folder.path);
    expect(human.status, "exit 0").toBe(0);
    expect(human.stdout, "the incomplete run's line").toMatch(
      /interrupted-run {2}incomplete {2}-> half-done \[deleted since\] {2}\(1 batch committed; re-run/,
    );
  });

  it("the human listing is a table of collections and a block per run", () => {
    const result = runCli(["list", "--engine", engine], folder.path);
    expect(result.status, `exit 0 (${result.stderr})`).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0], "the collections heading").toBe("collections (5):");
    expect(lines[1], "the table's header").toMatch(/^ {2}name +kind +count {2}keys$/);
    expect(
      lines.find((line) => line.trimStart().startsWith("sample ")),
      "the corpus row",
    ).toMatch(/^ {2}sample +documents +300 {2}id_key=doc_id content_key=text title_key=title$/);
    expect(result.stdout, "the runs heading").toContain("mining runs (2):");
    expect(result.stdout, "the complete run's line").toContain(
      `${mined.run_id}  complete  -> sample-negatives  ` +
        `(${mined.queries_mined} of ${mined.queries} queries mined, ${mined.rows_written} rows)`,
    );
    expect(result.stdout, "its settings line").toContain("negatives_per_query=4 strategy=range range_min=3 range_max=30 sampling=random");
  });

  it("an empty engine says so", () => {
    const result = runCli(["list", "--engine", "minisearch:empty"], folder.path);
    expect(result.status, `exit 0 (${result.stderr})`).toBe(0);
    expect(result.stdout.trim(), "one line saying it is empty").toBe(
      'engine "minisearch" is empty: no collections and no mining runs (load data with hardneg load)',
    );
    expect(runCliJson(["list", "--engine", "minisearch:empty"], folder.path), "JSON: nothing").toEqual({
      engine: "minisearch",
      collections: [],
      runs: [],
    });
  });
});
