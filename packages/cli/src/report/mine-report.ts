import { DROP_REASONS, GOLD_RANK_BUCKETS, type MineReport } from "@hardneg/core";
import { barChart, figure, renderChart, scoreHistogram } from "./charts.js";
import { dataHtml, dataList, escapeHtml, formatValue, idWithText, page, SafeHtml, shorten, table } from "./html.js";
import type { RunData } from "./run-data.js";
import { countOf, negativesPerQueryOf, runSettings, shortfallSummary, skipReasonLabel } from "./run-summary.js";

/** A self-contained HTML page reporting one or more mining runs. */
export async function renderMineReport(runs: readonly RunData[], title = "hardneg mining report"): Promise<string> {
  const sections = await Promise.all(runs.map((run) => runSection(run)));
  return page(title, `<h1>${dataHtml(title)}</h1>\n${sections.join("\n")}`);
}

/** The charts and tables of one run (also used per engine by the comparison report). */
export async function runSection(run: RunData, heading = `Run ${run.runId}`): Promise<string> {
  const report = run.report;
  const search = (run.options["search"] ?? {}) as Record<string, unknown>;
  const docs = (run.options["docs"] ?? {}) as Record<string, unknown>;
  const queries = (run.options["queries"] ?? {}) as Record<string, unknown>;
  const meta = [
    ["status", run.status],
    ["documents", docs["collection"]],
    ["queries", queries["collectionName"]],
    ["output", run.options["out"]],
  ]
    .map(([name, value]) => `${escapeHtml(name)} <code>${dataHtml(value)}</code>`)
    .join(" · ");
  const parts = [`<h2>${dataHtml(heading)}</h2>`, `<p class="meta">${meta}</p>`, settingsBlock(run)];
  if (report === undefined) {
    parts.push("<p>This run has not finished: no report yet. Re-run the same command to resume it.</p>");
    return parts.join("\n");
  }
  const stats: Array<[string, string]> = [
    ["queries", formatValue(report.queries)],
    ["mined", formatValue(report.queries_mined)],
    ["rows", formatValue(report.rows_written)],
    ["short", formatValue(report.queries_short)],
    ["padded", formatValue(report.queries_padded)],
    ["no row", formatValue(report.queries_skipped)],
    ["nDCG@10", formatValue(report.metrics.ndcg_at_10)],
    ["MRR@10", formatValue(report.metrics.mrr_at_10)],
    ["Recall@10", formatValue(report.metrics.recall_at_10)],
    [`Recall@${report.metrics.pool_size}`, formatValue(report.metrics.recall_at_pool)],
  ];
  parts.push(
    `<div>${stats.map(([name, value]) => `<span class="stat"><b>${escapeHtml(value)}</b>${escapeHtml(name)}</span>`).join("")}</div>`,
  );

  const charts: string[] = [];
  charts.push(
    figure(
      "Gold rank in the candidate pool",
      await renderChart(
        barChart(
          GOLD_RANK_BUCKETS.map((bucket) => ({ category: bucket, count: report.gold_rank_histogram[bucket] ?? 0 })),
          { x: "best gold rank", y: "queries" },
        ),
      ),
    ),
  );
  const scores = [
    ...run.goldScores.map((score) => ({ score, kind: "gold (lowest-scoring)" })),
    ...run.negativeScores.map((score) => ({ score, kind: "negative" })),
  ];
  if (scores.length > 0) {
    charts.push(
      figure(
        `Scores: positives vs negatives (${formatValue(run.goldScores.length)} gold, ${formatValue(run.negativeScores.length)} negatives)`,
        await renderChart(scoreHistogram(scores, { title: `score (${String(search["mode"] ?? "engine")} scale)` })),
      ),
    );
  }
  charts.push(await droppedFigure(report, negativesPerQueryOf(run.options)));
  parts.push(`<div class="charts">${charts.join("\n")}</div>`);
  parts.push(...shortfallSection(run, report));

  if (run.examples.length > 0) {
    parts.push("<h3>Example rows</h3>");
    parts.push(
      table(
        ["query", "gold document", "hard negative", "rank", "score", "gold score"],
        run.examples.map((row) => [
          idWithText(row.queryId, shorten(row.query, 160)),
          new SafeHtml(`${dataList(row.goldIds).html}: ${dataHtml(shorten(row.goldDocument))}`),
          idWithText(row.negativeId, shorten(row.negative)),
          formatValue(row.rank),
          formatValue(row.score),
          formatValue(row.goldScore),
        ]),
        "texts",
      ),
    );
  }
  return parts.join("\n");
}

