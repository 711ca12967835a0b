/**
 * What a store remembers about loads, in the records collection `hardneg_loads`: the staging
 * collections loads are writing (so one a killed load left behind is removed by the next load),
 * and, on stores that cannot swap collections, which collection a load is still writing (so
 * mining and evaluation refuse a collection a failed load left incomplete).
 */
import { hostname } from "node:os";
import type { Store } from "./backend.js";
import { BadInputError } from "./errors.js";
import { processExists } from "./process-exists.js";

/** The collection holding load records. */
export const LOADS_COLLECTION = "hardneg_loads";

/** A load in progress into a staging collection. */
interface StagingRecord {
  type: "staging";
  target: string;
  staging: string;
  host: string;
  pid: number;
  started: string;
}

/** The state of a collection written in place (stores without `replaceCollection`). */
interface InPlaceRecord {
  type: "in-place";
  collection: string;
  status: "loading" | "complete";
  started: string;
}

const stagingRecordId = (staging: string) => `staging:${staging}`;
const inPlaceRecordId = (collection: string) => `load:${collection}`;

/** Records that `staging` is being written for `target` by this process. */
export async function registerStaging(store: Store, target: string, staging: string): Promise<void> {
  await store.createCollection({ name: LOADS_COLLECTION, kind: "records" });
  const record: StagingRecord = { type: "staging", target, staging, host: hostname(), pid: process.pid, started: new Date().toISOString() };
  await store.upsert(LOADS_COLLECTION, [{ id: stagingRecordId(staging), properties: { ...record } }]);
}

/** Forgets a staging collection's record once it was swapped in or removed. */
export async function unregisterStaging(store: Store, staging: string): Promise<void> {
  // Records collections have no delete: the record is rewritten as finished.
  await store.upsert(LOADS_COLLECTION, [{ id: stagingRecordId(staging), properties: { type: "staging-done", staging } }]);
}

/**
 * Deletes staging collections of `target` whose loads died: written by a process of this host
 * that no longer runs (a `kill -9` mid-load). Loads of other hosts are left alone.
 */
export async function removeAbandonedStagings(store: Store, target: string): Promise<void> {
  if (!(await store.hasCollection(LOADS_COLLECTION))) return;
  for await (const batch of store.iterate(LOADS_COLLECTION)) {
    for (const { properties } of batch) {
      const record = properties as Partial<StagingRecord>;
      if (record.type !== "staging" || record.target !== target || record.host !== hostname() || processExists(record.pid ?? 0)) continue;
      await store.deleteCollection(record.staging!);
      await unregisterStaging(store, record.staging!);
    }
  }
}

/** Marks `collection` as being written in place: until {@link markLoaded}, mining refuses it. */
export async function markLoading(store: Store, collection: string): Promise<void> {
  await writeInPlace(store, collection, "loading");
}

/** Marks an in-place load of `collection` as finished. */
export async function markLoaded(store: Store, collection: string): Promise<void> {
  await writeInPlace(store, collection, "complete");
}

/**
 * Throws when a load into `collection` started and did not finish (a store written in place by
 * a load that failed or was killed): its records are a mix of old and new, or a part.
 *
 * @throws BadInputError naming the collection and what to do.
 */
export async function requireCompleteCollection(store: Store, collection: string): Promise<void> {
  if (!(await store.hasCollection(LOADS_COLLECTION))) return;
  const record = (await store.getRecords(LOADS_COLLECTION, [inPlaceRecordId(collection)])).get(inPlaceRecordId(collection))?.properties as
    | Partial<InPlaceRecord>
    | undefined;
  if (record?.status !== "loading") return;
  throw new BadInputError(
    `is incomplete: a load into it started at ${String(record.started)} and did not finish (or is still running); load it again`,
    { collection },
  );
}

async function writeInPlace(store: Store, collection: string, status: InPlaceRecord["status"]): Promise<void> {
  await store.createCollection({ name: LOADS_COLLECTION, kind: "records" });
  const record: InPlaceRecord = { type: "in-place", collection, status, started: new Date().toISOString() };
  await store.upsert(LOADS_COLLECTION, [{ id: inPlaceRecordId(collection), properties: { ...record } }]);
}
