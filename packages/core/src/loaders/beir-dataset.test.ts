import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BadInputError } from "../errors.js";
import { collect, rejectionOf } from "./__fixtures__/temp-folder.js";
import { openBeir } from "./beir-dataset.js";
import { LoadReport } from "./load-report.js";

const fixture = fileURLToPath(new URL("./__fixtures__/beir-mini", import.meta.url));

describe("openBeir", () => {
  it("reads the corpus with BEIR's keys, reporting empty and duplicate documents", async () => {
    const dataset = await openBeir(fixture);
    expect(dataset.split).toBe("test");
    expect(dataset.availableSplits).toEqual(["test", "train"]);
    const report = new LoadReport();
    const docs = await collect(dataset.documents(report));
    expect(docs.map((doc) => doc.id)).toEqual(["d1", "d2", "3", "d5"]);
    expect(docs[0]).toEqual({
      id: "d1",
      title: "Tide pools",
      text: "Tide pools form where rock holds seawater at low tide.",
      fields: { metadata: { source: "field notes" } },
    });
    expect(docs[1]!.title).toBeUndefined();
    expect(report).toMatchObject({ read: 6, kept: 4, skipped: 1, duplicates: 1 });
    expect(report.examples.map((example) => example.line)).toEqual([4, 5]);
  });

  it("yields the test split's queries with graded gold ids from the qrels", async () => {
    const dataset = await openBeir(fixture, { split: "test" });
    const report = new LoadReport();
    const queries = await collect(dataset.queries(report));
    expect(queries).toEqual([
      { id: "q1", text: "How do barnacles survive low tide?", goldIds: ["d2"], grades: { d2: 1 } },
      { id: "q2", text: "What do sea stars eat?", goldIds: ["d5"], grades: { d5: 2 } },
    ]);
    expect(report).toMatchObject({ read: 5, kept: 2, notInSplit: 2, skipped: 1, qrelsQueriesMissing: 1 });
    expect(report.examples).toEqual([{ file: dataset.queriesFile, line: 4, reason: "empty query text" }]);
    expect((await dataset.qrels()).lineOf("q2", "d1")).toBe(4);
  });

  it("reads another split", async () => {
    const dataset = await openBeir(fixture, { split: "train" });
    expect((await collect(dataset.queries())).map((query) => [query.id, query.goldIds])).toEqual([
      ["q3", ["3"]],
      ["q5", ["d1"]],
    ]);
  });

  it("names the expected qrels path and lists the available splits", async () => {
    const error = await rejectionOf(openBeir(fixture, { split: "dev" }));
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).location.file).toMatch(/beir-mini[/\\]qrels[/\\]dev\.tsv$/);
    expect(error.message).toContain('split "dev" not found (available splits: test, train); pass --split');
  });

  it("names the missing corpus file", async () => {
    const error = await rejectionOf(openBeir(`${fixture}/qrels`));
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).location.file).toMatch(/corpus\.jsonl$/);
    expect(error.message).toContain("a BEIR folder holds corpus.jsonl, queries.jsonl and qrels/<split>.tsv");
  });
});
