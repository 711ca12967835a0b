import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openLocalBackend } from "@hardneg/backend-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliJson, sampleFolder, temporaryFolder } from "./test-support.js";

const folder = temporaryFolder();
const engine = ["--engine", `local:${join(folder.path, "sample.db")}`];
afterAll(() => folder.remove());

describe("hardneg on the bundled sample", () => {
  beforeAll(() => {
    const loaded = runCliJson(["load", "beir", sampleFolder, "--split", "test", ...engine], folder.path);
    expect(loaded).toMatchObject({
      docs_collection: "sample",
      queries_collection: "sample-test",
      documents: 300,
      queries: 48,
      unknown_gold_ids: 0,
    });
  });

  it("evaluates the engine, with per-query gold ranks on request", () => {
    const perQuery = join(folder.path, "per-query.jsonl");
    const report = runCliJson(
      ["eval", "--docs-collection", "sample", "--queries-collection", "sample-test", "--per-query", perQuery, ...engine],
      folder.path,
    );
    const queries = readFileSync(perQuery, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(queries).toHaveLength(48);
    const meanNdcg = queries.reduce((sum, query) => sum + query.ndcg_at_10, 0) / queries.length;
    expect(meanNdcg).toBeCloseTo(report["ndcg_at_10"], 10);
    expect(queries.every((query) => query.gold_rank === null || query.gold_rank >= 1)).toBe(true);
    expect(report["queries"]).toBe(48);
    for (const metric of ["ndcg_at_10", "mrr_at_10", "recall_at_10", "recall_at_pool"]) {
      expect(report[metric]).toBeGreaterThan(0);
      expect(report[metric]).toBeLessThanOrEqual(1);
    }
    expect(report["recall_at_pool"]).toBeGreaterThanOrEqual(report["recall_at_10"]);
  });

  it("mines negatives that are never gold, and a re-run writes no duplicates", async () => {
    const args = [
      "mine",
      "--docs-collection",
      "sample",
      "--queries-collection",
      "sample-test",
      "--out-collection",
      "negatives",
      "--negatives-per-query",
      "5",
      ...engine,
    ];
    const first = runCliJson(args, folder.path);
    expect(first).toMatchObject({ queries: 48, queries_mined: 48, rows_written: 240, queries_skipped: 0 });
    const histogramTotal = Object.values(first["gold_rank_histogram"] as Record<string, number>).reduce((sum, count) => sum + count, 0);
    expect(histogramTotal).toBe(48);
    const again = runCliJson(args, folder.path);
    expect(again["rows_written"]).toBe(240);
    expect(again["batches_resumed"]).toBe(again["batches"]);

    const store = await openLocalBackend(join(folder.path, "sample.db"));
    try {
      expect(await store.count("negatives")).toBe(240);
      for await (const batch of store.iterate("negatives")) {
        for (const row of batch) {
          const goldIds = row.properties["gold_doc_ids"] as string[];
          expect(goldIds).not.toContain(row.properties["hard_negative_id"]);
          expect(row.properties["hard_negative_doc"]).not.toBe("");
        }
      }
    } finally {
      await store.close();
    }
  });

  it("compares engines: identical engines agree fully, with per-engine metrics", () => {
    const second = join(folder.path, "second.db");
    runCliJson(["load", "beir", sampleFolder, "--split", "test", "--engine", `local:${second}`], folder.path);
    const result = runCliJson(
      [
        "compare",
        "--docs-collection",
        "sample",
        "--queries-collection",
        "sample-test",
        "--negatives-per-query",
        "3",
        "--engine",
        `local:${join(folder.path, "sample.db")}`,
        "--engine",
        `local:${second}`,
      ],
      folder.path,
    );
    expect(result["engines"]).toHaveLength(2);
    for (const engine of result["engines"]) {
      expect(engine).toMatchObject({ mode: "bm25", queries: 48, queries_mined: 48, rows: 144, negatives_per_query: 3 });
      expect(engine["ndcg_at_10"]).toBeGreaterThan(0);
    }
    expect(result["mean_jaccard"]).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(result["only_one_engine_share"]).toBe(0);
  });

  it("compares the local engine with LanceDB on the same queries", () => {
    const lance = join(folder.path, "lance");
    runCliJson(["load", "beir", sampleFolder, "--split", "test", "--engine", `lancedb:${lance}`], folder.path);
    const result = runCliJson(
      [
        "compare",
        "--docs-collection",
        "sample",
        "--queries-collection",
        "sample-test",
        "--negatives-per-query",
        "5",
        "--engine",
        `local:${join(folder.path, "sample.db")}`,
        "--engine",
        `lancedb:${lance}`,
      ],
      folder.path,
    );
    expect(result["labels"]).toEqual([`local:${join(folder.path, "sample.db")}:bm25`, `lancedb:${lance}:bm25`]);
    const overlap = result["mean_jaccard"][0][1];
    expect(overlap).toBe(result["mean_jaccard"][1][0]);
    // Two BM25 implementations with different analysers: related, not identical.
    expect(overlap).toBeGreaterThan(0.2);
    expect(overlap).toBeLessThan(1);
    expect(result["only_one_engine_share"]).toBeGreaterThan(0);
  });

  it("exports every format", () => {
    for (const format of ["seed", "triplets", "ntuple", "flagembedding", "tevatron"]) {
      const output = join(folder.path, `out-${format}.jsonl`);
      const result = runCliJson(["export", "--collection", "negatives", "--format", format, "--output", output, ...engine], folder.path);
      const lines = readFileSync(output, "utf8").trim().split("\n");
      expect(result["lines"]).toBe(lines.length);
      for (const key of Object.keys(result)) expect(key, "snake_case keys, as every command's JSON").toMatch(/^[a-z][a-z0-9_]*$/);
      expect(result, "what it left out, and why").toHaveProperty("queries_short");
      expect(lines.length).toBe(format === "seed" || format === "triplets" ? 240 : 48);
      for (const line of lines) JSON.parse(line);
    }
  });

  it("exports to stdout with --output -, the summary on stderr, the same lines as the file", () => {
    const file = join(folder.path, "out-triplets.jsonl");
    runCliJson(["export", "--collection", "negatives", "--format", "triplets", "--output", file, ...engine], folder.path);
    const piped = runCli(
      ["export", "--collection", "negatives", "--format", "triplets", "--output", "-", "--json", ...engine],
      folder.path,
    );
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stdout, "stdout carries only the lines").toBe(readFileSync(file, "utf8"));
    expect(JSON.parse(piped.stderr), "the summary").toMatchObject({ output: "-", lines: 240 });
    expect(existsSync(join(folder.path, "-")), "no file named -").toBe(false);
  });
});

