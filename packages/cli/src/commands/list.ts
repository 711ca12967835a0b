import { HardnegError, RUNS_COLLECTION, type CollectionSpec, type Engine, type MineReport } from "@hardneg/core";
import { printResult } from "../output.js";

export interface ListCommandOptions {
  json: boolean;
}

/** One collection as `hardneg list` shows it: its spec's kind and key names (snake_case), and its record count. */
export interface ListedCollection {
  name: string;
  kind: CollectionSpec["kind"];
  count: number;
  /**
   * The property names the spec records: id/content/title for documents, id/text/gold ids/grades
   * for queries, the row keys for hard negatives.
   */
  keys: Record<string, string>;
  /** Where a documents collection's stored vectors come from, when it holds any. */
  vectors?: { embedder_id: string; dimension: number };
}

/** One mining run, from its manifest in `hardneg_runs`. */
export interface ListedRun {
  run_id: string;
  out_collection: string | null;
  /** False when the output collection no longer exists (deleted since the run): its rows are gone. */
  out_collection_exists: boolean;
  /** "complete" when the manifest says so; anything else (a run killed or still running) is "incomplete". */
  state: "complete" | "incomplete";
  /** How the run was asked to mine, from the options its manifest recorded (snake_case). */
  settings: Record<string, unknown>;
  /** Batches committed with the run's batch size (so far, for an incomplete run). */
  batches_committed: number;
  /** From the final report: null for an incomplete run. */
  queries: number | null;
  queries_mined: number | null;
  rows_written: number | null;
}

/** What `hardneg list --json` prints. `collections` is null when the engine cannot list its collections. */
export interface ListResult {
  engine: string;
  collections: ListedCollection[] | null;
  runs: ListedRun[];
}

/**
 * `hardneg list`: the engine's collections (name, kind, record count, key names) and its mining
 * runs (settings, complete or incomplete, and what a complete one mined), so a user can find what
 * an engine holds. An engine whose adapter cannot list collections still lists its runs.
 */
export async function listCommand(engine: Engine, options: ListCommandOptions): Promise<void> {
  const collections = engine.listCollections === undefined ? null : await listCollections(engine, await engine.listCollections());
  const listed = collections === null ? undefined : new Set(collections.map((collection) => collection.name));
  const exists = async (name: string) => listed?.has(name) ?? (await engine.hasCollection(name));
  const result: ListResult = { engine: engine.name, collections, runs: await listRuns(engine, exists) };
  printResult(options.json, { ...result }, () => humanLines(result));
}

async function listCollections(engine: Engine, names: readonly string[]): Promise<ListedCollection[]> {
  const listed: ListedCollection[] = [];
  for (const name of [...names].sort()) {
    try {
      const spec = await engine.describeCollection(name);
      if (spec === undefined) continue;
      listed.push({ name, kind: spec.kind, count: await engine.count(name), keys: keysOf(spec), ...vectorsOf(spec) });
    } catch (error) {
      // Deleted between the listing and this look (another process's load swapping a staging collection in).
      if (HardnegError.isInstance(error) && error.code === "MISSING_COLLECTION") continue;
      throw error;
    }
  }
  return listed;
}

/** The key names a spec holds, with snake_case names: `{ id_key: "doc_id", content_key: "text" }`. */
function keysOf(spec: CollectionSpec): Record<string, string> {
  const keys = spec.kind === "documents" ? spec.target : spec.kind === "queries" ? spec.queryKeys : spec.hardNegativeKeys;
  return Object.fromEntries(
    Object.entries(keys ?? {})
      .filter((entry): entry is [string, string] => typeof entry[1] === "string")
      .map(([key, value]) => [snakeCase(key), value]),
  );
}

function vectorsOf(spec: CollectionSpec): Pick<ListedCollection, "vectors"> {
  return spec.vectors === undefined ? {} : { vectors: { embedder_id: spec.vectors.embedderId, dimension: spec.vectors.dimension } };
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

type Properties = Readonly<Record<string, unknown>>;

function record(value: unknown): Properties {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Properties) : {};
}

