import { DROP_REASONS, GOLD_RANK_BUCKETS, type MineReport, type NegativeOverlap } from "@hardneg/core";
import { describe, expect, it } from "vitest";
import { barChart, renderChart } from "./charts.js";
import { renderCompareReport, type ComparedEngine } from "./compare-report.js";
import { activeContentOf, escapeHtml } from "./html.js";
import { renderMineReport } from "./mine-report.js";
import type { RunData } from "./run-data.js";

const ATTACK = `<script>alert("x")</script><img src=x onerror=alert(1)>`;

function mineReport(): MineReport {
  return {
    run_id: "run-1",
    out_collection: "negatives",
    mode: "vector",
    strategy: "top-k",
    queries: 3,
    queries_mined: 2,
    rows_written: 8,
    queries_short: 1,
    queries_padded: 0,
    queries_skipped: 1,
    skipped_reasons: { gold_not_in_corpus: 1 },
    skipped_examples: [{ query_id: `q-${ATTACK}`, reason: "gold_not_in_corpus", detail: ATTACK }],
    short_examples: [`short-${ATTACK}`],
    gold_rank_histogram: Object.fromEntries(
      GOLD_RANK_BUCKETS.map((bucket, index) => [bucket, index % 3]),
    ) as MineReport["gold_rank_histogram"],
    dropped: Object.fromEntries(DROP_REASONS.map((reason, index) => [reason, index])) as MineReport["dropped"],
    metrics: { queries: 2, ndcg_at_10: 0.5, mrr_at_10: 0.4, recall_at_10: 0.75, recall_at_pool: 1, pool_size: 100 },
    negative_scores: null,
    gold_scores: null,
    batches_resumed: 0,
    batches: 1,
  } as MineReport;
}

function runData(runId = "run-1"): RunData {
  return {
    runId,
    status: "complete",
    options: {
      backend: `local${ATTACK}`,
      embedder: ATTACK,
      out: "negatives",
      search: { mode: "vector", poolSize: 100 },
      selection: { strategy: "top-k" },
      docs: { collection: "docs" },
    },
    report: mineReport(),
    negativeScores: [0.61, 0.55, 0.52, 0.48, 0.47, 0.4, 0.33, 0.2],
    goldScores: [0.7, 0.66],
    examples: [
      {
        queryId: "q1",
        query: `what is ${ATTACK}?`,
        goldIds: ["d1"],
        goldDocument: `gold ${ATTACK}`,
        negativeId: `d2${ATTACK}`,
        negative: `negative ${ATTACK}`,
        rank: 1,
        score: 0.61,
        goldScore: 0.7,
      },
    ],
    shortfallQueries: new Map([
      [`short-${ATTACK}`, { text: `short query ${ATTACK}`, rows: 2 }],
      [`q-${ATTACK}`, { text: `skipped query ${ATTACK}`, rows: 0 }],
    ]),
  };
}

/** No active markup and nothing fetched: what a self-contained, safe page must satisfy. */
function expectSafePage(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<img/i);
  const body = html.slice(html.indexOf("<body>"));
  expect(activeContentOf(body)).toBeUndefined();
  // The only URLs are the SVG namespace names (identifiers, never fetched).
  const urls = html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
  expect(urls.filter((url) => !url.startsWith("http://www.w3.org/"))).toEqual([]);
}

describe("HTML reports", () => {
  it("escape every data string, in tables and in the Vega-rendered SVG", async () => {
    const html = await renderMineReport([runData()], `report ${ATTACK}`);
    expectSafePage(html);
    expect(html).toContain(escapeHtml(`negative ${ATTACK}`));
    expect(html).toContain(escapeHtml(`short-${ATTACK}`));
    // Charts: gold rank, scores, drop counts.
    expect(html.match(/<svg/g)?.length).toBe(3);
  });

  it("render the comparison's overlap heatmap with untrusted engine labels escaped inside the SVG", async () => {
    const labels = [`local:a.db${ATTACK}:bm25`, "local:a.db:vector"];
    const engines: ComparedEngine[] = labels.map((label, index) => ({
      label,
      mode: index === 0 ? "bm25" : "vector",
      run_id: `run-${index}`,
      ndcg_at_10: 0.7,
      mrr_at_10: 0.6,
      recall_at_10: 0.8,
      recall_at_pool: 0.9,
      pool_size: 100,
      negatives_per_query: 5,
      gold_rank_histogram: { "1": 3, "2": 1, none: 1 },
    }));
    const overlap: NegativeOverlap = {
      labels,
      mean_jaccard: [
        [1, 0.25],
        [0.25, 1],
      ],
      only_one_engine_share: 0.6,
      shared_queries: 1,
      unique_share: { [labels[0]!]: 0.5, [labels[1]!]: 0.7 },
      disagreements: [{ query_id: "q1", mean_jaccard: 0.25, negatives: { [labels[0]!]: [`d${ATTACK}`], [labels[1]!]: ["d9"] } }],
    };
    const html = await renderCompareReport({
      engines,
      overlap,
      runs: [runData("run-0"), runData("run-1")],
      queryTexts: new Map([["q1", ATTACK]]),
      documentTexts: new Map([[`d${ATTACK}`, `negative ${ATTACK}`]]),
    });
    expectSafePage(html);
    expect(html).toContain("&lt;script&gt;");
    // Heatmap + grouped gold ranks, then three charts per run.
    expect(html.match(/<svg/g)?.length).toBe(2 + 2 * 3);
  });

  it("finds active markup in tags but not in escaped text or attribute values", () => {
    expect(activeContentOf(`<svg><text aria-label="${escapeHtml(ATTACK)}">${escapeHtml(ATTACK)}</text></svg>`)).toBeUndefined();
    expect(activeContentOf(`<svg><g onload="x()"></g></svg>`)).toMatch(/onload/);
    expect(activeContentOf(`<svg><script>x()</script></svg>`)).toMatch(/script/);
    expect(activeContentOf(`<svg><a xlink:href="https://example.org/"></a></svg>`)).toMatch(/href/);
    expect(activeContentOf(`<p><img src=x></p>`)).toMatch(/img/);
  });

  it("renders a chart with Vega to SVG text, not an image or script", async () => {
    const svg = await renderChart(barChart([{ category: ATTACK, count: 2 }], { x: "x", y: "y" }));
    expect(svg.html.startsWith("<svg")).toBe(true);
    expect(svg.html).toContain("&lt;script&gt;");
    expect(svg.html).not.toMatch(/<script/i);
  });
});
