import { DROP_REASONS, GOLD_RANK_BUCKETS } from "@hardneg/core";
import { barChart, figure, renderChart, scoreHistogram } from "./charts.js";
import { dataHtml, dataList, escapeHtml, formatValue, idWithText, page, SafeHtml, shorten, table } from "./html.js";
import type { RunData } from "./run-data.js";

/** A self-contained HTML page reporting one or more mining runs. */
export async function renderMineReport(runs: readonly RunData[], title = "hardneg mining report"): Promise<string> {
  const sections = await Promise.all(runs.map((run) => runSection(run)));
  return page(title, `<h1>${dataHtml(title)}</h1>\n${sections.join("\n")}`);
}

/** The charts and tables of one run (also used per engine by the comparison report). */
export async function runSection(run: RunData, heading = `Run ${run.runId}`): Promise<string> {
  const report = run.report;
  const search = (run.options["search"] ?? {}) as Record<string, unknown>;
  const selection = (run.options["selection"] ?? {}) as Record<string, unknown>;
  const docs = (run.options["docs"] ?? {}) as Record<string, unknown>;
  const meta = [
    ["status", run.status],
    ["engine", run.options["backend"]],
    ["embedder", run.options["embedder"] ?? "none"],
    ["mode", search["mode"]],
    ["alpha", search["alpha"] ?? "–"],
    ["fusion", search["fusion"] ?? "–"],
    ["pool size", search["poolSize"]],
    ["strategy", selection["strategy"]],
    ["documents", docs["collection"]],
    ["output", run.options["out"]],
  ]
    .map(([name, value]) => `${escapeHtml(name)} <code>${dataHtml(value)}</code>`)
    .join(" · ");
  const parts = [`<h2>${dataHtml(heading)}</h2>`, `<p class="meta">${meta}</p>`];
  if (report === undefined) {
    parts.push("<p>This run has not finished: no report yet. Re-run the same command to resume it.</p>");
    return parts.join("\n");
  }
  const stats: Array<[string, string]> = [
    ["queries", formatValue(report.queries)],
    ["mined", formatValue(report.queries_mined)],
    ["rows", formatValue(report.rows_written)],
    ["short", formatValue(report.queries_short)],
    ["skipped", formatValue(report.queries_skipped)],
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
  charts.push(
    figure(
      "Candidates dropped, by reason",
      await renderChart(
        barChart(
          DROP_REASONS.map((reason) => ({ category: reason, count: report.dropped[reason] ?? 0 })),
          { x: "reason", y: "candidates", color: "#f59e0b" },
        ),
      ),
    ),
  );
  parts.push(`<div class="charts">${charts.join("\n")}</div>`);

  parts.push("<h3>Shortfalls and skipped queries</h3>");
  parts.push(
    `<p>${escapeHtml(
      `${report.queries_short} queries got fewer than the requested negatives ` +
        `(${report.queries_padded} padded); ${report.queries_skipped} produced none.`,
    )}</p>`,
  );
  const shortfallRows: unknown[][] = [
    ...report.short_examples.map((queryId) => [queryId, "short", ""]),
    ...report.skipped_examples.map((example) => [example.query_id, example.reason, example.detail ?? ""]),
  ];
  if (shortfallRows.length > 0) parts.push(table(["query", "what", "detail"], shortfallRows, "texts"));
  if (Object.keys(report.skipped_reasons).length > 0) {
    parts.push(
      table(
        ["skip reason", "queries"],
        Object.entries(report.skipped_reasons).map(([reason, count]) => [reason, count]),
      ),
    );
  }

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
