import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BadInputError } from "../errors.js";
import { createTempFolder, rejectionOf, type TempFolder } from "./__fixtures__/temp-folder.js";
import { readQrels } from "./qrels-loader.js";

let folder: TempFolder;
beforeAll(async () => {
  folder = await createTempFolder();
});
afterAll(async () => {
  await folder.remove();
});

function plain(grades: ReadonlyMap<string, ReadonlyMap<string, number>>): Record<string, Record<string, number>> {
  return Object.fromEntries([...grades].map(([queryId, documents]) => [queryId, Object.fromEntries(documents)]));
}

describe("readQrels", () => {
  it("reads BEIR qrels with a header, keeping grades and grade-0 rows as non-gold", async () => {
    const file = await folder.write("test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t0\n\nq2\td3\t1\nq1\td4\t1\n");
    const qrels = await readQrels(file);
    expect(plain(qrels.grades)).toEqual({ q1: { d1: 2, d2: 0, d4: 1 }, q2: { d3: 1 } });
    expect(qrels.goldIds("q1")).toEqual(["d1", "d4"]);
    expect(qrels.goldIds("absent")).toEqual([]);
    expect(qrels.lineOf("q1", "d4")).toBe(6);
    expect(qrels.lineOf("q2", "d3")).toBe(5);
    expect(qrels.file).toBe(file);
  });

  it("reads headerless BEIR rows and whitespace-separated TREC rows", async () => {
    const beir = await folder.write("no-header.tsv", "q1\td1\t1\n");
    expect(plain((await readQrels(beir)).grades)).toEqual({ q1: { d1: 1 } });
    const trec = await folder.write("trec.qrels", "301 0 FBIS3-10082 1\n301 0 FBIS3-10169 0\n302 Q0 LA0101 3\n");
    expect(plain((await readQrels(trec)).grades)).toEqual({ 301: { "FBIS3-10082": 1, "FBIS3-10169": 0 }, 302: { LA0101: 3 } });
  });

  it("reads gzipped qrels", async () => {
    const file = await folder.writeGzip("test.tsv.gz", "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
    expect((await readQrels(file)).goldIds("q1")).toEqual(["d1"]);
  });

  it.each([
    ["two columns", "q1\td1\n", 1, "row has 2 columns"],
    ["a non-numeric score after the first row", "q1\td1\t1\nq1\td2\thigh\n", 2, 'score "high" is not a number'],
    ["a column count that changes", "q1\t0\td1\t1\nq1\td2\t1\n", 2, "earlier rows have 4"],
    ["an empty id", "q1\t\t1\n", 1, "empty query or document id"],
    ["a conflicting repeated judgement", "q1\td1\t1\nq1\td1\t2\n", 2, "(line 1 gave 1)"],
  ])("names file and line for %s", async (_, content, line, message) => {
    const file = await folder.write("bad.tsv", content);
    const error = await rejectionOf(readQrels(file));
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).location).toEqual({ file, line });
    expect(error.message).toContain(message);
  });

  it("ignores a repeated judgement with the same grade", async () => {
    const file = await folder.write("repeat.tsv", "q1\td1\t1\nq1\td1\t1\n");
    expect((await readQrels(file)).lineOf("q1", "d1")).toBe(1);
  });
});
