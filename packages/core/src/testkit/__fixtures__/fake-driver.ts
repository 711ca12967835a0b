/**
 * A fake engine driver for the unit tests of core's adapter wrapper (`createEngine`). It keeps
 * collections in memory, answers `search` with one empty list per request and `getDocuments`
 * with nothing, and logs every call, so a test can check that core refused an input before the
 * driver was called, or override one method to hand core a crafted (broken) answer.
 */
import type { CollectionSpec } from "../../backend.js";
import type { EngineDriver } from "../../adapter/driver.js";
import { MissingCollectionError } from "../../errors.js";
import type { StoredRecord } from "../../types.js";

/** One call the driver received: method name and arguments. */
export interface DriverCall {
  method: string;
  args: unknown[];
}

/** A fake driver plus its call log and its state. */
export type FakeDriver = EngineDriver & {
  readonly calls: DriverCall[];
  readonly collections: Map<string, { spec: CollectionSpec; records: Map<string, StoredRecord> }>;
  /** The calls of one method, in order. */
  callsOf(method: string): DriverCall[];
};

/**
 * A fake driver named "fake" (specification "v1", modes: the default). `overrides` replace or
 * add methods and declarations (optional methods such as `count` or `scoreDocuments` exist only
 * when given); every method is logged.
 */
export function fakeDriver(overrides: Partial<EngineDriver> = {}): FakeDriver {
  const calls: DriverCall[] = [];
  const collections = new Map<string, { spec: CollectionSpec; records: Map<string, StoredRecord> }>();
  const require = (name: string) => {
    const collection = collections.get(name);
    if (collection === undefined) throw new MissingCollectionError(name, "create it first", { component: "fake" });
    return collection;
  };
  const base: EngineDriver = {
    specificationVersion: "v1",
    name: "fake",
    search: async (_target, requests) => requests.map(() => []),
    getDocuments: async () => new Map(),
    createCollection: async (spec) => {
      // A real engine refuses to create what exists: the race tests rely on it.
      if (collections.has(spec.name)) throw new Error(`fake: "${spec.name}" already exists`);
      collections.set(spec.name, { spec: structuredClone(spec), records: new Map() });
    },
    describeCollection: async (name) => structuredClone(collections.get(name)?.spec),
    deleteCollection: async (name) => {
      collections.delete(name);
    },
    upsert: async (name, records) => {
      const collection = require(name);
      for (const record of records) collection.records.set(record.id, structuredClone(record));
    },
    iterate: async function* (name, { batchSize }) {
      const records = [...require(name).records.values()];
      for (let start = 0; start < records.length; start += batchSize) yield records.slice(start, start + batchSize);
    },
    getRecords: async (name, ids) => {
      const collection = require(name);
      return new Map(ids.flatMap((id) => (collection.records.has(id) ? [[id, collection.records.get(id)!] as const] : [])));
    },
  };
  const driver = { ...base, ...overrides } as EngineDriver & Record<string, unknown>;
  for (const [method, value] of Object.entries(driver)) {
    if (typeof value !== "function") continue;
    driver[method] = (...args: unknown[]) => {
      calls.push({ method, args });
      return (value as (...args: unknown[]) => unknown).apply(driver, args);
    };
  }
  return Object.assign(driver, { calls, collections, callsOf: (method: string) => calls.filter((call) => call.method === method) });
}
