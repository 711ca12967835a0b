import { describe, expect, it } from "vitest";
import type { Store } from "../backend.js";
import { MemoryStore } from "../adapter/memory-store.js";
import type { StoredRecord } from "../types.js";
import {
  commitBatch,
  committedBatches,
  type MinedBatch,
  RUNS_COLLECTION,
  rowIdOf,
  runIdOf,
  stableStringify,
  writeRunManifest,
} from "./run-records.js";
import { emptyCounters, type RunCounters } from "./run-stats.js";

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("stableStringify", () => {
  it("is JSON that parses back to the value", () => {
    const value = { b: [1, "two", null, { d: true, c: 0.5 }], a: "x", nested: { z: [], y: {} } };
    expect(JSON.parse(stableStringify(value))).toStrictEqual(value);
  });

  it("writes object keys in sorted order, at every depth", () => {
    expect(stableStringify({ b: 1, c: { z: 1, a: 2 }, a: [{ y: 1, x: 2 }] })).toBe('{"a":[{"x":2,"y":1}],"b":1,"c":{"a":2,"z":1}}');
  });

  it("equal objects serialise equally whatever their key order", () => {
    const keys = ["delta", "alpha", "charlie", "bravo", "echo"];
    const forwards = Object.fromEntries(keys.map((key, index) => [key, index]));
    const backwards = Object.fromEntries([...keys].reverse().map((key) => [key, keys.indexOf(key)]));
    expect(stableStringify(forwards)).toBe(stableStringify(backwards));
  });

  it("an undefined property is the same as an absent one; undefined elsewhere is null", () => {
    expect(stableStringify({ a: 1, b: undefined })).toBe(stableStringify({ a: 1 }));
    expect(stableStringify(undefined)).toBe("null");
    expect(stableStringify([undefined, 1])).toBe("[null,1]");
  });

  it("writes primitives as JSON does", () => {
    for (const value of [0, -1.5, 'a"b', true, false, null]) expect(stableStringify(value), String(value)).toBe(JSON.stringify(value));
  });
});

describe("runIdOf and rowIdOf", () => {
  it("a run id is a UUIDv5 that depends on the run's key only, not on its key order", () => {
    const id = runIdOf({ out: "negatives", negativesPerQuery: 5 });
    expect(id).toMatch(UUID_V5);
    expect(runIdOf({ negativesPerQuery: 5, out: "negatives" }), "same key, other order").toBe(id);
    expect(runIdOf({ out: "negatives", negativesPerQuery: 6 }), "another option value").not.toBe(id);
  });

  it("run ids and row ids never collide, even for the same text", () => {
    expect(runIdOf("a|b|c")).not.toBe(rowIdOf("a", "b", "c"));
  });

  it("a row id is a UUIDv5 of run, query and negative, and changes with each of them", () => {
    const id = rowIdOf("run-1", "q1", "d1");
    expect(id).toMatch(UUID_V5);
    expect(rowIdOf("run-1", "q1", "d1"), "deterministic").toBe(id);
    const others = [rowIdOf("run-2", "q1", "d1"), rowIdOf("run-1", "q2", "d1"), rowIdOf("run-1", "q1", "d2")];
    expect(new Set([id, ...others]).size).toBe(4);
  });

  it("the parts of a row id are kept apart (no two splits of the same characters share an id)", () => {
    expect(rowIdOf("run", "q1", "0d")).not.toBe(rowIdOf("run", "q10", "d"));
  });
});

function countersWith(queries: number): RunCounters {
  return { ...emptyCounters(), queries, queries_mined: queries };
}

function batchOf(batchIndex: number, rows: StoredRecord[], overrides: Partial<MinedBatch> = {}): MinedBatch {
  return {
    outCollection: "negatives",
    rows,
    batchSize: 2,
    batchIndex,
    queryIds: [`q${2 * batchIndex}`, `q${2 * batchIndex + 1}`],
    counters: countersWith(2),
    ...overrides,
  };
}

const rowOf = (id: string): StoredRecord => ({ id, properties: { query: "q", negative: id } });

/** A store holding the output collection and the runs collection (a run reads its progress before committing). */
async function outputStore(): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.createCollection({ name: "negatives", kind: "hard-negatives" });
  await store.createCollection({ name: RUNS_COLLECTION, kind: "records" });
  return store;
}

async function recordsOf(store: Store, collection: string): Promise<StoredRecord[]> {
  const records: StoredRecord[] = [];
  for await (const batch of store.iterate(collection)) records.push(...batch);
  return records;
}

/** `store` without `upsertTogether` (a store that cannot commit two collections atomically). */
function withoutAtomicCommit(store: Store): Store {
  const plain = Object.create(store) as Store;
  Object.defineProperty(plain, "upsertTogether", { value: undefined });
  return plain;
}

