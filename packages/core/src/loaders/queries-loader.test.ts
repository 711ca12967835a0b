import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BadInputError, BadOptionError } from "../errors.js";
import { collect, createTempFolder, rejectionOf, type TempFolder } from "./__fixtures__/temp-folder.js";
import { LoadReport } from "./load-report.js";
import { QrelsTable } from "./qrels-loader.js";
import { readQueries } from "./queries-loader.js";

let folder: TempFolder;
beforeAll(async () => {
  folder = await createTempFolder();
});
afterAll(async () => {
  await folder.remove();
});

describe("readQueries with gold ids on the record", () => {
  it("accepts arrays, single ids and numbers in JSONL", async () => {
    const file = await folder.write(
      "queries.jsonl",
      [
        JSON.stringify({ qid: "q1", question: "one", gold: ["d1", 2, "d1"] }),
        JSON.stringify({ qid: 7, question: "two", gold: "d3" }),
        JSON.stringify({ qid: "q3", question: "three", gold: 4 }),
      ].join("\n"),
    );
    const queries = await collect(readQueries(file, { idKey: "qid", contentKey: "question", goldIdsKey: "gold" }));
    expect(queries).toEqual([
      { id: "q1", text: "one", goldIds: ["d1", "2"] },
      { id: "7", text: "two", goldIds: ["d3"] },
      { id: "q3", text: "three", goldIds: ["4"] },
    ]);
  });

  it("accepts JSON arrays and ;- or ,-separated lists in CSV cells", async () => {
    const file = await folder.write("queries.csv", 'id,text,gold\nq1,a,"[""d1"",""d2""]"\nq2,b,d3;d4\nq3,c,"d5, d6"\nq4,d,d7\n');
    const queries = await collect(readQueries(file, { idKey: "id", contentKey: "text", goldIdsKey: "gold" }));
    expect(queries.map((query) => query.goldIds)).toEqual([["d1", "d2"], ["d3", "d4"], ["d5", "d6"], ["d7"]]);
  });

  it("gives queries without an id key a stable id derived from the text, pinned by literals", async () => {
    // These ids enter row ids and run records: they must never change between versions. Each is
    // "q-" and the first 16 hex digits of the SHA-256 of the text's UTF-8 bytes, computed outside
    // hardneg: printf %s 'why is the sea salty' | sha256sum → 17cc66b90e9761ad…
    const pinned = [
      { text: "why is the sea salty", id: "q-17cc66b90e9761ad" },
      { text: "Café crème?", id: "q-dd823db4e0419814" }, // UTF-8 bytes, not UTF-16 code units
      { text: "what causes tides", id: "q-455e1885180dd4dc" },
    ];
    const mapping = { contentKey: "simulated_user_query", goldIdsKey: "dataset_ids" };
    const lines = pinned.map(({ text }) => JSON.stringify({ simulated_user_query: text, dataset_ids: ["d1"] }));
    const file = await folder.write("no-ids.jsonl", `${lines.join("\n")}\n`);
    const queries = await collect(readQueries(file, mapping));
    expect(
      queries.map((query) => query.id),
      "content ids of the JSONL queries",
    ).toEqual(pinned.map(({ id }) => id));
    // Another file format and another position in the file give the same id: it depends on the text only.
    const csv = await folder.write("no-ids.csv", "simulated_user_query,dataset_ids\nwhat causes tides,d2\nwhy is the sea salty,d1\n");
    expect(
      (await collect(readQueries(csv, mapping))).map((query) => query.id),
      "content ids of the CSV queries",
    ).toEqual(["q-455e1885180dd4dc", "q-17cc66b90e9761ad"]);
  });

  it("skips and counts empty query text and queries without gold ids, with file and line", async () => {
    const file = await folder.write(
      "gaps.jsonl",
      [
        '{"text": "kept", "gold": ["d1"]}',
        '{"text": "   ", "gold": ["d2"]}',
        '{"text": "no gold", "gold": []}',
        '{"text": "null gold", "gold": null}',
      ].join("\n"),
    );
    const report = new LoadReport();
    const queries = await collect(readQueries(file, { contentKey: "text", goldIdsKey: "gold" }, { report }));
    expect(queries.map((query) => query.text)).toEqual(["kept"]);
    expect(report).toMatchObject({ read: 4, kept: 1, skipped: 3 });
    expect(report.examples).toEqual([
      { file, line: 2, reason: "empty query text" },
      { file, line: 3, reason: "no gold ids" },
      { file, line: 4, reason: "no gold ids" },
    ]);
    expect(report.summary()).toContain("skipped 3 (empty query text: 1, no gold ids: 2)");
  });

  it("names the missing content key and the keys the record has", async () => {
    const file = await folder.write("wrong-key.jsonl", '{"_id": "q1", "query": "x", "gold": ["d1"]}\n');
    const error = await rejectionOf(collect(readQueries(file, { idKey: "_id", contentKey: "text", goldIdsKey: "gold" })));
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).location).toEqual({ file, line: 1 });
    expect(error.message).toContain('record has no key "text" (keys: _id, query, gold)');
  });

  it("refuses gold ids that are objects", async () => {
    const file = await folder.write("object-gold.jsonl", '{"text": "x", "gold": [{"id": "d1"}]}\n');
    const error = await rejectionOf(collect(readQueries(file, { contentKey: "text", goldIdsKey: "gold" })));
    expect(error.message).toContain('"gold"[0] is an object');
  });

  it("needs qrels or a gold ids key", async () => {
    const file = await folder.write("plain.jsonl", '{"text": "x"}\n');
    expect(await rejectionOf(collect(readQueries(file, { contentKey: "text" })))).toBeInstanceOf(BadOptionError);
  });
});

describe("readQueries with qrels", () => {
  it("yields only queries of the split, with graded gold ids, and counts the others", async () => {
    const qrels = new QrelsTable("test.tsv");
    qrels.add("q1", "d1", 2, 2);
    qrels.add("q1", "d9", 0, 3);
    qrels.add("q1", "d2", 1, 4);
    qrels.add("q3", "d5", 0, 5);
    qrels.add("q4", "d1", 1, 6);
    const file = await folder.write(
      "split.jsonl",
      [
        '{"_id": "q1", "text": "first"}',
        '{"_id": "q2", "text": "other split"}',
        '{"_id": "q3", "text": "only non-relevant judgements"}',
      ].join("\n"),
    );
    const report = new LoadReport();
    const queries = await collect(readQueries(file, { idKey: "_id", contentKey: "text", goldIdsKey: "ignored" }, { qrels, report }));
    expect(queries).toEqual([{ id: "q1", text: "first", goldIds: ["d1", "d2"], grades: { d1: 2, d2: 1 } }]);
    expect(report).toMatchObject({ read: 3, kept: 1, notInSplit: 1, skipped: 1, qrelsQueriesMissing: 1 });
    expect(report.summary()).toBe(
      `read 3, kept 1; skipped 1 (no gold ids: 1); 1 not in the qrels split; ` +
        `1 qrels query missing from the queries file; first: ${file}:3 no gold ids`,
    );
  });
});
