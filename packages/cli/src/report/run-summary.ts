/**
 * The plain-language parts of a run's report: how its negatives were chosen (from the options
 * the run recorded) and what became of its queries (from its report's counters).
 */
import type { MineReport } from "@hardneg/core";
import { formatValue } from "./html.js";

type Options = Readonly<Record<string, unknown>>;

/** What each skip reason means, for readers who have not seen the code. */
const SKIP_REASONS: Readonly<Record<string, string>> = {
  shortfall: "too few eligible negatives",
  empty_query: "empty query text",
  no_gold_ids: "no gold document ids",
  gold_not_in_corpus: "no gold document in the corpus",
};

/** "1 query", "3 queries". */
export function countOf(count: number, one: string, many: string): string {
  return `${formatValue(count)} ${count === 1 ? one : many}`;
}

/** A skip reason with its meaning: "shortfall (too few eligible negatives)". */
export function skipReasonLabel(reason: string): string {
  const meaning = SKIP_REASONS[reason];
  return meaning === undefined ? reason : `${reason} (${meaning})`;
}

function record(value: unknown): Options {
  return value !== null && typeof value === "object" ? (value as Options) : {};
}

/** The run's negatives per query (N), when it recorded one. */
export function negativesPerQueryOf(options: Options): number | undefined {
  const value = record(options["selection"])["negativesPerQuery"];
  return typeof value === "number" ? value : undefined;
}

/**
 * What became of the run's queries, in sentences that add up: mined (all N, fewer than N,
 * padded) plus produced no row (by reason) equals the queries sampled.
 */
export function shortfallSummary(report: MineReport, negativesPerQuery: number | undefined): string[] {
  const wanted = negativesPerQuery === undefined ? "the requested number of" : formatValue(negativesPerQuery);
  const full = report.queries_mined - report.queries_short;
  const sentences = [
    `Of ${countOf(report.queries, "query", "queries")}, ${formatValue(report.queries_mined)} ` +
      `${report.queries_mined === 1 ? "was" : "were"} mined and ${formatValue(report.queries_skipped)} produced no row.`,
  ];
  if (report.queries_mined > 0) {
    let mined = `Mined: ${formatValue(full)} got all ${wanted} negatives; ${formatValue(report.queries_short)} kept fewer than ${wanted}`;
    const padded = report.queries_padded;
    if (padded > 0) mined += `; of these, ${formatValue(padded)} ${padded === 1 ? "was" : "were"} padded with random documents`;
    sentences.push(`${mined}.`);
  }
  const reasons = Object.entries(report.skipped_reasons).filter(([, count]) => count > 0);
  if (reasons.length > 0)
    sentences.push(`No row: ${reasons.map(([reason, count]) => `${formatValue(count)} for ${skipReasonLabel(reason)}`).join(", ")}.`);
  return sentences;
}

/** The score filters that were set, or "none". */
function scoreFilters(selection: Options): string {
  const filters = [
    ["relative margin", selection["relativeMargin"]],
    ["absolute margin", selection["absoluteMargin"]],
    ["max score", selection["maxScore"]],
    ["min score", selection["minScore"]],
  ].filter(([, value]) => typeof value === "number");
  return filters.length === 0 ? "none" : filters.map(([name, value]) => `${name} ${String(value)}`).join(", ");
}

function strategyOf(selection: Options): string {
  const strategy = String(selection["strategy"] ?? "–");
  if (strategy !== "range") return strategy;
  return `range (pool ranks ${String(selection["rangeMin"] ?? 1)}–${String(selection["rangeMax"] ?? "end")})`;
}

function seeded(name: unknown, random: boolean, seed: unknown): string {
  return random ? `${String(name)} (seed ${String(seed ?? "–")})` : String(name ?? "–");
}

/** The near-duplicate rule of a run; runs without a threshold (1, or mined before the rule) compared texts exactly. */
function nearDuplicatesOf(selection: Options): string {
  const threshold = selection["nearDuplicateThreshold"];
  return typeof threshold === "number" ? `dropped at similarity ≥ ${String(threshold)}` : "exact copies only";
}

/** The held-out query collections of a run ("name#goldIdsKey" as the run key records them), or "none". */
function heldOutOf(recorded: unknown): string {
  if (!Array.isArray(recorded) || recorded.length === 0) return "none";
  return recorded.map((entry) => String(entry).split("#")[0]).join(", ");
}

/** How the run chose its negatives, as (setting, value) pairs, from the options it recorded. */
export function runSettings(options: Options): Array<[string, string]> {
  const search = record(options["search"]);
  const selection = record(options["selection"]);
  const judge = record(options["judge"]);
  const querySamples = options["querySamples"] ?? "all";
  const settings: Array<[string, string]> = [
    ["negatives per query (N)", String(selection["negativesPerQuery"] ?? "–")],
    ["strategy", strategyOf(selection)],
    ["score filters", scoreFilters(selection)],
    ["sampling", seeded(selection["sampling"] ?? "–", selection["sampling"] === "random", selection["seed"])],
    ["shortfall", String(selection["shortfall"] ?? "–")],
    ["near duplicates", nearDuplicatesOf(selection)],
    ["held-out golds of", heldOutOf(options["excludeGoldsOf"])],
    [
      "queries",
      `${String(querySamples)}, ${seeded(options["querySampling"] ?? "first", options["querySampling"] === "random", selection["seed"])}`,
    ],
    ["mode", String(search["mode"] ?? "–")],
    ["alpha", String(search["alpha"] ?? "–")],
    ["fusion", String(search["fusion"] ?? "–")],
    ["pool size", String(search["poolSize"] ?? "–")],
    ["engine", String(options["backend"] ?? "–")],
    ["embedder", String(options["embedder"] ?? "none")],
  ];
  if (judge["id"] !== undefined) settings.push(["judge", `${String(judge["id"])} (${String(judge["policy"] ?? "–")})`]);
  return settings;
}
