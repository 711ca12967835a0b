import { DROP_REASONS, GOLD_RANK_BUCKETS, type MineReport, type NegativeOverlap } from "@hardneg/core";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliJson, sampleFolder } from "../test-support.js";
import { type ComparedEngine, renderCompareReport } from "./compare-report.js";
import { renderMineReport } from "./mine-report.js";
import type { RunData } from "./run-data.js";
import { runSettings, shortfallSummary } from "./run-summary.js";

/** The run of the issue: 809 queries, 479 of which produced no row. */
function report(overrides: Partial<MineReport> = {}): MineReport {
  return {
    run_id: "run-1",
    out_collection: "negatives",
    mode: "bm25",
    strategy: "ahead-of-gold",
    queries: 809,
    queries_mined: 330,
    rows_written: 1500,
    queries_short: 20,
    queries_padded: 10,
    queries_skipped: 479,
    skipped_reasons: { shortfall: 470, gold_not_in_corpus: 9 },
    skipped_examples: [{ query_id: "q9", reason: "shortfall", detail: "0 of 5 negatives" }],
    short_examples: ["q2"],
    gold_rank_histogram: Object.fromEntries(GOLD_RANK_BUCKETS.map((bucket) => [bucket, 1])) as MineReport["gold_rank_histogram"],
    dropped: {
      ...(Object.fromEntries(DROP_REASONS.map((reason, index) => [reason, 10 + index])) as MineReport["dropped"]),
      not_sampled: 98765,
    },
    metrics: { queries: 330, ndcg_at_10: 0.5, mrr_at_10: 0.4, recall_at_10: 0.75, recall_at_pool: 1, pool_size: 100 },
    negative_scores: null,
    gold_scores: null,
    batches_resumed: 0,
    batches: 1,
    ...overrides,
  } as MineReport;
}

function runData(options: Record<string, unknown> = {}): RunData {
  return {
    runId: "run-1",
    status: "complete",
    options: {
      backend: "local",
      out: "negatives",
      search: { mode: "bm25", poolSize: 100 },
      selection: { negativesPerQuery: 5, strategy: "ahead-of-gold", sampling: "top", shortfall: "keep-fewer", seed: 42 },
      querySamples: "all",
      querySampling: "first",
      docs: { collection: "docs" },
      queries: { collectionName: "queries" },
      ...options,
    },
    report: report(),
    negativeScores: [],
    goldScores: [],
    examples: [],
    shortfallQueries: new Map([
      ["q2", { text: "why is my espresso sour", rows: 2 }],
      ["q9", { text: "how to descale a kettle", rows: 0 }],
    ]),
  };
}

/** The page's text, tags removed, white space collapsed (what a reader sees). */
function textOf(html: string): string {
  return html
    .replace(/<(svg|style)[\s\S]*?<\/\1>/g, " ")
    .replace(/<\/(td|th|dt|dd|div|p)>/g, " ")
    .replace(/<[^>]+>/g, "")
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ");
}