describe("hardneg on bad input", () => {
  it("names file and line of a malformed JSONL line, exits 2, and leaves no half-loaded collection", async () => {
    const file = join(folder.path, "broken.jsonl");
    writeFileSync(file, '{"id": "a", "text": "fine"}\n{"id": "b", "text": "also fine"}\n{"id": "c", "text": oops}\n');
    const result = runCli(["load", file, "--collection", "broken", "--content-key", "text", ...engine], folder.path);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(`${file}:3`);
    const store = await openLocalBackend(join(folder.path, "sample.db"));
    try {
      expect(await store.hasCollection("broken")).toBe(false);
    } finally {
      await store.close();
    }
  });

  it("names the missing key and the keys a record has", () => {
    const file = join(folder.path, "keys.jsonl");
    writeFileSync(file, '{"id": "a", "body": "text"}\n');
    const result = runCli(["load", file, "--collection", "keys", "--content-key", "content", ...engine], folder.path);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${file}:1`);
    expect(result.stderr).toContain('"content"');
    expect(result.stderr).toContain("body");
  });

  it("counts and reports an empty query instead of failing", () => {
    const file = join(folder.path, "queries.jsonl");
    writeFileSync(file, '{"q": "where do beans grow", "gold": ["d001"]}\n{"q": "  ", "gold": ["d002"]}\n');
    const result = runCliJson(
      ["load", file, "--collection", "my-queries", "--content-key", "q", "--gold-ids-key", "gold", ...engine],
      folder.path,
    );
    expect(result).toMatchObject({ kind: "queries", records: 1, skipped: 1 });
    expect(JSON.stringify(result["skipped_examples"])).toContain(`${file}`);
  });

  it("reports qrels rows naming unknown documents with file and line", () => {
    const dataset = join(folder.path, "tiny-beir");
    mkdirSync(join(dataset, "qrels"), { recursive: true });
    writeFileSync(
      join(dataset, "corpus.jsonl"),
      '{"_id": "d1", "title": "", "text": "espresso grind"}\n' +
        '{"_id": "d2", "title": "", "text": "french press"}\n' +
        '{"_id": "d3", "title": "", "text": "espresso machine descaling"}\n',
    );
    writeFileSync(join(dataset, "queries.jsonl"), '{"_id": "q1", "text": "espresso"}\n{"_id": "q2", "text": "press"}\n');
    writeFileSync(join(dataset, "qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td9\t1\n");
    const result = runCliJson(["load", "beir", dataset, ...engine], folder.path);
    expect(result["unknown_gold_ids"]).toBe(1);
    expect(result["unknown_gold_examples"]).toEqual([{ query_id: "q2", doc_id: "d9", file: join(dataset, "qrels/test.tsv"), line: 3 }]);
    const mined = runCliJson(
      [
        "mine",
        "--docs-collection",
        "tiny-beir",
        "--queries-collection",
        "tiny-beir-test",
        "--out-collection",
        "tiny-out",
        "--negatives-per-query",
        "1",
        ...engine,
      ],
      folder.path,
    );
    expect(mined).toMatchObject({ queries: 2, queries_mined: 1, queries_skipped: 1, skipped_reasons: { gold_not_in_corpus: 1 } });
  });

  it("exits 2 with a one-line message for a missing collection and for a bad option", () => {
    const missing = runCli(["eval", "--docs-collection", "nope", "--queries-collection", "sample-test", ...engine], folder.path);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('collection "nope"');
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    const badNumber = runCli(
      [
        "mine",
        "--docs-collection",
        "sample",
        "--queries-collection",
        "sample-test",
        "--out-collection",
        "x",
        "--negatives-per-query",
        "zero",
        ...engine,
      ],
      folder.path,
    );
    expect(badNumber.status).toBe(2);
    expect(badNumber.stderr).toContain("--negatives-per-query");
    const badEngine = runCli(
      ["eval", "--docs-collection", "sample", "--queries-collection", "sample-test", "--engine", "nosuch:x"],
      folder.path,
    );
    expect(badEngine.status).toBe(2);
    expect(badEngine.stderr).toContain("--engine");
  });

  it("starts every error with [hardneg] and names CLI flags, never core's option names", () => {
    const mine = ["mine", "--docs-collection", "sample", "--queries-collection", "sample-test", "--negatives-per-query", "3", ...engine];
    const failures = {
      "unknown command": runCli(["bogus", ...engine], folder.path),
      "invalid number": runCli([...mine, "--out-collection", "x", "--negatives-per-query", "0"], folder.path),
      "range upside down": runCli(
        [...mine, "--out-collection", "x", "--strategy", "range", "--range-min", "5", "--range-max", "2"],
        folder.path,
      ),
      "output over the docs": runCli([...mine, "--out-collection", "sample"], folder.path),
      "load without a file": runCli(["load", "--collection", "x", ...engine], folder.path),
    };
    for (const [name, result] of Object.entries(failures)) {
      expect(result.status, name).toBe(2);
      expect(result.stderr, name).toMatch(/^\[hardneg\] /);
      expect(result.stderr, `${name}: no core option name`).not.toMatch(/rangeMin|rangeMax|collectionName|option [a-z]+[A-Z]/);
    }
    expect(failures["range upside down"].stderr).toMatch(/^\[hardneg\] --range-min: is 5, above --range-max 2$/m);
    expect(failures["output over the docs"].stderr).toMatch(/^\[hardneg\] --out-collection: /);
  });

  it("points --mode vector without an embedder at --embedder", () => {
    const result = runCli(
      ["eval", "--docs-collection", "sample", "--queries-collection", "sample-test", "--mode", "vector", ...engine],
      folder.path,
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^\[hardneg\] --mode: .*--embedder/);
  });

  it("with --json, prints a failure as one JSON object on stdout too, with its exit code", () => {
    const usage = runCli(["mine", "--bogus", "--json", ...engine], folder.path);
    const missing = runCli(["eval", "--docs-collection", "nope", "--queries-collection", "sample-test", "--json", ...engine], folder.path);
    for (const [result, code] of [
      [usage, "USAGE"],
      [missing, "MISSING_COLLECTION"],
    ] as const) {
      expect(result.status, code).toBe(2);
      const lines = result.stdout.trim().split("\n");
      expect(lines, `${code}: one line on stdout`).toHaveLength(1);
      expect(JSON.parse(lines[0]!), code).toEqual({
        error: { code, message: expect.stringMatching(/^\[hardneg\] /) },
        exit_code: 2,
      });
      expect(result.stderr, `${code}: the line for people stays on stderr`).toMatch(/^\[hardneg\] /);
    }
    expect(JSON.parse(missing.stdout).error.message).toContain('collection "nope"');
  });

  it("prints help for every command", () => {
    for (const command of [[], ["load"], ["load", "beir"], ["mine"], ["eval"], ["export"]]) {
      const result = runCli([...command, "--help"], folder.path);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("Usage: hardneg");
    }
    expect(runCli([], folder.path).status).toBe(2);
    expect(runCli(["frobnicate"], folder.path).status).toBe(2);
    expect(existsSync(join(folder.path, "hardneg.db"))).toBe(false);
  });
});
