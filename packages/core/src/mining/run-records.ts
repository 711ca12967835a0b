import type { Store } from "../backend.js";
import type { StoredRecord } from "../types.js";
import { uuidV5 } from "../ids.js";
import type { RunCounters } from "./run-stats.js";

/** The collection holding run manifests and per-batch progress of every run in a store. */
export const RUNS_COLLECTION = "hardneg_runs";

/** A deterministic run id: the same inputs and options always give the same id (and rows). */
export function runIdOf(runKey: unknown): string {
  return uuidV5(`run|${stableStringify(runKey)}`);
}

/** Deterministic id of one output row. */
export function rowIdOf(runId: string, queryId: string, negativeId: string): string {
  return uuidV5(`row|${runId}|${queryId}|${negativeId}`);
}

/**
 * Progress is kept per (batch size, batch index): the batch size is not part of the run id (it
 * does not change which rows a run writes), so a re-run with another batch size redoes the
 * batches, idempotently, instead of trusting batches of a different shape.
 */
function batchRecordId(runId: string, batchSize: number, batchIndex: number): string {
  return uuidV5(`batch|${runId}|${batchSize}|${batchIndex}`);
}

/** Counters of the batches a previous (interrupted) attempt of the same run committed. */
export async function committedBatches(
  store: Store,
  runId: string,
  batchSize: number,
  batchCount: number,
): Promise<Map<number, RunCounters>> {
  await store.createCollection({ name: RUNS_COLLECTION, kind: "records" });
  const ids = Array.from({ length: batchCount }, (_, index) => batchRecordId(runId, batchSize, index));
  const records = await store.getRecords(RUNS_COLLECTION, ids);
  const done = new Map<number, RunCounters>();
  ids.forEach((id, index) => {
    const record = records.get(id);
    if (record !== undefined) done.set(index, record.properties["counters"] as RunCounters);
  });
  return done;
}

/** A mined batch: its rows, and what its progress record says. */
export interface MinedBatch {
  outCollection: string;
  rows: readonly StoredRecord[];
  batchSize: number;
  batchIndex: number;
  queryIds: string[];
  counters: RunCounters;
}

/**
 * Writes a batch's rows and marks it committed: in one atomic commit where the store has
 * `upsertTogether` (a kill leaves both or neither), else the rows first, so a crash in between
 * only repeats idempotent writes.
 */
export async function commitBatch(store: Store, runId: string, batch: MinedBatch): Promise<void> {
  const progress: StoredRecord = {
    id: batchRecordId(runId, batch.batchSize, batch.batchIndex),
    properties: {
      type: "batch",
      run_id: runId,
      batch_size: batch.batchSize,
      batch: batch.batchIndex,
      query_ids: batch.queryIds,
      counters: batch.counters,
    },
  };
  if (store.upsertTogether !== undefined) {
    await store.upsertTogether([
      { collection: batch.outCollection, records: batch.rows },
      { collection: RUNS_COLLECTION, records: [progress] },
    ]);
    return;
  }
  if (batch.rows.length > 0) await store.upsert(batch.outCollection, batch.rows);
  await store.upsert(RUNS_COLLECTION, [progress]);
}

/** Writes the run's manifest: its options (never secrets) and, when finished, its report. */
export async function writeRunManifest(store: Store, runId: string, properties: Record<string, unknown>): Promise<void> {
  await store.upsert(RUNS_COLLECTION, [{ id: runId, properties: { type: "run", run_id: runId, ...properties } }]);
}

/** JSON with sorted keys, so equal objects always serialise equally. */
export function stableStringify(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => compareKeys(a, b));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableStringify(item)}`).join(",")}}`;
}

/**
 * Orders the keys of one object. They are distinct, so `<=` and `>=` act as `<` and `>` here, and V8's sort only
 * tells a negative result from the rest: whether a later key gives 1 or 0 never changes the order.
 */
function compareKeys(a: string, b: string): number {
  // Stryker disable next-line EqualityOperator: equivalent, keys are distinct (see above)
  if (a < b) return -1;
  // Stryker disable next-line EqualityOperator,ConditionalExpression: equivalent, the sort reads only the sign (see above)
  return a > b ? 1 : 0;
}
