import { BadOptionError, RUNS_COLLECTION, type MineReport, type Store } from "@hardneg/core";

/** How many scores per kind a report plots (the first ones, in batch order). */
const MAX_PLOTTED_SCORES = 20_000;
/** Example rows shown per run. */
const EXAMPLE_ROWS = 8;

/** One example row of a run, with the texts under their user-named keys already resolved. */
export interface ExampleRow {
  queryId: string;
  query: string;
  goldIds: string[];
  goldDocument: string;
  negativeId: string;
  negative: string;
  rank: number | null;
  score: number | null;
  goldScore: number | null;
}

/** What a report shows about one mining run. */
export interface RunData {
  runId: string;
  status: string;
  /** The run's recorded options (collections, backend, search with mode/alpha/fusion, selection). */
  options: Record<string, unknown>;
  report: MineReport | undefined;
  negativeScores: number[];
  goldScores: number[];
  examples: ExampleRow[];
  /**
   * The short and skipped example queries of the report, by id: their text, and how many rows
   * the run wrote for each (0 for a skipped one). Absent text is "" (the query was not found).
   */
  shortfallQueries: ReadonlyMap<string, { text: string; rows: number }>;
}

/**
 * Reads what a report needs about a run from the store: its manifest (options and final report),
 * the score samples its batches recorded, and a few of its rows. `runOrCollection` is a run id,
 * or an output collection (then every run that wrote into it).
 */
export async function readRuns(store: Store, runOrCollection: string): Promise<RunData[]> {
  if (!(await store.hasCollection(RUNS_COLLECTION)))
    throw new BadOptionError("run", `no runs recorded in this engine (collection "${RUNS_COLLECTION}" is absent); mine first`);
  const manifests: Array<Record<string, unknown>> = [];
  const batches = new Map<string, Array<Record<string, unknown>>>();
  for await (const records of store.iterate(RUNS_COLLECTION, { batchSize: 500 })) {
    for (const record of records) {
      const properties = record.properties;
      if (properties["type"] === "run") {
        const options = (properties["options"] ?? {}) as Record<string, unknown>;
        if (record.id === runOrCollection || properties["run_id"] === runOrCollection || options["out"] === runOrCollection)
          manifests.push(properties);
      } else if (properties["type"] === "batch") {
        const runId = String(properties["run_id"]);
        const list = batches.get(runId) ?? [];
        list.push(properties);
        batches.set(runId, list);
      }
    }
  }
  if (manifests.length === 0) {
    throw new BadOptionError(
      "run",
      `no run with id or output collection ${JSON.stringify(runOrCollection)}; ` +
        `give a run id printed by \`hardneg mine\` or the --out-collection it wrote`,
    );
  }
  const runs: RunData[] = [];
  for (const manifest of manifests) {
    const runId = String(manifest["run_id"]);
    const options = (manifest["options"] ?? {}) as Record<string, unknown>;
    const report = manifest["report"] as MineReport | undefined;
    const wanted = new Set([...(report?.short_examples ?? []), ...(report?.skipped_examples ?? []).map((example) => example.query_id)]);
    const rows = await rowsOf(store, String(options["out"] ?? ""), runId, wanted);
    await addQueryTexts(store, options["queries"], rows.shortfallQueries, wanted);
    runs.push({
      runId,
      status: String(manifest["status"] ?? "unknown"),
      options,
      report,
      ...scoresOf(batches.get(runId) ?? [], Number(options["batchSize"])),
      ...rows,
    });
  }
  return runs;
}

/** Score samples of the batches committed with the run's batch size, in batch order. */
function scoresOf(batchRecords: Array<Record<string, unknown>>, batchSize: number): { negativeScores: number[]; goldScores: number[] } {
  const ordered = batchRecords
    .filter((record) => !Number.isFinite(batchSize) || Number(record["batch_size"]) === batchSize)
    .sort((left, right) => Number(left["batch"]) - Number(right["batch"]));
  const negativeScores: number[] = [];
  const goldScores: number[] = [];
  for (const record of ordered) {
    const counters = (record["counters"] ?? {}) as { negative_scores?: unknown; gold_scores?: unknown };
    for (const [source, target] of [
      [counters.negative_scores, negativeScores],
      [counters.gold_scores, goldScores],
    ] as const) {
      if (!Array.isArray(source)) continue;
      for (const value of source)
        if (typeof value === "number" && Number.isFinite(value) && target.length < MAX_PLOTTED_SCORES) target.push(value);
    }
  }
  return { negativeScores, goldScores };
}

