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
    runs.push({
      runId,
      status: String(manifest["status"] ?? "unknown"),
      options,
      report: manifest["report"] as MineReport | undefined,
      ...scoresOf(batches.get(runId) ?? [], Number(options["batchSize"])),
      examples: await examplesOf(store, String(options["out"] ?? ""), runId),
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

/** The first rows the run wrote into its output collection. */
async function examplesOf(store: Store, collection: string, runId: string): Promise<ExampleRow[]> {
  if (collection === "" || !(await store.hasCollection(collection))) return [];
  const keys = (await store.describeCollection(collection))?.hardNegativeKeys;
  const key = {
    query: keys?.queryContentKey ?? "query",
    goldIds: keys?.goldIdsKey ?? "gold_doc_ids",
    goldDocuments: keys?.goldDocumentsKey ?? "gold_documents",
    negative: keys?.hardNegativeDocumentKey ?? "hard_negative_doc",
    negativeId: keys?.hardNegativeIdKey ?? "hard_negative_id",
  };
  const examples: ExampleRow[] = [];
  for await (const records of store.iterate(collection, { batchSize: 500 })) {
    for (const { properties } of records) {
      if (properties["run_id"] !== runId) continue;
      const goldDocuments = properties[key.goldDocuments];
      examples.push({
        queryId: String(properties["query_id"] ?? ""),
        query: String(properties[key.query] ?? ""),
        goldIds: Array.isArray(properties[key.goldIds]) ? (properties[key.goldIds] as unknown[]).map(String) : [],
        goldDocument: Array.isArray(goldDocuments) ? String(goldDocuments[0] ?? "") : "",
        negativeId: String(properties[key.negativeId] ?? ""),
        negative: String(properties[key.negative] ?? ""),
        rank: typeof properties["rank"] === "number" ? properties["rank"] : null,
        score: typeof properties["score"] === "number" ? properties["score"] : null,
        goldScore: typeof properties["gold_score"] === "number" ? properties["gold_score"] : null,
      });
      if (examples.length >= EXAMPLE_ROWS) return examples;
    }
  }
  return examples;
}
