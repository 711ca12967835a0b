import { MemoryStore, RUNS_COLLECTION, type Engine } from "@hardneg/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { listCommand } from "./list.js";

afterEach(() => vi.restoreAllMocks());

/** Runs `hardneg list` on `engine` and returns what it printed. */
async function printed(engine: Engine, json: boolean): Promise<string> {
  let output = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    output += String(chunk);
    return true;
  });
  await listCommand(engine, { json });
  vi.restoreAllMocks();
  return output;
}

/** A store holding a queries collection and one run, as an engine (list uses only the store half). */
async function storeWithRun(): Promise<MemoryStore> {
  const store = new MemoryStore({ name: "memory" });
  await store.createCollection({
    name: "questions",
    kind: "queries",
    queryKeys: { idKey: "qid", queryContentKey: "question", goldIdsKey: "answers", gradesKey: "grades" },
  });
  await store.createCollection({ name: RUNS_COLLECTION, kind: "records" });
  await store.upsert(RUNS_COLLECTION, [
    { id: "r1", properties: { type: "run", run_id: "r1", status: "complete", options: { out: "negs" }, report: { queries: 3 } } },
  ]);
  return store;
}

describe("listCommand", () => {
  it("an engine whose adapter has no listCollections: collections null, a line saying so, and the runs still listed", async () => {
    const store = await storeWithRun();
    // The same store without the optional method, as an adapter without it gives.
    const engine = Object.create(store, { listCollections: { value: undefined } }) as Engine;
    expect(engine.listCollections, "a fixture check: no listCollections").toBeUndefined();
    const json = JSON.parse(await printed(engine, true));
    expect(json.collections, "null: the engine cannot list them (not: it holds none)").toBeNull();
    expect(
      json.runs.map((run: { run_id: string; state: string }) => [run.run_id, run.state]),
      "the run, still listed",
    ).toEqual([["r1", "complete"]]);
    const human = await printed(engine, false);
    expect(human, "says the engine cannot list its collections").toContain(
      'engine "memory" cannot list its collections (its adapter has no listCollections)',
    );
    expect(human, "and lists the run").toContain("mining runs (1):");
  });

  it("the keys are the spec's own names, snake_cased; a collection with no runs collection lists no runs", async () => {
    const store = new MemoryStore({ name: "memory" });
    await store.createCollection({
      name: "questions",
      kind: "queries",
      queryKeys: { idKey: "qid", queryContentKey: "question", goldIdsKey: "answers", gradesKey: "grades" },
    });
    const json = JSON.parse(await printed(store as unknown as Engine, true));
    expect(json, "one queries collection under its own key names, no runs").toEqual({
      engine: "memory",
      collections: [
        {
          name: "questions",
          kind: "queries",
          count: 0,
          keys: { id_key: "qid", query_content_key: "question", gold_ids_key: "answers", grades_key: "grades" },
        },
      ],
      runs: [],
    });
    expect(await printed(store as unknown as Engine, false), "no runs, said in words").toContain("mining runs: none");
  });
});
