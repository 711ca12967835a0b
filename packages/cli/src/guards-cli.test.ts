import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { openLocalBackend } from "@hardneg/backend-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliJson, sampleFolder, temporaryFolder } from "./test-support.js";

/** The ArguAna-style BEIR fixture: see its README for what each document is. */
const fixtureFolder = resolve(import.meta.dirname, "__fixtures__/arguana-style");
const folder = temporaryFolder();
const database = join(folder.path, "guards.db");
const engine = ["--engine", `local:${database}`];
afterAll(() => folder.remove());

const mineArgs = (queries: string, out: string, ...more: string[]) => [
  "mine",
  "--docs-collection",
  "arguana-style",
  "--queries-collection",
  `arguana-style-${queries}`,
  "--out-collection",
  out,
  "--negatives-per-query",
  "10",
  ...more,
  ...engine,
];

/** The negatives a run wrote, per query: "query: id id ...", in rank order. */
async function negativesOf(collection: string): Promise<string[]> {
  const store = await openLocalBackend(database);
  try {
    const byQuery = new Map<string, { id: string; rank: number }[]>();
    for await (const batch of store.iterate(collection)) {
      for (const { properties } of batch) {
        const list = byQuery.get(String(properties["query_id"])) ?? [];
        list.push({ id: String(properties["hard_negative_id"]), rank: Number(properties["rank"]) });
        byQuery.set(String(properties["query_id"]), list);
      }
    }
    return [...byQuery.entries()]
      .sort(([left], [right]) => left.localeCompare(right))
      .map(
        ([query, list]) =>
          `${query}: ${list
            .sort((left, right) => left.rank - right.rank)
            .map((negative) => negative.id)
            .join(" ")}`,
      );
  } finally {
    await store.close();
  }
}