/**
 * The first rows the run wrote into its output collection, and the row count and query text of
 * each `wanted` query (read on to the end of the collection only when some are wanted).
 */
async function rowsOf(
  store: Store,
  collection: string,
  runId: string,
  wanted: ReadonlySet<string>,
): Promise<{ examples: ExampleRow[]; shortfallQueries: Map<string, { text: string; rows: number }> }> {
  const examples: ExampleRow[] = [];
  const shortfallQueries = new Map([...wanted].map((queryId) => [queryId, { text: "", rows: 0 }]));
  if (collection === "" || !(await store.hasCollection(collection))) return { examples, shortfallQueries };
  const keys = (await store.describeCollection(collection))?.hardNegativeKeys;
  const key = {
    query: keys?.queryContentKey ?? "query",
    goldIds: keys?.goldIdsKey ?? "gold_doc_ids",
    goldDocuments: keys?.goldDocumentsKey ?? "gold_documents",
    negative: keys?.hardNegativeDocumentKey ?? "hard_negative_doc",
    negativeId: keys?.hardNegativeIdKey ?? "hard_negative_id",
  };
  for await (const records of store.iterate(collection, { batchSize: 500 })) {
    for (const { properties } of records) {
      if (properties["run_id"] !== runId) continue;
      const queryId = String(properties["query_id"] ?? "");
      const counted = shortfallQueries.get(queryId);
      if (counted !== undefined) {
        counted.rows++;
        counted.text = String(properties[key.query] ?? "");
      }
      if (examples.length < EXAMPLE_ROWS) examples.push(exampleOf(properties, key));
    }
    if (examples.length >= EXAMPLE_ROWS && wanted.size === 0) break;
  }
  return { examples, shortfallQueries };
}

function exampleOf(
  properties: Record<string, unknown>,
  key: Record<"query" | "goldIds" | "goldDocuments" | "negative" | "negativeId", string>,
): ExampleRow {
  const goldDocuments = properties[key.goldDocuments];
  return {
    queryId: String(properties["query_id"] ?? ""),
    query: String(properties[key.query] ?? ""),
    goldIds: Array.isArray(properties[key.goldIds]) ? (properties[key.goldIds] as unknown[]).map(String) : [],
    goldDocument: Array.isArray(goldDocuments) ? String(goldDocuments[0] ?? "") : "",
    negativeId: String(properties[key.negativeId] ?? ""),
    negative: String(properties[key.negative] ?? ""),
    rank: typeof properties["rank"] === "number" ? properties["rank"] : null,
    score: typeof properties["score"] === "number" ? properties["score"] : null,
    goldScore: typeof properties["gold_score"] === "number" ? properties["gold_score"] : null,
  };
}

/**
 * Fills in the text of wanted queries that wrote no row (skipped ones) from the run's queries
 * collection, matched by the collection's id property (record ids may be derived from text).
 */
async function addQueryTexts(
  store: Store,
  recordedQueries: unknown,
  queries: Map<string, { text: string; rows: number }>,
  wanted: ReadonlySet<string>,
): Promise<void> {
  const missing = new Set([...wanted].filter((queryId) => queries.get(queryId)?.text === ""));
  const options = (recordedQueries ?? {}) as Record<string, unknown>;
  const collection = typeof options["collectionName"] === "string" ? options["collectionName"] : "";
  if (missing.size === 0 || collection === "" || !(await store.hasCollection(collection))) return;
  const idKey = String(options["idKey"] ?? "query_id");
  const textKey = String(options["queryContentKey"] ?? "text");
  for await (const records of store.iterate(collection, { batchSize: 500 })) {
    for (const record of records) {
      const queryId = String(record.properties[idKey] ?? record.id);
      if (!missing.delete(queryId)) continue;
      queries.get(queryId)!.text = String(record.properties[textKey] ?? "");
    }
    if (missing.size === 0) return;
  }
}
