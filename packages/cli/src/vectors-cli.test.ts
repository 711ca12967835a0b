import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sharedData } from "@hardneg/core/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliJson, sampleFolder, temporaryFolder } from "./test-support.js";

const { path: modelFolder, available } = sharedData("models/tiny-scifact-embedder", import.meta.url, "onnx/model.onnx");

const folder = temporaryFolder();
afterAll(() => folder.remove());
const ATTACK = "<script>alert('hardneg')</script>";

describe("hardneg --embedder and --report", () => {
  it("refuses a malformed --embedder with exit 2 and one line naming the option", () => {
    const result = runCli(
      [
        "eval",
        "--docs-collection",
        "x",
        "--queries-collection",
        "y",
        "--embedder",
        "word2vec:abc",
        "--engine",
        `local:${join(folder.path, "bad.db")}`,
      ],
      folder.path,
    );
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/--embedder.*onnx:<model id or folder> or openai:<model>/);
  });

  it("writes a report whose document and query texts are escaped (a document holding <script>)", () => {
    const engine = ["--engine", `local:${join(folder.path, "attack.db")}`];
    const documents = join(folder.path, "docs.jsonl");
    const queries = join(folder.path, "queries.jsonl");
    writeFileSync(
      documents,
      [
        { id: "d1", text: `espresso machines ${ATTACK} descaling` },
        { id: "d2", text: "espresso grinders and burrs" },
        { id: "d3", text: `how to descale ${ATTACK} an espresso machine with citric acid` },
        { id: "d4", text: "tea kettles" },
      ]
        .map((record) => JSON.stringify(record))
        .join("\n"),
    );
    writeFileSync(queries, JSON.stringify({ query: `descale espresso machine ${ATTACK}`, gold: ["d3"] }));
    runCliJson(["load", documents, "--collection", "docs", "--content-key", "text", ...engine], folder.path);
    runCliJson(["load", queries, "--collection", "queries", "--content-key", "query", "--gold-ids-key", "gold", ...engine], folder.path);
    const reportFile = join(folder.path, "attack.html");
    const mined = runCliJson(
      [
        "mine",
        "--docs-collection",
        "docs",
        "--queries-collection",
        "queries",
        "--out-collection",
        "negatives",
        "--negatives-per-query",
        "2",
        "--report",
        reportFile,
        ...engine,
      ],
      folder.path,
    );
    expect(mined["report_file"]).toBe(reportFile);
    const html = readFileSync(reportFile, "utf8");
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("&lt;script&gt;alert(&#39;hardneg&#39;)&lt;/script&gt;");
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(3);

    const again = join(folder.path, "again.html");
    const byCollection = runCliJson(["report", "negatives", "--output", again, ...engine], folder.path);
    expect(byCollection["runs"]).toEqual([mined["run_id"]]);
    expect(readFileSync(again, "utf8")).not.toMatch(/<script/i);
  });
});

describe.skipIf(!available)("vector and hybrid modes through the CLI, with the tiny ONNX embedder (offline)", () => {
  const database = join(folder.path, "sample.db");
  const engine = ["--engine", `local:${database}`, "--embedder", `onnx:${modelFolder}`];
  const collections = ["--docs-collection", "sample", "--queries-collection", "sample-test"];

  beforeAll(() => {
    const loaded = runCliJson(["load", "beir", sampleFolder, "--split", "test", ...engine], folder.path);
    expect(loaded["vectors"]).toMatchObject({ documents: 300, dimension: 128, source: "embedded" });
    expect(loaded["vectors"]["embedder"]).toMatch(/^onnx:tiny-scifact-embedder@[0-9a-f]{12}$/);
  });

  it("evaluates vector and hybrid from the stored vectors, alpha and fusion as given", () => {
    const vector = runCliJson(["eval", ...collections, "--mode", "vector", ...engine], folder.path);
    const hybrid = runCliJson(["eval", ...collections, "--mode", "hybrid", "--alpha", "0.5", "--fusion", "rrf", ...engine], folder.path);
    for (const report of [vector, hybrid]) {
      expect(report["queries"]).toBe(48);
      expect(report["ndcg_at_10"]).toBeGreaterThan(0.1);
      expect(report["recall_at_100"]).toBeGreaterThanOrEqual(report["recall_at_10"]);
    }
    expect(readdirSync(`${database}.bm25`).filter((file) => file.endsWith(".vectors"))).toHaveLength(1);
    expect(readdirSync(join(folder.path, ".hardneg-cache", "embeddings")).length).toBe(1);
  });

  it("says vector mode needs an embedder when none is given", () => {
    const result = runCli(["eval", ...collections, "--mode", "vector", "--engine", `local:${database}`], folder.path);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/not offered by this backend/);
  });

  it("compares bm25, vector and hybrid on one engine: JSON with a 3×3 overlap matrix and an HTML report", () => {
    const reportFile = join(folder.path, "compare.html");
    const result = runCliJson(
      [
        "compare",
        ...collections,
        "--negatives-per-query",
        "5",
        "--mode",
        "bm25",
        "--mode",
        "vector",
        "--mode",
        "hybrid",
        "--report",
        reportFile,
        ...engine,
      ],
      folder.path,
    );
    expect((result["engines"] as Array<{ mode: string }>).map((item) => item.mode)).toEqual(["bm25", "vector", "hybrid"]);
    const matrix = result["mean_jaccard"] as number[][];
    expect(matrix).toHaveLength(3);
    matrix.forEach((row, index) => {
      expect(row[index]).toBe(1);
      row.forEach((value, column) => {
        expect(value).toBeCloseTo(matrix[column]![index]!, 12);
      });
    });
    const html = readFileSync(reportFile, "utf8");
    // Heatmap and gold ranks, then gold ranks, scores and drops for each of the three runs.
    expect(html.match(/<svg/g)?.length).toBe(2 + 3 * 3);
    expect(html).not.toMatch(/<script/i);
  });

  it("mines in vector mode with --relative-margin, recording the embedder in the run", () => {
    const reportFile = join(folder.path, "mine-vector.html");
    const report = runCliJson(
      [
        "mine",
        ...collections,
        "--out-collection",
        "vector-negatives",
        "--negatives-per-query",
        "3",
        "--mode",
        "vector",
        "--relative-margin",
        "0.05",
        "--report",
        reportFile,
        ...engine,
      ],
      folder.path,
    );
    expect(report["mode"]).toBe("vector");
    expect(report["dropped"]["relative_margin"]).toBeGreaterThan(0);
    expect(readFileSync(reportFile, "utf8")).toMatch(/embedder <code><bdi>onnx:tiny-scifact-embedder@[0-9a-f]{12}<\/bdi><\/code>/);
  });
});
