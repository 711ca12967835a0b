import { GOLD_RANK_BUCKETS, type NegativeOverlap } from "@hardneg/core";
import { figure, groupedBarChart, heatmap, renderChart } from "./charts.js";
import { dataHtml, escapeHtml, formatValue, idWithText, page, SafeHtml, shorten, table } from "./html.js";
import { runSection } from "./mine-report.js";
import type { RunData } from "./run-data.js";

/** One compared engine/mode as `hardneg compare` reports it. */
export interface ComparedEngine {
  label: string;
  mode: string;
  run_id: string;
  ndcg_at_10: number;
  mrr_at_10: number;
  recall_at_10: number;
  recall_at_pool: number;
  pool_size: number;
  negatives_per_query: number;
  gold_rank_histogram: Record<string, number>;
}

/** A self-contained HTML page of a comparison: metrics, overlap heatmap, gold ranks, disagreements, then each run. */
export async function renderCompareReport(input: {
  engines: readonly ComparedEngine[];
  overlap: NegativeOverlap;
  runs: readonly RunData[];
  /** Query texts by id, for the disagreement table. */
  queryTexts: ReadonlyMap<string, string>;
  /** Texts of the negatives by document id, for the disagreement table (a snippet of each is shown). */
  documentTexts: ReadonlyMap<string, string>;
}): Promise<string> {
  const { engines, overlap, runs, queryTexts } = input;
  const parts = ["<h1>hardneg engine comparison</h1>"];
  parts.push(
    table(
      ["engine / mode", "nDCG@10", "MRR@10", "Recall@10", "Recall@pool", "negatives / query", "found only here"],
      engines.map((engine) => [
        engine.label,
        formatValue(engine.ndcg_at_10),
        formatValue(engine.mrr_at_10),
        formatValue(engine.recall_at_10),
        `${formatValue(engine.recall_at_pool)} (pool ${engine.pool_size})`,
        formatValue(engine.negatives_per_query),
        `${((overlap.unique_share[engine.label] ?? 0) * 100).toFixed(1)}%`,
      ]),
    ),
  );
  parts.push(
    `<p>${escapeHtml(
      `Negatives found by only one engine: ` +
        `${(overlap.only_one_engine_share * 100).toFixed(1)}% of all distinct (query, negative) pairs.`,
    )}</p>`,
  );
  const charts = [
    figure("Mean Jaccard overlap of negative sets", await renderChart(heatmap(overlap.labels, overlap.mean_jaccard, { title: "Jaccard" }))),
    figure(
      "Gold rank in the candidate pool, per engine",
      await renderChart(
        groupedBarChart(
          engines.flatMap((engine) =>
            GOLD_RANK_BUCKETS.map((bucket) => ({ category: bucket, series: engine.label, count: engine.gold_rank_histogram[bucket] ?? 0 })),
          ),
          { x: "best gold rank", y: "queries", seriesTitle: "engine" },
        ),
      ),
    ),
  ];
  parts.push(`<div class="charts">${charts.join("\n")}</div>`);
  parts.push(...disagreementSection(overlap, queryTexts, input.documentTexts));
  for (const [index, run] of runs.entries()) parts.push(await runSection(run, engines[index]?.label ?? `Run ${run.runId}`));
  return page("hardneg engine comparison", parts.join("\n"));
}

/**
 * The queries whose negative sets differ, each negative with a snippet of its text; or, when
 * none differ, a sentence saying the engines agreed.
 */
function disagreementSection(
  overlap: NegativeOverlap,
  queryTexts: ReadonlyMap<string, string>,
  documentTexts: ReadonlyMap<string, string>,
): string[] {
  if (overlap.labels.length < 2) return [];
  if (overlap.disagreements.length === 0) {
    const agreed =
      overlap.shared_queries === 0
        ? "No query was mined by every engine, so there is no query to compare."
        : `The engines agreed on every query: for each of the ${formatValue(overlap.shared_queries)} queries they all mined, ` +
          `they chose the same negatives.`;
    return ["<h2>Disagreements</h2>", `<p>${escapeHtml(agreed)}</p>`];
  }
  const negative = (id: string) => {
    const text = documentTexts.get(id);
    return text === undefined ? dataHtml(id) : idWithText(id, shorten(text, 90)).html;
  };
  const negativesCell = (ids: readonly string[]) => new SafeHtml(ids.map((id) => `<div class="negative">${negative(id)}</div>`).join(""));
  return [
    "<h2>Queries where the engines disagree most</h2>",
    `<p class="meta">${escapeHtml(
      `${formatValue(overlap.disagreements.length)} listed, lowest overlap first; ` +
        `only queries whose negative sets differ (of ${formatValue(overlap.shared_queries)} mined by every engine).`,
    )}</p>`,
    table(
      ["query", "mean Jaccard", ...overlap.labels],
      overlap.disagreements.map((item) => [
        idWithText(item.query_id, shorten(queryTexts.get(item.query_id) ?? "", 200)),
        formatValue(item.mean_jaccard),
        ...overlap.labels.map((label) => negativesCell(item.negatives[label] ?? [])),
      ]),
      "texts",
    ),
  ];
}
