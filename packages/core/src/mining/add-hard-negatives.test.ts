import { describe, expect, it } from "vitest";
import { createSearchBackend } from "../adapter/create-engine.js";
import { MemoryStore } from "../adapter/memory-store.js";
import { DocsCollection, HardNegativesCollection, QueriesCollection } from "../collections.js";
import { addDocuments, addQueries, WordOverlapBackend } from "./__fixtures__/word-overlap-backend.js";
import { addHardNegatives, type AddHardNegativesOptions } from "./add-hard-negatives.js";

const QUERY_COUNT = 101;

async function options(overrides: Partial<AddHardNegativesOptions> = {}): Promise<AddHardNegativesOptions> {
  const store = new MemoryStore();
  await addDocuments(store, [
    ["d1", "coffee gold"],
    ["d2", "coffee other"],
  ]);
  await addQueries(
    store,
    Array.from({ length: QUERY_COUNT }, (_, index) => ({ query_id: `q${index}`, text: "coffee", gold_ids: ["d1"] })),
  );
  return {
    backend: createSearchBackend(new WordOverlapBackend(store)),
    store,
    negativesPerQuery: 1,
    docsCollection: new DocsCollection({ collectionName: "docs" }),
    queriesCollection: new QueriesCollection({ collectionName: "queries" }),
    hardNegativesCollection: new HardNegativesCollection({ collectionName: "out" }),
    ...overrides,
  };
}

describe("addHardNegatives", () => {
  it("mines the first 100 queries by default, as the original tool did", async () => {
    const report = await addHardNegatives(await options());
    expect(report.queries, `100 of the ${QUERY_COUNT} queries`).toBe(100);
  });

  it("mines querySamples queries when given", async () => {
    const report = await addHardNegatives(await options({ querySamples: 3 }));
    expect(report.queries).toBe(3);
  });
});
