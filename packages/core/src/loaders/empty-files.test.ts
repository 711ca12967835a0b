import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BadInputError } from "../errors.js";
import { collect, createTempFolder, rejectionOf, type TempFolder } from "./__fixtures__/temp-folder.js";
import { openBeir } from "./beir-dataset.js";
import { readDocuments } from "./documents-loader.js";
import { readQrels } from "./qrels-loader.js";
import { readQueries } from "./queries-loader.js";

let folder: TempFolder;
beforeAll(async () => {
  folder = await createTempFolder();
});
afterAll(async () => {
  await folder.remove();
});

function expectEmptyFileError(error: Error, file: string, expected: string): void {
  expect(error).toBeInstanceOf(BadInputError);
  expect((error as BadInputError).location).toEqual({ file });
  expect(error.message).toBe(
    `[hardneg] ${file}: has no ${expected}: the file is empty, or holds only blank lines or a header row; check that it is the right file`,
  );
}

describe("an input file without records is bad input, not an empty collection", () => {
  it("documents: empty, blank lines only, a CSV header only, gzipped empty", async () => {
    const mapping = { idKey: "id", contentKey: "text" };
    for (const file of [
      await folder.write("empty.jsonl", ""),
      await folder.write("blank.jsonl", "\n  \n\n"),
      await folder.write("header.csv", "id,text\n"),
      await folder.writeGzip("empty.jsonl.gz", ""),
    ]) {
      expectEmptyFileError(await rejectionOf(collect(readDocuments(file, mapping))), file, "documents");
    }
  });

  it("queries: empty, with gold ids on the record or with qrels", async () => {
    const file = await folder.write("queries.jsonl", "");
    expectEmptyFileError(await rejectionOf(collect(readQueries(file, { contentKey: "text", goldIdsKey: "gold" }))), file, "queries");
    const qrels = await readQrels(await folder.write("some.tsv", "q1\td1\t1\n"));
    expectEmptyFileError(await rejectionOf(collect(readQueries(file, { idKey: "_id", contentKey: "text" }, { qrels }))), file, "queries");
  });

  it("qrels: empty, or a header row only", async () => {
    for (const file of [await folder.write("empty.tsv", ""), await folder.write("header.tsv", "query-id\tcorpus-id\tscore\n")]) {
      expectEmptyFileError(await rejectionOf(readQrels(file)), file, "judgements");
    }
  });

  it("a BEIR folder with an empty corpus, queries or qrels file names that file", async () => {
    const dataset = join(folder.path, "beir");
    await mkdir(join(dataset, "qrels"), { recursive: true });
    const corpus = await folder.write("beir/corpus.jsonl", "");
    const queries = await folder.write("beir/queries.jsonl", '{"_id": "q1", "text": "espresso"}\n');
    const qrelsFile = await folder.write("beir/qrels/test.tsv", "query-id\tcorpus-id\tscore\n");
    const beir = await openBeir(dataset);
    expectEmptyFileError(await rejectionOf(collect(beir.documents())), corpus, "documents");
    expectEmptyFileError(await rejectionOf(beir.qrels()), qrelsFile, "judgements");
    await folder.write("beir/qrels/test.tsv", "q1\td1\t1\n");
    await folder.write("beir/queries.jsonl", "");
    expectEmptyFileError(await rejectionOf(collect((await openBeir(dataset)).queries())), queries, "queries");
  });

  it("a file whose records are all skipped is not empty: it loads nothing and says why", async () => {
    const file = await folder.write("all-empty-text.jsonl", '{"id": "a", "text": ""}\n');
    expect(await collect(readDocuments(file, { idKey: "id", contentKey: "text" }))).toEqual([]);
  });
});
