import type { TopLevelSpec } from "vega-lite";
import { showControlCharacters } from "../control-characters.js";
import { activeContentOf, SafeHtml, escapeHtml } from "./html.js";

const BASE_CONFIG = {
  font: "system-ui, sans-serif",
  view: { stroke: "#d9e2ec" },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 220 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
};

/**
 * Renders a Vega-Lite spec to an SVG string on the server (Vega's headless "none" renderer, no
 * canvas, no DOM). Vega escapes the text it writes; the result is checked anyway, and a chart
 * that holds script-like markup is refused rather than inlined.
 */
export async function renderChart(spec: TopLevelSpec): Promise<SafeHtml> {
  // Loaded on first use: Vega is large, and only reports need it (not every CLI start).
  const [vega, { compile }] = await Promise.all([import("vega"), import("vega-lite")]);
  const compiled = compile({ ...spec, config: { ...BASE_CONFIG, ...(spec as { config?: object }).config } } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    const active = activeContentOf(svg);
    if (active !== undefined) throw new Error(`refusing to inline a chart whose SVG holds active content (${active})`);
    return new SafeHtml(svg);
  } finally {
    view.finalize();
  }
}

/** A captioned chart for the page. */
export function figure(caption: string, chart: SafeHtml, note?: string): string {
  const below = note === undefined ? "" : `<p class="note">${escapeHtml(note)}</p>`;
  return `<figure><figcaption>${escapeHtml(caption)}</figcaption>${chart.html}${below}</figure>`;
}

/**
 * Bar chart of counts per ordered category (gold-rank buckets, drop reasons). Like every chart
 * here, its data strings are drawn with control characters shown as escapes (`\u202e`): SVG
 * text cannot hold a `<bdi>`, and an override there would reorder the label.
 */
export function barChart(
  rows: ReadonlyArray<{ category: string; count: number }>,
  options: { x: string; y: string; color?: string; width?: number; labels?: boolean },
): TopLevelSpec {
  const bar = { mark: { type: "bar", color: options.color ?? "#3b82f6", tooltip: false } };
  // Counts printed above the bars, so a zero or a short bar still reads as a number.
  const label = {
    mark: { type: "text", dy: -6, fontSize: 11, color: "#1f2933" },
    encoding: { text: { field: "count", type: "quantitative" } },
  };
  return {
    width: options.width ?? 420,
    height: 220,
    data: { values: rows.map((row) => ({ ...row, category: showControlCharacters(row.category) })) },
    encoding: {
      x: { field: "category", type: "ordinal", sort: null, title: options.x, axis: { labelAngle: -30 } },
      y: { field: "count", type: "quantitative", title: options.y },
    },
    layer: options.labels === true ? [bar, label] : [bar],
  } as unknown as TopLevelSpec;
}

/** Grouped bars: one series per label (engines) over ordered categories. */
export function groupedBarChart(
  rows: ReadonlyArray<{ category: string; series: string; count: number }>,
  options: { x: string; y: string; seriesTitle: string },
): TopLevelSpec {
  return {
    width: { step: 14 } as never,
    height: 220,
    data: {
      values: rows.map((row) => ({ ...row, category: showControlCharacters(row.category), series: showControlCharacters(row.series) })),
    },
    mark: { type: "bar" },
    encoding: {
      x: { field: "category", type: "ordinal", sort: null, title: options.x, axis: { labelAngle: -30 } },
      xOffset: { field: "series", type: "nominal" },
      y: { field: "count", type: "quantitative", title: options.y },
      color: { field: "series", type: "nominal", title: options.seriesTitle, legend: { orient: "bottom", columns: 1 } },
    },
  } as unknown as TopLevelSpec;
}

/** Overlaid histograms of score samples per kind (gold vs negative), on the engine's own scale. */
export function scoreHistogram(rows: ReadonlyArray<{ score: number; kind: string }>, options: { title: string }): TopLevelSpec {
  return {
    width: 420,
    height: 220,
    data: { values: rows.map((row) => ({ ...row })) },
    mark: { type: "bar", opacity: 0.55, binSpacing: 0 },
    encoding: {
      x: { field: "score", type: "quantitative", bin: { maxbins: 40 }, title: showControlCharacters(options.title) },
      y: { aggregate: "count", type: "quantitative", stack: null, title: "count" },
      color: {
        field: "kind",
        type: "nominal",
        title: null,
        scale: { domain: ["gold (lowest-scoring)", "negative"], range: ["#16a34a", "#dc2626"] },
        legend: { orient: "top" },
      },
    },
  } as unknown as TopLevelSpec;
}

/** Heatmap of a square matrix (mean Jaccard overlap between engines), values printed in the cells. */
export function heatmap(rawLabels: readonly string[], matrix: readonly (readonly number[])[], options: { title: string }): TopLevelSpec {
  const labels = rawLabels.map(showControlCharacters);
  const values = labels.flatMap((row, rowIndex) =>
    labels.map((column, columnIndex) => ({ row, column, value: matrix[rowIndex]?.[columnIndex] ?? 0 })),
  );
  const size = Math.max(160, 70 * labels.length);
  return {
    width: size,
    height: size,
    data: { values },
    encoding: {
      x: { field: "column", type: "nominal", sort: [...labels], title: null, axis: { labelAngle: -30 } },
      y: { field: "row", type: "nominal", sort: [...labels], title: null },
    },
    layer: [
      {
        mark: "rect",
        encoding: { color: { field: "value", type: "quantitative", scale: { domain: [0, 1], scheme: "blues" }, title: options.title } },
      },
      {
        mark: { type: "text", fontSize: 13 },
        encoding: {
          text: { field: "value", type: "quantitative", format: ".2f" },
          color: { condition: { test: "datum.value > 0.6", value: "white" }, value: "#1f2933" },
        },
      },
    ],
  } as unknown as TopLevelSpec;
}