/** `store`, recording every write as [collection, record count]. */
function recordingWrites(store: Store): { store: Store; writes: Array<[string, number]> } {
  const writes: Array<[string, number]> = [];
  const recording = Object.create(store) as Store;
  recording.upsert = async (name, records) => {
    writes.push([name, records.length]);
    await store.upsert(name, records);
  };
  if (store.upsertTogether !== undefined) {
    recording.upsertTogether = async (batch) => {
      for (const write of batch) writes.push([`together:${write.collection}`, write.records.length]);
      await store.upsertTogether!(batch);
    };
  }
  return { store: recording, writes };
}

describe("committedBatches", () => {
  it("a run never started has no committed batch (and the runs collection is created on first use)", async () => {
    const store = new MemoryStore();
    expect((await committedBatches(store, "run-1", 2, 3)).size).toBe(0);
    expect(await store.hasCollection(RUNS_COLLECTION)).toBe(true);
  });

  it("gives the counters of each committed batch by index", async () => {
    const store = await outputStore();
    await commitBatch(store, "run-1", batchOf(0, [rowOf("a")], { counters: countersWith(2) }));
    await commitBatch(store, "run-1", batchOf(2, [rowOf("b")], { counters: countersWith(1) }));
    const done = await committedBatches(store, "run-1", 2, 3);
    expect([...done.keys()].sort()).toEqual([0, 2]);
    expect(done.get(0)).toEqual(countersWith(2));
    expect(done.get(2)).toEqual(countersWith(1));
  });

  it("ignores batches of another run, of another batch size, and beyond the run's batch count", async () => {
    const store = await outputStore();
    await commitBatch(store, "run-2", batchOf(0, [rowOf("a")]));
    await commitBatch(store, "run-1", batchOf(1, [rowOf("b")], { batchSize: 3 }));
    await commitBatch(store, "run-1", batchOf(5, [rowOf("c")]));
    expect((await committedBatches(store, "run-1", 2, 5)).size).toBe(0);
  });
});

describe("commitBatch", () => {
  it("writes the rows to the output collection and a progress record reports can read", async () => {
    const store = await outputStore();
    await commitBatch(store, "run-1", batchOf(1, [rowOf("a"), rowOf("b")]));
    expect((await recordsOf(store, "negatives")).map((record) => record.id)).toEqual(["a", "b"]);
    const [progress, ...others] = await recordsOf(store, RUNS_COLLECTION);
    expect(others, "one progress record per batch").toEqual([]);
    expect(progress!.properties).toStrictEqual({
      type: "batch",
      run_id: "run-1",
      batch_size: 2,
      batch: 1,
      query_ids: ["q2", "q3"],
      counters: countersWith(2),
    });
  });

  it("re-committing a batch replaces its progress record rather than adding one", async () => {
    const store = await outputStore();
    await commitBatch(store, "run-1", batchOf(0, [rowOf("a")]));
    await commitBatch(store, "run-1", batchOf(0, [rowOf("a")]));
    expect(await recordsOf(store, RUNS_COLLECTION)).toHaveLength(1);
    expect(await recordsOf(store, "negatives")).toHaveLength(1);
  });

  it("with an atomic store, rows and progress go in one commit", async () => {
    const store = await outputStore();
    const recording = recordingWrites(store);
    await commitBatch(recording.store, "run-1", batchOf(0, [rowOf("a"), rowOf("b")]));
    expect(recording.writes).toEqual([
      ["together:negatives", 2],
      [`together:${RUNS_COLLECTION}`, 1],
    ]);
  });

  it("without an atomic store, rows are written before the progress record, so a crash between only repeats rows", async () => {
    const store = await outputStore();
    const recording = recordingWrites(withoutAtomicCommit(store));
    await commitBatch(recording.store, "run-1", batchOf(0, [rowOf("a")]));
    expect(recording.writes).toEqual([
      ["negatives", 1],
      [RUNS_COLLECTION, 1],
    ]);
    expect((await committedBatches(store, "run-1", 2, 1)).size).toBe(1);
  });

  it("without an atomic store, a batch with no rows writes only its progress", async () => {
    const recording = recordingWrites(withoutAtomicCommit(new MemoryStore()));
    await committedBatches(recording.store, "run-1", 2, 1);
    await commitBatch(recording.store, "run-1", batchOf(0, []));
    expect(recording.writes).toEqual([[RUNS_COLLECTION, 1]]);
  });
});

describe("writeRunManifest", () => {
  it("stores the manifest under the run id, typed as a run, with the given properties", async () => {
    const store = new MemoryStore();
    await store.createCollection({ name: RUNS_COLLECTION, kind: "records" });
    await writeRunManifest(store, "run-1", { status: "running", options: { out: "negatives" } });
    await writeRunManifest(store, "run-1", { status: "done", options: { out: "negatives" } });
    const records = await recordsOf(store, RUNS_COLLECTION);
    expect(records, "one manifest per run, updated in place").toHaveLength(1);
    expect(records[0]).toStrictEqual({
      id: "run-1",
      properties: { type: "run", run_id: "run-1", status: "done", options: { out: "negatives" } },
    });
  });
});
