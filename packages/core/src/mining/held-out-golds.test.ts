import { describe, expect, it } from "vitest";
import { MemoryStore } from "../adapter/memory-store.js";
import { QueriesCollection } from "../collections.js";
import { HardnegError } from "../errors.js";
import type { Hit } from "../types.js";
import { addDocuments, addQueries, mineConfigOf, recordsOf, WordOverlapBackend } from "./__fixtures__/word-overlap-backend.js";
import { heldOutGoldIdsOf, heldOutRunKey } from "./held-out-golds.js";
import { mine } from "./mine.js";
import type { SelectionOptions } from "./options.js";
import { candidatesNeedingText, padNegatives, selectNegatives, type SelectionInput } from "./select-negatives.js";

const options: SelectionOptions = { negativesPerQuery: 5, strategy: "top-k", sampling: "top", shortfall: "keep-fewer", seed: 42 };

function inputOf(ids: string[], heldOut: string[]): SelectionInput {
  const pool: Hit[] = ids.map((id, index) => ({ id, rank: index + 1, score: 10 - index }));
  return {
    queryId: "q1",
    queryText: "a query",
    goldIds: ["g"],
    pool,
    texts: new Map([...ids, "g"].map((id) => [id, `text of document ${id}`])),
    goldScore: null,
    heldOutGoldIds: new Set(heldOut),
  };
}

describe("held-out golds in selection", () => {
  it("never selects a gold of a held-out query, and counts it as held_out_gold", () => {
    const selection = selectNegatives(inputOf(["a", "t1", "g", "b", "t2"], ["t1", "t2", "elsewhere"]), options);
    expect(selection.negatives.map((negative) => negative.id)).toEqual(["a", "b"]);
    expect(selection.dropped).toEqual({ gold: 1, held_out_gold: 2 });
  });

  it("counts a document gold for the query itself as gold, even when it is held out too", () => {
    expect(selectNegatives(inputOf(["g", "a"], ["g"]), options).dropped).toEqual({ gold: 1 });
  });

  it("drops held-out golds before the strategy window and before any text is needed", () => {
    const input = inputOf(["a", "t1", "b", "c"], ["t1"]);
    const range = { ...options, strategy: "range", rangeMin: 3 } as const;
    expect(selectNegatives(input, range).dropped, "t1 is outside the window too, and counted once, as held out").toEqual({
      outside_strategy: 1,
      held_out_gold: 1,
    });
    const { texts: _, ...withoutTexts } = input;
    expect(candidatesNeedingText(withoutTexts, options).map((hit) => hit.id)).toEqual(["a", "b", "c"]);
  });

  it("keeps every candidate when no query is held out", () => {
    const { heldOutGoldIds: _, ...input } = inputOf(["a", "t1"], []);
    expect(selectNegatives(input, options).negatives).toHaveLength(2);
  });

  it("never pads with a held-out gold", () => {
    const input = inputOf(["a"], ["t1"]);
    const selection = selectNegatives(input, options);
    const random = ["t1", "r1", "t1", "r2"].map((id) => ({ id, text: `random document ${id}`, score: null }));
    const padded = padNegatives(input, selection, random, { negativesPerQuery: 3 });
    expect(padded.map((negative) => negative.id)).toEqual(["a", "r1", "r2"]);
  });
});

const CORPUS: [string, string][] = [
  ["d1", "espresso grind size fine"],
  ["d2", "espresso machine descaling"],
  ["d3", "espresso shot timing"],
  ["d4", "espresso crema colour"],
  ["d5", "espresso cup warming"],
];
const TRAIN = [{ query_id: "q1", text: "espresso grind", gold_ids: ["d1"] }];
const TEST = [
  { query_id: "t1", text: "descaling", gold_ids: ["d2"] },
  { query_id: "t2", text: "", gold_ids: ["d4"] }, // an empty query: its gold is held out all the same
];

async function fixture() {
  const store = new MemoryStore();
  await addDocuments(store, CORPUS);
  await addQueries(store, TRAIN);
  await addQueries(store, TEST, "test");
  const config = mineConfigOf(new WordOverlapBackend(store), store, { negativesPerQuery: 4 });
  return { store, config };
}
const test = new QueriesCollection({ collectionName: "test" });

describe("mine with excludeGoldsOf", () => {
  it("writes no gold of the held-out queries as a negative, and reports how many it dropped", async () => {
    const { store, config } = await fixture();
    const report = await mine(config({ excludeGoldsOf: [test] }));
    const negatives = (await recordsOf(store)).map((row) => row.properties["hard_negative_id"]);
    expect(negatives).toEqual(["d3", "d5"]);
    expect(report.dropped.held_out_gold).toBe(2);
    expect(report.queries_short, "the query kept fewer negatives").toBe(1);
  });

  it("without it, mines those documents as before", async () => {
    const { store, config } = await fixture();
    const report = await mine(config());
    expect((await recordsOf(store)).map((row) => row.properties["hard_negative_id"])).toEqual(["d2", "d3", "d4", "d5"]);
    expect(report.dropped.held_out_gold).toBe(0);
  });

  it("refuses a held-out collection that does not exist, naming the option and the collection", async () => {
    const { config } = await fixture();
    const missing = new QueriesCollection({ collectionName: "tset" });
    const error = await mine(config({ excludeGoldsOf: [test, missing] })).catch((caught: unknown) => caught);
    expect(HardnegError.isInstance(error) && error.code).toBe("MISSING_COLLECTION");
    expect((error as HardnegError).location).toEqual({ collection: "tset", option: "excludeGoldsOf" });
    expect((error as Error).message).toContain("load the held-out queries first");
  });

  it("enters the run id; no held-out collection (or an empty list) keeps the id of a run without the option", async () => {
    const { config } = await fixture();
    const plain = (await mine(config())).run_id;
    expect((await mine(config({ excludeGoldsOf: [] }))).run_id).toBe(plain);
    const guarded = (await mine(config({ excludeGoldsOf: [test] }))).run_id;
    expect(guarded).not.toBe(plain);
    const train = new QueriesCollection({ collectionName: "queries" });
    expect((await mine(config({ excludeGoldsOf: [train, test, test] }))).run_id, "order and repeats do not matter").toBe(
      (await mine(config({ excludeGoldsOf: [test, train] }))).run_id,
    );
  });
});

describe("heldOutGoldIdsOf and heldOutRunKey", () => {
  it("reads every gold id of every held-out collection", async () => {
    const { store } = await fixture();
    const ids = await heldOutGoldIdsOf(store, [test, new QueriesCollection({ collectionName: "queries" })]);
    expect([...ids].sort()).toEqual(["d1", "d2", "d4"]);
  });

  it("records names and gold keys, sorted and once each", () => {
    const other = new QueriesCollection({ collectionName: "a-dev", goldIdsKey: "positives" });
    expect(heldOutRunKey([test, other, test])).toEqual(["a-dev#positives", "test#gold_ids"]);
    expect(heldOutRunKey(undefined)).toBeUndefined();
    expect(heldOutRunKey([])).toBeUndefined();
  });
});