describe("a mining report that tells the truth", () => {
  it("says how many queries were mined, kept fewer than N, were padded and produced no row, with reasons", async () => {
    const sentences = shortfallSummary(report(), 5);
    expect(sentences, "mined + no row = queries").toContain("Of 809 queries, 330 were mined and 479 produced no row.");
    expect(sentences, "full = mined − short; N from the run's options").toContain(
      "Mined: 310 got all 5 negatives; 20 kept fewer than 5; of these, 10 were padded with random documents.",
    );
    expect(sentences, "every skip reason with its count").toContain(
      "No row: 470 for shortfall (too few eligible negatives), 9 for gold_not_in_corpus (no gold document in the corpus).",
    );
    const text = textOf(await renderMineReport([runData()]));
    expect(text, "the old, false sentence is gone").not.toMatch(/produced none/);
    expect(text).toContain("Of 809 queries, 330 were mined and 479 produced no row.");
  });

  it("lists each short or skipped example with its query text and a real detail", async () => {
    const text = textOf(await renderMineReport([runData()]));
    expect(text, "a short query: its text and rows written of N").toContain("q2: why is my espresso sour kept fewer 2 of 5 negatives");
    expect(text, "a skipped query: its text, reason and recorded detail").toContain(
      "q9: how to descale a kettle no row: shortfall (too few eligible negatives) 0 of 5 negatives",
    );
    expect(text, "says how much of each kind is listed").toContain(
      "Listed: the first 1 of 20 short queries and the first 1 of 479 queries without a row.",
    );
  });

  it("shows every setting that decides how negatives were chosen", async () => {
    const settings = Object.fromEntries(runSettings(runData().options));
    expect(settings).toMatchObject({
      "negatives per query (N)": "5",
      strategy: "ahead-of-gold",
      "score filters": "none",
      sampling: "top",
      shortfall: "keep-fewer",
      "near duplicates": "exact copies only",
      "held-out golds of": "none",
      queries: "all, first",
      mode: "bm25",
      alpha: "–",
      fusion: "–",
      "pool size": "100",
      engine: "local",
      embedder: "none",
    });
    const tuned = runData({
      search: { mode: "hybrid", poolSize: 50, alpha: 0.5, fusion: "relative-score" },
      selection: {
        negativesPerQuery: 3,
        strategy: "range",
        rangeMin: 10,
        rangeMax: 40,
        relativeMargin: 0.05,
        minScore: 0.2,
        sampling: "random",
        shortfall: "pad-random",
        seed: 7,
        nearDuplicateThreshold: 0.8,
      },
      excludeGoldsOf: ["scifact-dev#gold_ids", "scifact-test#gold_ids"],
      querySamples: 100,
      querySampling: "random",
      embedder: "onnx:tiny",
    });
    expect(Object.fromEntries(runSettings(tuned.options))).toMatchObject({
      strategy: "range (pool ranks 10–40)",
      "score filters": "relative margin 0.05, min score 0.2",
      sampling: "random (seed 7)",
      shortfall: "pad-random",
      "near duplicates": "dropped at similarity ≥ 0.8",
      "held-out golds of": "scifact-dev, scifact-test",
      queries: "100, random (seed 7)",
      alpha: "0.5",
      fusion: "relative-score",
      embedder: "onnx:tiny",
    });
    const text = textOf(await renderMineReport([tuned]));
    expect(text, "the page shows the block").toContain("How negatives were chosen");
    expect(text).toContain("strategy range (pool ranks 10–40)");
  });

  it("charts the filters' drops without not_sampled, and states not_sampled's count in words", async () => {
    const html = await renderMineReport([runData()]);
    const figure = html.slice(html.indexOf("Candidates dropped by a filter"));
    const svg = figure.slice(figure.indexOf("<svg"), figure.indexOf("</svg>"));
    expect(svg, "not_sampled is not a bar").not.toContain("not_sampled");
    for (const [index, reason] of DROP_REASONS.entries()) {
      if (reason === "not_sampled") continue;
      expect(svg, `${reason} is a bar`).toContain(`>${reason}<`);
      expect(svg, `${reason}'s count is printed`).toContain(`>${10 + index}<`);
    }
    expect(textOf(figure), "not_sampled's count, in words").toContain(
      "Not charted: 98765 eligible candidates were not needed (not_sampled: beyond the 5 taken per query).",
    );
  });
});

function engines(labels: string[]): ComparedEngine[] {
  return labels.map((label, index) => ({
    label,
    mode: "bm25",
    run_id: `run-${index}`,
    ndcg_at_10: 0.7,
    mrr_at_10: 0.6,
    recall_at_10: 0.8,
    recall_at_pool: 0.9,
    pool_size: 100,
    negatives_per_query: 2,
    gold_rank_histogram: { "1": 3 },
  }));
}