/** The runs recorded in `hardneg_runs`, in the order the store keeps them (first written first). */
async function listRuns(engine: Engine, exists: (collection: string) => Promise<boolean>): Promise<ListedRun[]> {
  if (!(await engine.hasCollection(RUNS_COLLECTION))) return [];
  const manifests: Properties[] = [];
  const batches = new Map<string, Set<string>>();
  for await (const records of engine.iterate(RUNS_COLLECTION, { batchSize: 500 })) {
    for (const { properties } of records) {
      if (properties["type"] === "run") manifests.push(properties);
      else if (properties["type"] === "batch") {
        // Per batch size: a re-run with another batch size redoes its batches under new records.
        const key = `${String(properties["run_id"])}|${String(properties["batch_size"])}`;
        const committed = batches.get(key) ?? new Set<string>();
        committed.add(String(properties["batch"]));
        batches.set(key, committed);
      }
    }
  }
  const runs: ListedRun[] = [];
  for (const manifest of manifests) {
    const runId = String(manifest["run_id"]);
    const options = record(manifest["options"]);
    const complete = manifest["status"] === "complete";
    const report = complete ? (record(manifest["report"]) as Partial<MineReport>) : undefined;
    const count = (value: unknown) => (typeof value === "number" ? value : null);
    const out = typeof options["out"] === "string" ? options["out"] : null;
    runs.push({
      run_id: runId,
      out_collection: out,
      out_collection_exists: out !== null && (await exists(out)),
      state: complete ? "complete" : "incomplete",
      settings: settingsOf(options),
      batches_committed: batches.get(`${runId}|${String(options["batchSize"])}`)?.size ?? 0,
      queries: count(report?.queries),
      queries_mined: count(report?.queries_mined),
      rows_written: count(report?.rows_written),
    });
  }
  return runs;
}

/**
 * The settings a run recorded (its run key and batch size), snake_case, leaving out what it did
 * not set: N, strategy (with its range), score filters, sampling, shortfall, near-duplicate
 * threshold (absent: exact copies only), held-out query collections, seed, query
 * sampling, mode, pool size, alpha, fusion, engine, embedder, judge and the collections.
 */
function settingsOf(options: Properties): Record<string, unknown> {
  const search = record(options["search"]);
  const selection = record(options["selection"]);
  const judge = record(options["judge"]);
  const settings: Record<string, unknown> = {
    negatives_per_query: selection["negativesPerQuery"],
    strategy: selection["strategy"],
    range_min: selection["rangeMin"],
    range_max: selection["rangeMax"],
    relative_margin: selection["relativeMargin"],
    absolute_margin: selection["absoluteMargin"],
    max_score: selection["maxScore"],
    min_score: selection["minScore"],
    sampling: selection["sampling"],
    shortfall: selection["shortfall"],
    near_duplicate_threshold: selection["nearDuplicateThreshold"],
    exclude_golds_of: options["excludeGoldsOf"],
    seed: selection["seed"],
    query_samples: options["querySamples"],
    query_sampling: options["querySampling"],
    mode: search["mode"],
    pool_size: search["poolSize"],
    alpha: search["alpha"],
    fusion: search["fusion"],
    engine: options["backend"],
    embedder: options["embedder"],
    batch_size: options["batchSize"],
    docs_collection: record(options["docs"])["collection"],
    queries_collection: record(options["queries"])["collectionName"],
    judge:
      judge["id"] === undefined
        ? undefined
        : { id: judge["id"], version: judge["version"], policy: judge["policy"], max_judged_per_query: judge["maxJudgedPerQuery"] },
  };
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined && value !== null));
}

/** Human output: a table of collections, then one block per run. */
function humanLines(result: ListResult): string[] {
  const lines: string[] = [];
  if (result.collections === null) {
    lines.push(
      `engine "${result.engine}" cannot list its collections (its adapter has no listCollections); ` +
        "address them by name (e.g. hardneg export --collection <name>)",
    );
  } else if (result.collections.length === 0 && result.runs.length === 0) {
    return [`engine "${result.engine}" is empty: no collections and no mining runs (load data with hardneg load)`];
  } else {
    lines.push(`collections (${result.collections.length}):`, ...table(result.collections));
  }
  lines.push("");
  if (result.runs.length === 0) {
    lines.push("mining runs: none");
    return lines;
  }
  lines.push(`mining runs (${result.runs.length}):`);
  for (const run of result.runs) {
    const outcome =
      run.state === "complete"
        ? `${run.queries_mined} of ${run.queries} queries mined, ${run.rows_written} rows`
        : `${run.batches_committed} batch${run.batches_committed === 1 ? "" : "es"} committed; re-run the same mine to finish it`;
    const deleted = run.out_collection !== null && !run.out_collection_exists ? " [deleted since]" : "";
    lines.push(`  ${run.run_id}  ${run.state}  -> ${run.out_collection ?? "-"}${deleted}  (${outcome})`);
    lines.push(`    ${settingsLine(run.settings)}`);
  }
  return lines;
}

function table(collections: readonly ListedCollection[]): string[] {
  const rows = [
    ["name", "kind", "count", "keys"],
    ...collections.map((collection) => [
      collection.name,
      collection.kind,
      String(collection.count),
      [
        ...Object.entries(collection.keys).map(([key, value]) => `${key}=${value}`),
        ...(collection.vectors === undefined ? [] : [`vectors=${collection.vectors.embedder_id} (${collection.vectors.dimension})`]),
      ].join(" "),
    ]),
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    `  ${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${row[2]!.padStart(widths[2]!)}  ${row[3]}`.trimEnd(),
  );
}

function settingsLine(settings: Record<string, unknown>): string {
  return Object.entries(settings)
    .map(([key, value]) => `${key}=${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join(" ");
}
