import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BadInputError } from "../errors.js";
import { collect, createTempFolder, rejectionOf, type TempFolder } from "./__fixtures__/temp-folder.js";
import { readDocuments } from "./documents-loader.js";
import { LoadReport } from "./load-report.js";

let folder: TempFolder;
beforeAll(async () => {
  folder = await createTempFolder();
});
afterAll(async () => {
  await folder.remove();
});

const beirMapping = { idKey: "_id", contentKey: "text", titleKey: "title" };

describe("readDocuments", () => {
  it("maps id, text and title, stringifies numeric ids, keeps other properties in fields", async () => {
    const file = await folder.write(
      "corpus.jsonl",
      [
        JSON.stringify({ _id: "d1", title: "T", text: "one", url: "https://example.org", tags: ["a"] }),
        JSON.stringify({ _id: 42, title: "", text: "two" }),
      ].join("\n"),
    );
    expect(await collect(readDocuments(file, beirMapping))).toEqual([
      { id: "d1", text: "one", title: "T", fields: { url: "https://example.org", tags: ["a"] } },
      { id: "42", text: "two" },
    ]);
  });

  it("reads a gzipped corpus", async () => {
    const file = await folder.writeGzip("corpus.jsonl.gz", '{"_id": "g1", "text": "zipped"}\n');
    expect(await collect(readDocuments(file, beirMapping))).toEqual([{ id: "g1", text: "zipped" }]);
  });

  it("reads CSV with quoted commas and reports the right line for an empty row", async () => {
    const file = await folder.write("corpus.csv", 'doc_id,content\nd1,"salt, water"\nd2,"two\nlines"\nd3,\n');
    const report = new LoadReport();
    const docs = await collect(readDocuments(file, { idKey: "doc_id", contentKey: "content" }, report));
    expect(docs).toEqual([
      { id: "d1", text: "salt, water" },
      { id: "d2", text: "two\nlines" },
    ]);
    expect(report.examples).toEqual([{ file, line: 5, reason: "empty content" }]);
  });

  it("counts empty content and duplicate ids without failing, keeping the first duplicate", async () => {
    const file = await folder.write(
      "dupes.jsonl",
      [
        '{"_id": "a", "text": "first a"}',
        '{"_id": "b", "text": "  "}',
        '{"_id": "a", "text": "second a"}',
        '{"_id": "c", "text": null}',
      ].join("\n"),
    );
    const report = new LoadReport();
    const docs = await collect(readDocuments(file, beirMapping, report));
    expect(docs).toEqual([{ id: "a", text: "first a" }]);
    expect(report).toMatchObject({ read: 4, kept: 1, skipped: 2, duplicates: 1 });
    expect(report.skippedByReason.get("empty content")).toBe(2);
    expect(report.examples).toEqual([
      { file, line: 2, reason: "empty content" },
      { file, line: 3, reason: 'duplicate id "a"' },
      { file, line: 4, reason: "empty content" },
    ]);
  });

  it("names the missing key, the keys the record has and the option to pass", async () => {
    const file = await folder.write("keys.jsonl", '{"_id": "a", "content": "x"}\n{"_id": "b", "title": "t", "text": "y"}\n');
    const error = await rejectionOf(collect(readDocuments(file, { idKey: "_id", contentKey: "content" })));
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).location).toEqual({ file, line: 2 });
    expect(error.message).toContain('record has no key "content" (keys: _id, title, text); pass --content-key');
  });

  it("refuses ids that are neither strings nor numbers", async () => {
    const file = await folder.write("object-id.jsonl", '{"_id": {"x": 1}, "text": "y"}\n');
    const error = await rejectionOf(collect(readDocuments(file, beirMapping)));
    expect((error as BadInputError).location).toEqual({ file, line: 1 });
    expect(error.message).toContain('id "_id" is an object; ids must be non-empty strings or numbers');
  });

  it("refuses an unknown file extension", async () => {
    const file = await folder.write("corpus.parquet", "");
    const error = await rejectionOf(collect(readDocuments(file, beirMapping)));
    expect(error.message).toContain("unknown file type; use .jsonl, .csv or .tsv");
  });
});