describe("a comparison report that tells the truth", () => {
  const labels = ["local:a.db:bm25", "local:b.db:bm25"];

  it("shows each disagreeing negative with a snippet of its text", async () => {
    const overlap: NegativeOverlap = {
      labels,
      mean_jaccard: [
        [1, 0],
        [0, 1],
      ],
      only_one_engine_share: 1,
      unique_share: { [labels[0]!]: 1, [labels[1]!]: 1 },
      shared_queries: 1,
      disagreements: [{ query_id: "q1", mean_jaccard: 0, negatives: { [labels[0]!]: ["d1"], [labels[1]!]: ["d2"] } }],
    };
    const html = await renderCompareReport({
      engines: engines(labels),
      overlap,
      runs: [],
      queryTexts: new Map([["q1", "why is my espresso sour"]]),
      documentTexts: new Map([
        ["d1", "Under-extracted coffee tastes sour"],
        ["d2", `A moka pot needs a fine grind ${"and a long text ".repeat(20)}`],
      ]),
    });
    const text = textOf(html);
    expect(text, "the id with its text").toContain("d1: Under-extracted coffee tastes sour");
    expect(text, "a long text is cut to a snippet").toMatch(/d2: A moka pot needs a fine grind (and a long text )+[^…]*…/);
    expect(text).not.toContain("agreed on every query");
  });

  it("says the engines agreed when no query's negative sets differ", async () => {
    const overlap: NegativeOverlap = {
      labels,
      mean_jaccard: [
        [1, 1],
        [1, 1],
      ],
      only_one_engine_share: 0,
      unique_share: { [labels[0]!]: 0, [labels[1]!]: 0 },
      shared_queries: 48,
      disagreements: [],
    };
    const html = await renderCompareReport({
      engines: engines(labels),
      overlap,
      runs: [],
      queryTexts: new Map(),
      documentTexts: new Map(),
    });
    const text = textOf(html);
    expect(text).toContain("The engines agreed on every query: for each of the 48 queries they all mined, they chose the same negatives.");
    expect(text, "no disagreement table").not.toContain("disagree most");
  });
});

describe("reports of real runs on the bundled sample (CLI)", () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "hardneg-report-truth-"));
    runCliJson(["load", "beir", sampleFolder, "--split", "test", "--engine", "local:s.db"], folder);
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("a keep-fewer run's page states the run's own counts, and each short query's rows", () => {
    const mined = runCliJson(
      [
        "mine",
        ...["--docs-collection", "sample", "--queries-collection", "sample-test", "--out-collection", "aog"],
        ...["--negatives-per-query", "5", "--strategy", "ahead-of-gold", "--shortfall", "keep-fewer"],
        ...["--engine", "local:s.db", "--report", "mine.html"],
      ],
      folder,
    );
    const text = textOf(readFileSync(join(folder, "mine.html"), "utf8"));
    expect(mined["queries_skipped"], "this run must have skipped queries to test anything").toBeGreaterThan(0);
    expect(mined["queries_short"], "and short ones").toBeGreaterThan(0);
    expect(text).toContain(
      `Of ${mined["queries"]} queries, ${mined["queries_mined"]} were mined and ${mined["queries_skipped"]} produced no row.`,
    );
    expect(text).toContain(
      `Mined: ${mined["queries_mined"] - mined["queries_short"]} got all 5 negatives; ${mined["queries_short"]} kept fewer than 5.`,
    );
    const details = [...text.matchAll(/kept fewer (\d) of 5 negatives/g)].map((match) => Number(match[1]));
    expect(details.length, "one detail per short query listed").toBe(Math.min(20, mined["queries_short"]));
    expect(
      details.every((rows) => rows >= 1 && rows < 5),
      `a short query wrote 1 to 4 rows: ${details}`,
    ).toBe(true);
  });

  it("a comparison of one engine with itself lists no disagreement", () => {
    const compared = runCliJson(
      [
        "compare",
        ...["--docs-collection", "sample", "--queries-collection", "sample-test", "--negatives-per-query", "5"],
        ...["--engine", "local:s.db", "--engine", "local:s.db", "--report", "compare.html"],
      ],
      folder,
    );
    expect(compared["disagreements"], "identical engines disagree nowhere").toEqual([]);
    const text = textOf(readFileSync(join(folder, "compare.html"), "utf8"));
    expect(text).toContain(`for each of the ${compared["shared_queries"]} queries they all mined, they chose the same negatives.`);
  });
});
