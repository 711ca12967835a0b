import { describe, expect, it } from "vitest";
import type { Store } from "../backend.js";
import { MemoryStore } from "../adapter/memory-store.js";
import { QueriesCollection } from "../collections.js";
import { BadInputError } from "../errors.js";
import { contentId } from "../ids.js";
import type { StoredRecord } from "../types.js";
import { queryFromRecord, sampleQueries, type QueryOrSkip } from "./query-source.js";

const collection = new QueriesCollection({ collectionName: "queries" });

function recordOf(properties: Record<string, unknown>, id = "r1"): StoredRecord {
  return { id, properties };
}

function queryOf(result: QueryOrSkip) {
  if (!("query" in result)) throw new Error(`expected a usable query, got skip ${JSON.stringify(result.skip)}`);
  return result.query;
}

describe("queryFromRecord", () => {
  it("reads text, id and gold ids under the collection's keys", () => {
    const custom = new QueriesCollection({ collectionName: "qs", queryContentKey: "q", goldIdsKey: "pos", idKey: "qid", gradesKey: "g" });
    const result = queryFromRecord(recordOf({ q: "what is bm25", pos: ["d1"], qid: "Q1", g: { d1: 2 } }), custom);
    expect(result).toStrictEqual({ query: { id: "Q1", text: "what is bm25", goldIds: ["d1"], grades: { d1: 2 } } });
  });

  it("a record without the text key means the collection is mis-described: the error names the record, key, keys and option", () => {
    for (const text of [undefined, null]) {
      let error: unknown;
      try {
        queryFromRecord(recordOf({ question: "x", gold_ids: ["d1"], ...(text === null ? { text } : {}) }, "rec-7"), collection);
      } catch (caught) {
        error = caught;
      }
      expect(error, `text = ${String(text)}`).toBeInstanceOf(BadInputError);
      expect((error as BadInputError).location.collection).toBe("queries");
      expect((error as Error).message).toMatch(/record "rec-7" has no key "text" \(keys: question, gold_ids.*\); set queryContentKey/);
    }
  });

  it("a record without the gold ids key is refused the same way, pointing at goldIdsKey", () => {
    for (const gold of [undefined, null]) {
      const properties = { text: "q", positives: ["d1"], ...(gold === null ? { gold_ids: gold } : {}) };
      expect(() => queryFromRecord(recordOf(properties, "rec-8"), collection), `gold_ids = ${String(gold)}`).toThrow(
        /collection "queries": record "rec-8" has no key "gold_ids" \(keys: text, positives.*\); set goldIdsKey/,
      );
    }
  });

  it("gold ids must be document ids (strings or numbers); the error names the record, the key and the first bad item", () => {
    const cases: Array<[unknown, string]> = [
      [[{ id: "d1" }], 'item 1 is {"id":"d1"}'],
      [["d1", null], "item 2 is null"],
      [["d1", 2, true], "item 3 is true"],
      [[["d1"]], 'item 1 is ["d1"]'],
      [["d1", undefined], "item 2 is undefined"],
    ];
    for (const [bad, found] of cases) {
      expect(() => queryFromRecord(recordOf({ text: "q", gold_ids: bad }, "rec-9"), collection), found).toThrow(
        `collection "queries": record "rec-9": "gold_ids" must be a list of document ids (strings or numbers); ${found}`,
      );
    }
  });

  it("gold ids become distinct strings in their first order; a single id counts as a list of one", () => {
    expect(queryOf(queryFromRecord(recordOf({ text: "q", gold_ids: [3, "b", "3", "a", "b"] }), collection)).goldIds).toEqual([
      "3",
      "b",
      "a",
    ]);
    expect(queryOf(queryFromRecord(recordOf({ text: "q", gold_ids: "d9" }), collection)).goldIds).toEqual(["d9"]);
    expect(queryOf(queryFromRecord(recordOf({ text: "q", gold_ids: 12 }), collection)).goldIds).toEqual(["12"]);
  });

  it("a query without an id property gets a stable id derived from its text", () => {
    for (const id of [undefined, null, ""]) {
      const properties = { text: "what is bm25", gold_ids: ["d1"], ...(id === undefined ? {} : { query_id: id }) };
      expect(queryOf(queryFromRecord(recordOf(properties), collection)).id, `query_id = ${JSON.stringify(id)}`).toBe(
        contentId("what is bm25"),
      );
    }
  });

  it("ids and texts that are numbers become strings", () => {
    expect(queryOf(queryFromRecord(recordOf({ text: 42, gold_ids: ["d1"], query_id: 7 }), collection))).toMatchObject({
      id: "7",
      text: "42",
    });
  });

  it("an empty or blank text only makes that query unusable, reported under its id", () => {
    for (const text of ["", "  \t"]) {
      expect(queryFromRecord(recordOf({ text, gold_ids: ["d1"], query_id: "q1" }), collection), JSON.stringify(text)).toStrictEqual({
        skip: { queryId: "q1", reason: "empty_query" },
      });
    }
  });

  it("an empty gold list only makes that query unusable, reported under its id", () => {
    expect(queryFromRecord(recordOf({ text: "q", gold_ids: [], query_id: "q2" }), collection)).toStrictEqual({
      skip: { queryId: "q2", reason: "no_gold_ids" },
    });
  });

  it("grades are read from an object of numbers; other values are left out", () => {
    const grades = { d1: 2, d2: 0, d3: "high", d4: null };
    expect(queryOf(queryFromRecord(recordOf({ text: "q", gold_ids: ["d1"], gold_grades: grades }), collection)).grades).toStrictEqual({
      d1: 2,
      d2: 0,
    });
  });

  it("a query has no grades when its record holds none, or holds something that is not an object", () => {
    for (const gradesValue of [undefined, null, [2, 1], "d1:2", 3]) {
      const properties = { text: "q", gold_ids: ["d1"], ...(gradesValue === undefined ? {} : { gold_grades: gradesValue }) };
      expect(queryOf(queryFromRecord(recordOf(properties), collection)), JSON.stringify(gradesValue)).not.toHaveProperty("grades");
    }
  });
});

