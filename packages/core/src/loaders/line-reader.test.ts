import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BadInputError } from "../errors.js";
import { collect, createTempFolder, rejectionOf, type TempFolder } from "./__fixtures__/temp-folder.js";
import { readJsonl } from "./jsonl-reader.js";
import { readLines } from "./line-reader.js";

let folder: TempFolder;
beforeAll(async () => {
  folder = await createTempFolder();
});
afterAll(async () => {
  await folder.remove();
});

describe("readLines", () => {
  it("numbers lines from 1, keeps blank lines, strips CR and a BOM, keeps a last line without newline", async () => {
    const file = await folder.write("lines.txt", "\uFEFFfirst\r\n\nthird\nlast");
    expect(await collect(readLines(file))).toEqual([
      { line: 1, text: "first" },
      { line: 2, text: "" },
      { line: 3, text: "third" },
      { line: 4, text: "last" },
    ]);
  });

  it("keeps multi-byte characters split across chunk boundaries", async () => {
    // The leading ASCII byte makes the 64 KiB boundary fall inside a two-byte character.
    const text = `x${"é".repeat(70_000)}`;
    const file = await folder.write("wide.txt", `${text}\nnext\n`);
    const lines = await collect(readLines(file));
    expect(lines.map((line) => line.text)).toEqual([text, "next"]);
  });

  it("gunzips files whose name ends in .gz", async () => {
    const file = await folder.writeGzip("lines.txt.gz", "a\nb\n");
    expect(await collect(readLines(file))).toEqual([
      { line: 1, text: "a" },
      { line: 2, text: "b" },
    ]);
  });

  it("names the file when it is missing or not gzip", async () => {
    const missing = await rejectionOf(collect(readLines(`${folder.path}/absent.txt`)));
    expect(missing).toBeInstanceOf(BadInputError);
    expect(missing.message).toContain("absent.txt: file not found");
    const fakeGzip = await folder.write("plain.txt.gz", "not gzip at all\n");
    const corrupt = await rejectionOf(collect(readLines(fakeGzip)));
    expect(corrupt).toBeInstanceOf(BadInputError);
    expect(corrupt.message).toContain("not valid gzip");
  });
});

describe("readJsonl", () => {
  it("yields objects with their line numbers and skips blank lines", async () => {
    const file = await folder.write("ok.jsonl", '{"a": 1}\n\n  \n{"b": "x"}\n');
    expect(await collect(readJsonl(file))).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 4, value: { b: "x" } },
    ]);
  });

  it("names file and line of a malformed line", async () => {
    const file = await folder.write("bad.jsonl", '{"a": 1}\n\n{"b": oops}\n{"c": 3}\n');
    const error = await rejectionOf(collect(readJsonl(file)));
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).location).toEqual({ file, line: 3 });
    expect(error.message).toMatch(/bad\.jsonl:3: line is not valid JSON \(Unexpected token .*\); fix or remove that line$/);
  });

  it("refuses a line that is valid JSON but not an object", async () => {
    const file = await folder.write("array.jsonl", '{"a": 1}\n["a", "b"]\n');
    const error = await rejectionOf(collect(readJsonl(file)));
    expect((error as BadInputError).location).toEqual({ file, line: 2 });
    expect(error.message).toContain("line is an array, expected a JSON object");
  });
});
