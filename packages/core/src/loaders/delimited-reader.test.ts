import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BadInputError } from "../errors.js";
import { collect, createTempFolder, rejectionOf, type TempFolder } from "./__fixtures__/temp-folder.js";
import { delimiterFor, readDelimited } from "./delimited-reader.js";

let folder: TempFolder;
beforeAll(async () => {
  folder = await createTempFolder();
});
afterAll(async () => {
  await folder.remove();
});

describe("readDelimited", () => {
  it("reads CSV with quoted commas, quotes and newlines, giving the line where each row starts", async () => {
    const file = await folder.write("docs.csv", 'id,text\n1,"a, b"\n\n2,"multi\nline ""quoted"""\n3,plain\n');
    expect(await collect(readDelimited(file))).toEqual([
      { line: 2, value: { id: "1", text: "a, b" } },
      { line: 4, value: { id: "2", text: 'multi\nline "quoted"' } },
      { line: 6, value: { id: "3", text: "plain" } },
    ]);
  });

  it("reads TSV by extension, without quote handling, gzipped", async () => {
    const file = await folder.writeGzip("docs.tsv.gz", 'id\ttext\n1\tsaid "hi, there\n2\tb\n');
    expect(await collect(readDelimited(file))).toEqual([
      { line: 2, value: { id: "1", text: 'said "hi, there' } },
      { line: 3, value: { id: "2", text: "b" } },
    ]);
  });

  it("picks the delimiter from the extension unless given", async () => {
    expect(delimiterFor("a.tsv")).toBe("\t");
    expect(delimiterFor("a.TSV.gz")).toBe("\t");
    expect(delimiterFor("a.csv")).toBe(",");
    const file = await folder.write("semicolons.csv", "id;text\n1;x\n");
    expect(await collect(readDelimited(file, { delimiter: ";" }))).toEqual([{ line: 2, value: { id: "1", text: "x" } }]);
  });

  it("names file and line of a row with too many cells", async () => {
    const file = await folder.write("ragged.csv", "id,text\n1,ok\n2,not, quoted\n");
    const error = await rejectionOf(collect(readDelimited(file)));
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).location).toEqual({ file, line: 3 });
    expect(error.message).toContain("quote cells that contain the delimiter");
  });

  it("refuses a header naming a column twice", async () => {
    const file = await folder.write("twice.csv", "id,id\n1,2\n");
    const error = await rejectionOf(collect(readDelimited(file)));
    expect((error as BadInputError).location).toEqual({ file, line: 1 });
    expect(error.message).toContain('names column "id" twice');
  });
});
