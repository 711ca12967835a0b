import { describe, expect, it } from "vitest";
import { MemoryStore } from "../adapter/memory-store.js";
import { DISTINCT, GOLD, GOLD_COPIES, QUERY, QUERY_ARGUMENT } from "./__fixtures__/near-duplicate-texts.js";
import { addDocuments, addQueries, mineConfigOf, recordsOf, WordOverlapBackend } from "./__fixtures__/word-overlap-backend.js";
import { mine } from "./mine.js";

/** An ArguAna-style corpus: the gold, the query's argument, copies of the gold, and distinct arguments. */
const CORPUS: [string, string][] = [
  ["gold", GOLD],
  ["argument", QUERY_ARGUMENT],
  ...Object.entries(GOLD_COPIES),
  ...DISTINCT.map((text, index): [string, string] => [`distinct${index}`, text]),
  ["distinct0-cut", DISTINCT[0]!.slice(0, 150)],
];

async function fixture() {
  const store = new MemoryStore();
  await addDocuments(store, CORPUS);
  const queries = [{ query_id: "q1", text: QUERY, gold_ids: ["gold"] }];
  await addQueries(store, queries);
  return { store, config: mineConfigOf(new WordOverlapBackend(store), store, { negativesPerQuery: 10 }) };
}

const negativesOf = async (store: MemoryStore) => (await recordsOf(store)).map((row) => String(row.properties["hard_negative_id"])).sort();

describe("mine: near duplicates", () => {
  it("by default drops the query's argument, the copies of the gold and a cut copy of another negative", async () => {
    const { store, config } = await fixture();
    const report = await mine(config());
    expect(await negativesOf(store)).toEqual(["distinct0", "distinct1", "distinct2"]);
    expect(report.dropped.near_duplicate).toBe(6);
  });

  it("at threshold 1 mines them all, as before the rule", async () => {
    const { store, config } = await fixture();
    const report = await mine(config({ nearDuplicateThreshold: 1 }));
    expect(await negativesOf(store)).toHaveLength(CORPUS.length - 1);
    expect(report.dropped.near_duplicate).toBe(0);
  });

  it("enters the run id: another threshold is another run", async () => {
    const { config } = await fixture();
    const ids = new Set<string>();
    for (const nearDuplicateThreshold of [undefined, 0.9, 0.8, 1]) ids.add((await mine(config({ nearDuplicateThreshold }))).run_id);
    expect(ids.size, "the default is 0.9; 0.8 and 1 differ").toBe(3);
  });
});
