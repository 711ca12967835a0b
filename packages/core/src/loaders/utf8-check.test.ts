import { isUtf8 } from "node:buffer";
import { Readable } from "node:stream";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BadInputError, HardnegError } from "../errors.js";
import { collect, createTempFolder, rejectionOf, type TempFolder } from "./__fixtures__/temp-folder.js";
import { readDelimited } from "./delimited-reader.js";
import { readDocuments } from "./documents-loader.js";
import { readJsonl } from "./jsonl-reader.js";
import { readLines } from "./line-reader.js";
import { readQrels } from "./qrels-loader.js";
import { readQueries } from "./queries-loader.js";
import { checkUtf8, firstInvalidOffset } from "./utf8-check.js";
import { gzipSync } from "node:zlib";

let folder: TempFolder;
beforeAll(async () => {
  folder = await createTempFolder();
});
afterAll(async () => {
  await folder.remove();
});

/** "café" as Latin-1: the é is the single byte 0xE9, which is not UTF-8. */
const LATIN1_CAFE = Buffer.from("café", "latin1");

function expectUtf8Error(error: Error, file: string, line: number): void {
  expect(error).toBeInstanceOf(BadInputError);
  expect((error as BadInputError).location).toEqual({ file, line });
  expect(error.message).toContain(`${file}:${line}: is not valid UTF-8`);
  expect(error.message).toContain("re-encode the file as UTF-8");
}

describe("input that is not UTF-8 is refused with file and line, never turned into U+FFFD", () => {
  it("readLines names the line of a Latin-1 byte and the byte's place in it", async () => {
    const file = await folder.write("latin1.txt", Buffer.concat([Buffer.from("first\nsecond\nun "), LATIN1_CAFE, Buffer.from("\nlast\n")]));
    const error = await rejectionOf(collect(readLines(file)));
    expectUtf8Error(error, file, 3);
    expect(error.message).toContain("byte 7 of the line is 0xe9");
  });

  it("finds the line when the bad byte is far into the file, past many chunks", async () => {
    const good = "a valid line with é and 😀\n".repeat(20_000);
    const file = await folder.write(
      "late.txt",
      Buffer.concat([Buffer.from(good), Buffer.from("x"), Buffer.from([0xc0, 0x80]), Buffer.from("\n")]),
    );
    expectUtf8Error(await rejectionOf(collect(readLines(file))), file, 20_001);
  });

  it("refuses a file that ends inside a character, and UTF-16", async () => {
    const cut = await folder.write("cut.txt", Buffer.concat([Buffer.from("ok\nends in €"), Buffer.from("€").subarray(0, 2)]));
    const cutError = await rejectionOf(collect(readLines(cut)));
    expectUtf8Error(cutError, cut, 2);
    expect(cutError.message).toContain("the file ends inside a character");
    const utf16 = await folder.write("utf16.jsonl", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"id": "a"}\n', "utf16le")]));
    expectUtf8Error(await rejectionOf(collect(readJsonl(utf16))), utf16, 1);
  });

  it("checks gzipped files after gunzipping", async () => {
    const file = await folder.write(
      "latin1.jsonl.gz",
      gzipSync(Buffer.concat([Buffer.from('{"_id": "d1", "text": "fine"}\n{"_id": "d2", "text": "'), LATIN1_CAFE, Buffer.from('"}\n')])),
    );
    expectUtf8Error(await rejectionOf(collect(readDocuments(file, { idKey: "_id", contentKey: "text" }))), file, 2);
  });

  it("checks CSV and TSV rows, documents, queries and qrels", async () => {
    const csv = await folder.write(
      "docs.csv",
      Buffer.concat([Buffer.from('id,text\nd1,"two\nlines"\nd2,'), LATIN1_CAFE, Buffer.from("\n")]),
    );
    expectUtf8Error(await rejectionOf(collect(readDelimited(csv))), csv, 4);
    expectUtf8Error(await rejectionOf(collect(readDocuments(csv, { idKey: "id", contentKey: "text" }))), csv, 4);
    const queries = await folder.write("queries.tsv", Buffer.concat([Buffer.from("text\tgold\n"), LATIN1_CAFE, Buffer.from("\td1\n")]));
    expectUtf8Error(await rejectionOf(collect(readQueries(queries, { contentKey: "text", goldIdsKey: "gold" }))), queries, 2);
    const qrels = await folder.write(
      "qrels.tsv",
      Buffer.concat([Buffer.from("q1\td1\t1\nq"), Buffer.from([0xff]), Buffer.from("\td2\t1\n")]),
    );
    expectUtf8Error(await rejectionOf(readQrels(qrels)), qrels, 2);
  });

  it("passes valid UTF-8 through unchanged, whatever the chunk boundaries", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "grapheme", maxLength: 60 }),
        fc.array(fc.nat({ max: 200 }), { maxLength: 6 }),
        async (text, cuts) => {
          const bytes = Buffer.from(text, "utf8");
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...points]
            .map((start, index, all) => bytes.subarray(start, all[index + 1] ?? bytes.length))
            .filter((chunk) => chunk.length > 0);
          const passed = await collect(Readable.from(chunks).pipe(checkUtf8("generated.txt")));
          expect(Buffer.concat(passed as Buffer[]).equals(bytes)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("firstInvalidOffset agrees with Node's validator and points at the first bad sequence", () => {
    const byteArbitrary = fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(0x80, 0xbf, 0xc2, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xa0, 0x9f, 0x90, 0x8f),
    );
    fc.assert(
      fc.property(fc.array(byteArbitrary, { maxLength: 12 }), (values) => {
        const bytes = Buffer.from(values);
        const offset = firstInvalidOffset(bytes);
        expect(offset === bytes.length).toBe(isUtf8(bytes));
        expect(isUtf8(bytes.subarray(0, offset))).toBe(true);
        if (offset < bytes.length) expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, offset + 4))).toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it("is a hardneg error the CLI prints on one line", async () => {
    const file = await folder.write("one-line.jsonl", Buffer.concat([Buffer.from('{"t": "'), LATIN1_CAFE, Buffer.from('"}\n')]));
    const error = await rejectionOf(collect(readJsonl(file)));
    expect(HardnegError.isInstance(error) && error.isUserError).toBe(true);
    expect(error.message.split("\n")).toHaveLength(1);
  });
});