describe("hardneg mine: near duplicates and held-out golds, on an ArguAna-style corpus", () => {
  beforeAll(() => {
    for (const split of ["test", "train"]) runCliJson(["load", "beir", fixtureFolder, "--split", split, ...engine], folder.path);
  });

  it("drops the query's argument, the copies of the gold and a copy of another negative by default, and counts them", async () => {
    const report = runCliJson(mineArgs("test", "default"), folder.path);
    expect(report["dropped"]).toMatchObject({ near_duplicate: 12, same_as_query: 0, same_as_gold: 0, duplicate: 0 });
    expect(await negativesOf("default")).toEqual([
      "a1: a2-counter a2-argument pe meals voting-quotes",
      // For a2, a1's gold is an ordinary candidate: the best-ranked of its five copies stays, the rest go.
      "a2: a1-argument a1-counter-edited pe meals",
    ]);
  });

  it("with --near-duplicate-threshold 1, keeps them all, as before the rule", async () => {
    const report = runCliJson(mineArgs("test", "exact", "--near-duplicate-threshold", "1"), folder.path);
    expect(report["dropped"]["near_duplicate"]).toBe(0);
    expect((await negativesOf("exact"))[0]).toBe(
      "a1: a1-argument a1-counter-truncated a1-counter-edited a1-counter-header a1-counter-reflowed " +
        "a2-counter a2-argument pe pe-summary meals",
    );
  });

  it("at 0.95 keeps the copy with two words changed (similarity 0.94)", () => {
    const report = runCliJson(mineArgs("test", "strict", "--near-duplicate-threshold", "0.95"), folder.path);
    expect(report["dropped"]["near_duplicate"]).toBe(10);
  });

  it("refuses a threshold outside (0, 1], naming the flag", () => {
    for (const bad of ["0", "1.5", "-0.2"]) {
      const result = runCli(mineArgs("test", "bad", "--near-duplicate-threshold", bad), folder.path);
      expect(result.status, bad).toBe(2);
      expect(result.stderr).toMatch(/^\[hardneg\] --near-duplicate-threshold: must be above 0 and at most 1/);
    }
  });

  it("--exclude-golds-of the test split keeps the test golds out of the train negatives, and counts them", async () => {
    const plain = runCliJson(mineArgs("train", "train-plain"), folder.path);
    expect(plain["dropped"]["held_out_gold"]).toBe(0);
    expect((await negativesOf("train-plain"))[1]).toContain("a1-counter a1-argument a2-counter");
    const guarded = runCliJson(mineArgs("train", "train-guarded", "--exclude-golds-of", "arguana-style-test"), folder.path);
    expect(guarded["dropped"]["held_out_gold"]).toBe(2);
    const negatives = (await negativesOf("train-guarded")).join(" ");
    expect(negatives).not.toMatch(/a1-counter |a2-counter/);
    expect(guarded["run_id"], "another run").not.toBe(plain["run_id"]);
  });

  it("--exclude-golds-of is repeatable", () => {
    const both = runCliJson(
      mineArgs("train", "train-both", "--exclude-golds-of", "arguana-style-test", "--exclude-golds-of", "arguana-style-train"),
      folder.path,
    );
    expect(both["dropped"]["held_out_gold"], "the test golds; the train golds are the queries' own (gold)").toBe(2);
    expect(both["dropped"]["gold"]).toBe(2);
  });

  it("exits 2 naming the flag and the collection when a held-out collection is missing", () => {
    const result = runCli(mineArgs("train", "missing", "--exclude-golds-of", "arguana-style-tset"), folder.path);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^\[hardneg\] collection "arguana-style-tset", --exclude-golds-of: does not exist; load the held-out/);
  });

  it("shows both counts in the text summary, and the settings in list", () => {
    const text = runCli(mineArgs("train", "train-text", "--exclude-golds-of", "arguana-style-test"), folder.path);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^candidates dropped: gold:2 {2}held_out_gold:2 {2}near_duplicate:4$/m);
    const listed = runCli(["list", ...engine], folder.path).stdout;
    expect(listed).toMatch(/-> train-text .*\n.*near_duplicate_threshold=0\.9 exclude_golds_of=\["arguana-style-test#gold_ids"\]/);
    expect(listed, "a threshold of 1 is not recorded").toMatch(/-> exact .*\n(?!.*near_duplicate_threshold).*\n/);
  });

  it("shows both counts and both settings in the HTML report", () => {
    const reportFile = join(folder.path, "guards.html");
    runCliJson(mineArgs("train", "train-html", "--exclude-golds-of", "arguana-style-test", "--report", reportFile), folder.path);
    const html = readFileSync(reportFile, "utf8");
    const figure = html.slice(html.indexOf("Candidates dropped by a filter"));
    const svg = figure.slice(figure.indexOf("<svg"), figure.indexOf("</svg>"));
    for (const reason of ["held_out_gold", "near_duplicate"]) expect(svg, `${reason} is a bar`).toContain(`>${reason}<`);
    expect(svg, "held_out_gold's 2 and near_duplicate's 4").toMatch(/>2<[\s\S]*>4</);
    expect(html).toContain("<dt>near duplicates</dt><dd><bdi>dropped at similarity ≥ 0.9</bdi></dd>");
    expect(html).toContain("<dt>held-out golds of</dt><dd><bdi>arguana-style-test</bdi></dd>");
  });
});

describe("run ids", () => {
  it("--near-duplicate-threshold 1 keeps the run id a run had before the rule existed", () => {
    const sample = join(folder.path, "sample.db");
    runCliJson(["load", "beir", sampleFolder, "--split", "test", "--engine", `local:${sample}`], folder.path);
    const args = ["mine", "--docs-collection", "sample", "--queries-collection", "sample-test", "--out-collection", "out"];
    const report = runCliJson(
      [...args, "--negatives-per-query", "2", "--near-duplicate-threshold", "1", "--engine", `local:${sample}`],
      folder.path,
    );
    // The id `hardneg mine` printed for this command at commit ee25d53, before near duplicates and held-out golds.
    expect(report["run_id"]).toBe("e29fec8a-819c-5dd7-abed-eb188891aad2");
  });
});