/** "How negatives were chosen": every setting the run recorded that decides its rows. */
function settingsBlock(run: RunData): string {
  const items = runSettings(run.options).map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${dataHtml(value)}</dd>`);
  return `<h3>How negatives were chosen</h3>\n<dl class="settings">${items.join("")}</dl>`;
}

/**
 * Drop counts of the filters, charted; `not_sampled` (eligible candidates beyond the N taken)
 * dwarfs them, so it is stated in the caption instead of drawn.
 */
async function droppedFigure(report: MineReport, negativesPerQuery: number | undefined): Promise<string> {
  const rows = DROP_REASONS.filter((reason) => reason !== "not_sampled").map((reason) => ({
    category: reason,
    count: report.dropped[reason] ?? 0,
  }));
  const notSampled = report.dropped.not_sampled ?? 0;
  const taken = negativesPerQuery === undefined ? "the negatives taken" : `the ${formatValue(negativesPerQuery)} taken`;
  const note =
    notSampled === 0
      ? "Not charted: not_sampled 0 (no eligible candidate was left over beyond the negatives taken)."
      : `Not charted: ${countOf(notSampled, "eligible candidate was", "eligible candidates were")} not needed ` +
        `(not_sampled: beyond ${taken} per query).`;
  const chart = await renderChart(barChart(rows, { x: "reason", y: "candidates", color: "#f59e0b", labels: true }));
  return figure("Candidates dropped by a filter, by reason", chart, note);
}

/** "all 12 short queries", "the first 20 of 31 queries without a row". */
function listedOf(listed: number, total: number, noun: string): string {
  if (total === 0) return `no ${noun}`;
  return listed === total ? `all ${formatValue(total)} ${noun}` : `the first ${formatValue(listed)} of ${formatValue(total)} ${noun}`;
}

/** The true summary of what became of the queries, and the recorded short and skipped examples. */
function shortfallSection(run: RunData, report: MineReport): string[] {
  const negativesPerQuery = negativesPerQueryOf(run.options);
  const parts = ["<h3>Queries mined, short and without a row</h3>"];
  parts.push(...shortfallSummary(report, negativesPerQuery).map((sentence) => `<p>${escapeHtml(sentence)}</p>`));
  const queryCell = (queryId: string) => idWithText(queryId, shorten(run.shortfallQueries.get(queryId)?.text ?? "", 120));
  const wanted = negativesPerQuery === undefined ? "" : ` of ${formatValue(negativesPerQuery)}`;
  const rows: unknown[][] = [
    ...report.short_examples.map((queryId) => {
      const written = run.shortfallQueries.get(queryId)?.rows;
      return [queryCell(queryId), "kept fewer", written === undefined ? "–" : `${formatValue(written)}${wanted} negatives`];
    }),
    ...report.skipped_examples.map((example) => [
      queryCell(example.query_id),
      `no row: ${skipReasonLabel(example.reason)}`,
      example.detail ?? "",
    ]),
  ];
  if (rows.length === 0) return parts;
  const listed =
    `Listed: ${listedOf(report.short_examples.length, report.queries_short, "short queries")} and ` +
    `${listedOf(report.skipped_examples.length, report.queries_skipped, "queries without a row")}.`;
  parts.push(`<p class="meta">${escapeHtml(listed)}</p>`);
  parts.push(table(["query", "what", "detail"], rows, "texts"));
  return parts;
}
