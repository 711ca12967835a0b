import { DROP_REASONS, GOLD_RANK_BUCKETS, type MineReport, type NegativeOverlap } from "@hardneg/core";
import { describe, expect, it } from "vitest";
import { renderCompareReport, type ComparedEngine } from "./compare-report.js";
import { activeContentOf, dataHtml } from "./html.js";
import { renderMineReport } from "./mine-report.js";
import type { RunData } from "./run-data.js";

/** ANSI colour and screen-clear sequences, a C1 CSI, DEL, and bidi override/isolate/marks. */
const HOSTILE = "\u001b[31mred\u001b[0m\u009b2J\u007f\u202eevil\u2066x\u2069\u200f\u061c";
/** Any of the characters that must never reach the page raw. */
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function mineReport(): MineReport {
  return {
    run_id: `run${HOSTILE}`,
    out_collection: `negatives${HOSTILE}`,
    mode: "bm25",
    strategy: "top-k",
    queries: 3,
    queries_mined: 2,
    rows_written: 8,
    queries_short: 1,
    queries_padded: 0,
    queries_skipped: 1,
    skipped_reasons: { gold_not_in_corpus: 1 },
    skipped_examples: [{ query_id: `skipped${HOSTILE}`, reason: "gold_not_in_corpus", detail: `detail${HOSTILE}` }],
    short_examples: [`short${HOSTILE}`],
    gold_rank_histogram: Object.fromEntries(GOLD_RANK_BUCKETS.map((bucket) => [bucket, 1])) as MineReport["gold_rank_histogram"],
    dropped: Object.fromEntries(DROP_REASONS.map((reason) => [reason, 1])) as MineReport["dropped"],
    metrics: { queries: 2, ndcg_at_10: 0.5, mrr_at_10: 0.4, recall_at_10: 0.75, recall_at_pool: 1, pool_size: 100 },
    negative_scores: null,
    gold_scores: null,
    batches_resumed: 0,
    batches: 1,
  } as MineReport;
}

function runData(runId: string): RunData {
  return {
    runId: `${runId}${HOSTILE}`,
    status: "complete",
    options: {
      backend: `local:${HOSTILE}.db`,
      embedder: "none",
      out: `negatives${HOSTILE}`,
      search: { mode: "bm25", poolSize: 100 },
      selection: { strategy: "top-k" },
      docs: { collection: `docs${HOSTILE}` },
    },
    report: mineReport(),
    negativeScores: [0.6, 0.5, 0.4],
    goldScores: [0.7],
    examples: [
      {
        queryId: `q1${HOSTILE}`,
        query: `query text${HOSTILE}`,
        goldIds: [`g1${HOSTILE}`, "g2"],
        goldDocument: `gold document${HOSTILE}`,
        negativeId: `d2${HOSTILE}`,
        negative: `negative text${HOSTILE}`,
        rank: 1,
        score: 0.6,
        goldScore: 0.7,
      },
    ],
    shortfallQueries: new Map([
      [`short${HOSTILE}`, { text: `short query${HOSTILE}`, rows: 2 }],
      [`skipped${HOSTILE}`, { text: `skipped query${HOSTILE}`, rows: 0 }],
    ]),
  };
}

/** The page keeps its rules: the Content-Security-Policy, no script, no active markup, no raw control. */
function expectNeutralisedPage(html: string): void {
  expect(html).toContain(
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
  );
  expect(html).not.toMatch(/<script/i);
  expect(activeContentOf(html.slice(html.indexOf("<body>")))).toBeUndefined();
  const raw = RAW_CONTROL.exec(html);
  expect(
    raw === null
      ? "none"
      : `U+${raw[0].codePointAt(0)!.toString(16)} at ${raw.index}: ${JSON.stringify(html.slice(raw.index - 40, raw.index + 10))}`,
  ).toBe("none");
}

