import { describe, expect, it } from "vitest";
import { sharedData } from "../testkit/shared-data.js";
import { openBeir } from "./beir-dataset.js";
import { LoadReport } from "./load-report.js";

// The shared SciFact copy lives next to the repository, never inside it.
const { path: scifact, available: present } = sharedData("datasets/scifact", import.meta.url, "corpus.jsonl");

describe("BEIR SciFact (shared real data)", () => {
  it.skipIf(!present)("reads 5,183 documents", async () => {
    const dataset = await openBeir(scifact);
    const report = new LoadReport();
    let count = 0;
    for await (const doc of dataset.documents(report)) {
      if (doc.text === "") throw new Error(`empty document ${doc.id}`);
      count += 1;
    }
    expect(count).toBe(5183);
    expect(report).toMatchObject({ read: 5183, skipped: 0, duplicates: 0 });
  });

  it.skipIf(!present)("reads the test split: 300 queries, 339 qrels pairs", async () => {
    const dataset = await openBeir(scifact, { split: "test" });
    const qrels = await dataset.qrels();
    const pairs = [...qrels.grades.values()].reduce((total, documents) => total + documents.size, 0);
    expect(pairs).toBe(339);
    let queries = 0;
    let gold = 0;
    for await (const query of dataset.queries()) {
      queries += 1;
      gold += query.goldIds.length;
    }
    expect(queries).toBe(300);
    expect(gold).toBe(339);
  });

  it.skipIf(!present)("reads the train split: 809 queries", async () => {
    const dataset = await openBeir(scifact, { split: "train" });
    const report = new LoadReport();
    let queries = 0;
    for await (const _query of dataset.queries(report)) queries += 1;
    expect(queries).toBe(809);
    expect(report.notInSplit).toBe(report.read - 809);
  });
});