async function storeWithQueries(count: number, extra: (index: number) => Record<string, unknown> = () => ({})): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.createCollection({ name: "queries", kind: "queries" });
  await store.upsert(
    "queries",
    Array.from({ length: count }, (_, index) => ({
      id: `r${index}`,
      properties: { query_id: `q${index}`, text: `query ${index}`, gold_ids: [`d${index}`], ...extra(index) },
    })),
  );
  return store;
}

const ids = (queries: { id: string }[]) => queries.map((query) => query.id);
const positionOf = (id: string) => Number(id.slice(1));

describe("sampleQueries", () => {
  it('"first" takes the first records in collection order', async () => {
    const store = await storeWithQueries(10);
    const sampled = await sampleQueries(store, collection, { limit: 3, sampling: "first", seed: 42 });
    expect(ids(sampled.queries)).toEqual(["q0", "q1", "q2"]);
    expect(sampled.unusable).toEqual([]);
  });

  it('"first" stops reading the collection once the sample is full', async () => {
    const store = await storeWithQueries(10);
    const counting = countingReads(store);
    await sampleQueries(counting.store, collection, { limit: 3, sampling: "first", seed: 42 });
    expect(counting.recordsRead(), "records pulled from the store").toBeLessThanOrEqual(4);
  });

  it("a limit at least the collection's size takes every query, whatever the sampling", async () => {
    const store = await storeWithQueries(5);
    for (const sampling of ["first", "random"] as const) {
      const sampled = await sampleQueries(store, collection, { limit: Number.POSITIVE_INFINITY, sampling, seed: 1 });
      expect(ids(sampled.queries), sampling).toEqual(["q0", "q1", "q2", "q3", "q4"]);
    }
  });

  it('"random" draws exactly `limit` distinct queries, returned in collection order, the same for the same seed', async () => {
    const store = await storeWithQueries(20);
    const first = await sampleQueries(store, collection, { limit: 5, sampling: "random", seed: 7 });
    const again = await sampleQueries(store, collection, { limit: 5, sampling: "random", seed: 7 });
    expect(first.queries).toHaveLength(5);
    expect(new Set(ids(first.queries)).size, "distinct").toBe(5);
    const positions = ids(first.queries).map(positionOf);
    expect(positions, "collection order").toEqual([...positions].sort((a, b) => a - b));
    expect(again, "same seed, same sample").toEqual(first);
  });

  it('"random" gives every record the same chance, the first and last included (no bias to either end)', async () => {
    const size = 10;
    const limit = 3;
    const seeds = 400;
    const store = await storeWithQueries(size);
    const picks = new Array<number>(size).fill(0);
    for (let seed = 1; seed <= seeds; seed++) {
      const sampled = await sampleQueries(store, collection, { limit, sampling: "random", seed });
      expect(sampled.queries, `seed ${seed}`).toHaveLength(limit);
      for (const query of sampled.queries) picks[positionOf(query.id)]!++;
    }
    // Each record is expected limit/size × seeds = 120 times; ±40 is over 4 standard deviations.
    for (const [position, count] of picks.entries()) expect(count, `record ${position} picked`).toBeGreaterThan(80);
    for (const [position, count] of picks.entries()) expect(count, `record ${position} picked`).toBeLessThan(160);
  });

  it("unusable records count towards the sample and are reported, not mined", async () => {
    const store = await storeWithQueries(5, (index) => (index === 1 ? { text: " " } : index === 2 ? { gold_ids: [] } : {}));
    const sampled = await sampleQueries(store, collection, { limit: 3, sampling: "first", seed: 42 });
    expect(ids(sampled.queries)).toEqual(["q0"]);
    expect(sampled.unusable).toEqual([
      { queryId: "q1", reason: "empty_query" },
      { queryId: "q2", reason: "no_gold_ids" },
    ]);
  });

  it("records with the same text and no id are one query, mined once", async () => {
    const store = await storeWithQueries(3, (index) => ({ query_id: undefined, text: index === 2 ? "other" : "same text" }));
    const sampled = await sampleQueries(store, collection, { limit: 3, sampling: "first", seed: 42 });
    expect(sampled.queries.map((query) => query.text)).toEqual(["same text", "other"]);
  });

  it("a mis-described collection is an error, not a sample of skips", async () => {
    const store = await storeWithQueries(2, () => ({ text: undefined, question: "q" }));
    await expect(sampleQueries(store, collection, { limit: 2, sampling: "first", seed: 42 })).rejects.toThrow(/has no key "text"/);
  });
});

/** `store`, yielding one record per batch and counting the records pulled from it. */
function countingReads(store: Store): { store: Store; recordsRead: () => number } {
  let read = 0;
  const counting = Object.create(store) as Store;
  counting.iterate = async function* (name) {
    for await (const batch of store.iterate(name)) {
      for (const record of batch) {
        read++;
        yield [record];
      }
    }
  };
  return { store: counting, recordsRead: () => read };
}