/** How a data string must appear: isolated in <bdi>, every control a visible escape. */
const VISIBLE =
  '<span class="control">\\x1b</span>[31mred<span class="control">\\x1b</span>[0m' +
  '<span class="control">\\x9b</span>2J<span class="control">\\x7f</span>' +
  '<span class="control">\\u202e</span>evil<span class="control">\\u2066</span>x' +
  '<span class="control">\\u2069</span><span class="control">\\u200f</span><span class="control">\\u061c</span>';

describe("HTML reports and control characters from data", () => {
  it("isolate every data string in <bdi> and show its control characters, in a mining report", async () => {
    const html = await renderMineReport([runData("run-1")], `hardneg report: negatives${HOSTILE}`);
    expectNeutralisedPage(html);
    expect(html).toContain(
      `<title>hardneg report: negatives\\x1b[31mred\\x1b[0m\\x9b2J\\x7f\\u202eevil\\u2066x\\u2069\\u200f\\u061c</title>`,
    );
    expect(html).toContain(`<h1><bdi>hardneg report: negatives${VISIBLE}</bdi></h1>`);
    expect(html).toContain(`<h2><bdi>Run run-1${VISIBLE}</bdi></h2>`);
    expect(html).toContain(`<code><bdi>docs${VISIBLE}</bdi></code>`);
    expect(html).toContain(`<td><bdi>q1${VISIBLE}</bdi>: <bdi>query text${VISIBLE}</bdi></td>`);
    expect(html).toContain(`<td><bdi>g1${VISIBLE}</bdi>, <bdi>g2</bdi>: <bdi>gold document${VISIBLE}</bdi></td>`);
    expect(html).toContain(`<td><bdi>skipped${VISIBLE}</bdi>: <bdi>skipped query${VISIBLE}</bdi></td>`);
    expect(html).toContain(`<td><bdi>short${VISIBLE}</bdi>: <bdi>short query${VISIBLE}</bdi></td>`);
    expect(html).toContain(`<dd><bdi>local:${VISIBLE}.db</bdi></dd>`);
    expect(html).toContain(`<td><bdi>detail${VISIBLE}</bdi></td>`);
  });

  it("also in a comparison, its table headers and the labels inside the SVG charts", async () => {
    const labels = [`local:a${HOSTILE}.db:bm25`, "local:b.db:bm25"];
    const engines: ComparedEngine[] = labels.map((label, index) => ({
      label,
      mode: "bm25",
      run_id: `run-${index}`,
      ndcg_at_10: 0.7,
      mrr_at_10: 0.6,
      recall_at_10: 0.8,
      recall_at_pool: 0.9,
      pool_size: 100,
      negatives_per_query: 5,
      gold_rank_histogram: { "1": 3, none: 1 },
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
      disagreements: [
        { query_id: `q1${HOSTILE}`, mean_jaccard: 0.25, negatives: { [labels[0]!]: [`d${HOSTILE}`, "d2"], [labels[1]!]: ["d9"] } },
      ],
    };
    const html = await renderCompareReport({
      engines,
      overlap,
      runs: [runData("run-0"), runData("run-1")],
      queryTexts: new Map([[`q1${HOSTILE}`, `text${HOSTILE}`]]),
      documentTexts: new Map([[`d${HOSTILE}`, `negative${HOSTILE}`]]),
    });
    expectNeutralisedPage(html);
    expect(html).toContain(`<th><bdi>local:a${VISIBLE}.db:bm25</bdi></th>`);
    expect(html).toContain(
      `<td><div class="negative"><bdi>d${VISIBLE}</bdi>: <bdi>negative${VISIBLE}</bdi></div>` +
        `<div class="negative"><bdi>d2</bdi></div></td>`,
    );
    expect(html).toContain(`<td><bdi>q1${VISIBLE}</bdi>: <bdi>text${VISIBLE}</bdi></td>`);
    // Vega's SVG: the label drawn with plain-text escapes.
    expect(html).toContain("local:a\\x1b[31mred\\x1b[0m\\x9b2J\\x7f\\u202eevil");
  });

  it("keeps tab and newline (white space in HTML) and still escapes markup", () => {
    expect(dataHtml("a\tb\nc <i>")).toBe("<bdi>a\tb\nc &lt;i&gt;</bdi>");
  });
});
