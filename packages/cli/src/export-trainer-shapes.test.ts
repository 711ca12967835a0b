import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliJson, sampleFolder, temporaryFolder } from "./test-support.js";

const folder = temporaryFolder();
const engine = ["--engine", `local:${join(folder.path, "sample.db")}`];
afterAll(() => folder.remove());

/**
 * The type `datasets` (Arrow) would infer for a JSON value: "string", "number", "bool", "null",
 * "list<...>" or "struct{...}". Lists must hold one type; a mixed list is "list<mixed>".
 */
function arrowType(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) {
    const types = new Set(value.map(arrowType));
    return `list<${types.size === 1 ? [...types][0] : types.size === 0 ? "empty" : "mixed"}>`;
  }
  const entries = Object.entries(value as Record<string, unknown>).sort(([left], [right]) => (left < right ? -1 : 1));
  return `struct{${entries.map(([key, item]) => `${key}:${arrowType(item)}`).join(",")}}`;
}

/** Each line's column → type, as `datasets` infers a schema. */
function schemaOf(line: Record<string, unknown>): string {
  return arrowType(line);
}

function readJsonl(file: string): Record<string, unknown>[] {
  return readFileSync(file, "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line));
}

describe("exports of a run with short queries load as trainers read them", () => {
  beforeAll(() => {
    runCliJson(["load", "beir", sampleFolder, "--split", "test", ...engine], folder.path);
    // ahead-of-gold with keep-fewer: many queries get fewer than 5 negatives, some none.
    const report = runCliJson(
      [
        "mine",
        ...["--docs-collection", "sample", "--queries-collection", "sample-test", "--out-collection", "short"],
        ...["--negatives-per-query", "5", "--strategy", "ahead-of-gold", "--shortfall", "keep-fewer"],
        ...engine,
      ],
      folder.path,
    );
    expect(report["queries_short"], "the run has short queries").toBeGreaterThan(0);
  });

  const variants = [
    ...["seed", "triplets", "ntuple", "flagembedding", "tevatron", "labeled-pair", "labeled-list"].map((format) => ({ format, flags: [] })),
    ...["triplets", "ntuple", "flagembedding"].map((format) => ({ format, flags: ["--with-scores"] })),
    { format: "ntuple", flags: ["--positives", "each"] },
  ];
  for (const { format, flags } of variants) {
    it(`${[format, ...flags].join(" ")}: one schema on every line, no nulls in what trainers read`, () => {
      const output = join(folder.path, `${[format, ...flags].join("")}.jsonl`);
      const summary = runCliJson(
        ["export", "--collection", "short", "--format", format, "--output", output, ...flags, ...engine],
        folder.path,
      );
      const lines = readJsonl(output);
      expect(lines.length, "lines written").toBe(summary["lines"]);
      expect(lines.length, "some lines").toBeGreaterThan(0);
      if (format === "seed") return; // the stored rows as they are (gold_rank may be null): for re-import, not for training
      const schemas = new Set(lines.map(schemaOf));
      expect([...schemas], "datasets infers one schema (no column missing on a line, no type change)").toHaveLength(1);
      expect([...schemas][0], "no null column, no list of mixed types").not.toMatch(/null|mixed|empty/);
      if (format === "triplets" || format === "ntuple") {
        // sentence-transformers' input check: every input column is a string; "label" is the label column.
        for (const line of lines) {
          for (const [key, value] of Object.entries(line)) if (key !== "label") expect(typeof value, key).toBe("string");
        }
      }
      if (flags.includes("--with-scores")) {
        expect(summary["queries_without_scores"], "the top-k negatives of a bm25 run all have scores").toBe(0);
        const scoreKey = format === "flagembedding" ? "neg_scores" : "label";
        for (const line of lines) expect(line[scoreKey], `every line has ${scoreKey}`).toBeDefined();
      }
    });
  }

  it("ntuple: says how many queries it left out for fewer negatives, and how to change the width", () => {
    const output = join(folder.path, "ntuple-human.jsonl");
    const result = runCli(["export", "--collection", "short", "--format", "ntuple", "--output", output, ...engine], folder.path);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/left out \d+ queries with fewer than 5 negatives.*--negatives-per-line/);
    const narrow = runCliJson(
      ["export", "--collection", "short", "--format", "ntuple", "--output", output, "--negatives-per-line", "1", ...engine],
      folder.path,
    );
    const wide = runCliJson(["export", "--collection", "short", "--format", "ntuple", "--output", output, ...engine], folder.path);
    expect(narrow["negatives_per_line"], "the width given").toBe(1);
    expect(narrow["queries"] + narrow["queries_short"], "a narrower line keeps more queries").toBeGreaterThan(wide["queries"]);
    expect(narrow["queries_short"], "no query has fewer than 1 negative").toBe(0);
  });
});
