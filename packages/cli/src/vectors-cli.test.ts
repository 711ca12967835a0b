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

  it("refuses an unknown --vector-index with exit 2, naming the option and its choices (as --mode does)", () => {
    const result = runCli(
      [
        "eval",
        "--docs-collection",
        "x",
        "--queries-collection",
        "y",
        "--vector-index",
        "fast",
        "--engine",
        `local:${join(folder.path, "bad.db")}`,
      ],
      folder.path,
    );
    expect(result.status).toBe(2);
    expect(result.stderr.split("\n")[0]).toMatch(/--vector-index.*'fast' is invalid.*auto, exact, approximate/);
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
    /** `hardneg eval` with `args`: the summary and each query's line of --per-query (gold rank, nDCG@10, Recall@100). */
    const evaluated = (name: string, ...args: string[]) => {
      const perQueryFile = join(folder.path, `per-query-${name}.jsonl`);
      const summary = runCliJson(["eval", ...collections, ...args, "--per-query", perQueryFile, ...engine], folder.path);
      const perQuery = readFileSync(perQueryFile, "utf8").trim().split("\n");
      return { summary, perQuery };
    };
    const hybrid = (alpha: string, fusion: string) =>
      evaluated(`hybrid-${alpha}-${fusion}`, "--mode", "hybrid", "--alpha", alpha, "--fusion", fusion);
    const vector = evaluated("vector", "--mode", "vector");
    const bm25 = evaluated("bm25", "--mode", "bm25");
    const rrfHalf = hybrid("0.5", "rrf");
    const relativeHalf = hybrid("0.5", "relative-score");
    for (const [name, run] of Object.entries({ vector, bm25, rrfHalf, relativeHalf })) {
      expect(run.summary["queries"], `${name}: queries`).toBe(48);
      expect(run.perQuery, `${name}: per-query lines`).toHaveLength(48);
      expect(run.summary["ndcg_at_10"], `${name}: nDCG@10`).toBeGreaterThan(0.1);
      expect(run.summary["recall_at_pool"], `${name}: Recall@100 ≥ Recall@10`).toBeGreaterThanOrEqual(run.summary["recall_at_10"]);
    }
    expect(
      [vector, bm25, rrfHalf, relativeHalf].map((run) => run.summary["mode"]),
      "modes recorded",
    ).toEqual(["vector", "bm25", "hybrid", "hybrid"]);
    // The two modes differ on this sample, so the equalities below say which list the hybrid followed.
    expect(vector.perQuery, "vector and bm25 rank differently").not.toEqual(bm25.perQuery);
    // alpha as given: 1 is the vector list alone and 0 the keyword list alone, whatever the fusion
    // (fusion.ts's rule; ties follow the list that carries the weight).
    expect(hybrid("1", "rrf").perQuery, "hybrid at alpha 1 (rrf) = vector, query by query").toEqual(vector.perQuery);
    expect(hybrid("1", "relative-score").perQuery, "hybrid at alpha 1 (relative-score) = vector").toEqual(vector.perQuery);
    expect(hybrid("0", "relative-score").perQuery, "hybrid at alpha 0 (relative-score) = bm25, query by query").toEqual(bm25.perQuery);
    // fusion as given: at the same alpha, rrf and relative-score fuse differently.
    expect(rrfHalf.perQuery, "alpha 0.5: rrf and relative-score differ").not.toEqual(relativeHalf.perQuery);
    // An alpha between the ends mixes the lists: it is neither pure list, and differs from the
    // default alpha 0.75, which an ignored --alpha would give.
    expect(relativeHalf.perQuery, "alpha 0.5 is not the vector list").not.toEqual(vector.perQuery);
    expect(relativeHalf.perQuery, "alpha 0.5 is not the keyword list").not.toEqual(bm25.perQuery);
    const defaults = evaluated("hybrid-defaults", "--mode", "hybrid");
    expect(defaults.perQuery, "no --alpha/--fusion: alpha 0.75, relative-score").toEqual(hybrid("0.75", "relative-score").perQuery);
    expect(relativeHalf.perQuery, "--alpha 0.5 is not the default 0.75").not.toEqual(defaults.perQuery);
    expect(readdirSync(`${database}.bm25`).filter((file) => file.endsWith(".vectors"))).toHaveLength(1);
    expect(readdirSync(join(folder.path, ".hardneg-cache", "embeddings")).length).toBe(1);
  });

  it("--vector-index approximate searches through an index stored beside the vectors; exact and auto (small) do not", () => {
    const evaluated = (...args: string[]) => {
      const perQueryFile = join(folder.path, `per-query-index-${args.join("-")}.jsonl`);
      const summary = runCliJson(
        ["eval", ...collections, "--mode", "vector", ...args, "--per-query", perQueryFile, ...engine],
        folder.path,
      );
      return { summary, perQuery: readFileSync(perQueryFile, "utf8").trim().split("\n") };
    };
    const annFiles = () => readdirSync(`${database}.bm25`).filter((file) => file.endsWith(".ann"));
    const auto = evaluated();
    const exact = evaluated("--vector-index", "exact");
    expect(exact.perQuery, "auto below 50,000 documents is exact").toEqual(auto.perQuery);
    expect(annFiles()).toEqual([]);
    const approximate = evaluated("--vector-index", "approximate");
    expect(annFiles()).toHaveLength(1);
    expect(approximate.summary["queries"]).toBe(48);
    // 300 documents, efSearch 256: the graph finds (nearly) every true neighbour; scores are exact.
    expect(Math.abs(approximate.summary["ndcg_at_10"] - exact.summary["ndcg_at_10"])).toBeLessThanOrEqual(0.05);
    expect(Math.abs(approximate.summary["recall_at_pool"] - exact.summary["recall_at_pool"])).toBeLessThanOrEqual(0.05);
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
    expect(readFileSync(reportFile, "utf8")).toMatch(/<dt>embedder<\/dt><dd><bdi>onnx:tiny-scifact-embedder@[0-9a-f]{12}<\/bdi><\/dd>/);
  });
});
