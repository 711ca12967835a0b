import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BadInputError } from "../errors.js";
import { collect, createTempFolder, rejectionOf, type TempFolder } from "./__fixtures__/temp-folder.js";
import { readDocuments } from "./documents-loader.js";
import { parseJsonKeepingDigits } from "./exact-json.js";
import { readJsonl } from "./jsonl-reader.js";
import { readQrels } from "./qrels-loader.js";
import { readQueries } from "./queries-loader.js";

let folder: TempFolder;
beforeAll(async () => {
  folder = await createTempFolder();
});
afterAll(async () => {
  await folder.remove();
});

/** Whether JSON.stringify writes an integer literal a double cannot hold exactly somewhere in `value`. */
function hasInexactInteger(value: unknown): boolean {
  if (typeof value === "number") return Number.isInteger(value) && !Number.isSafeInteger(value) && Math.abs(value) < 1e21;
  if (typeof value === "object" && value !== null) return Object.values(value).some(hasInexactInteger);
  return false;
}

/** Above 2^53: `JSON.parse` reads it as 12345678901234567000. */
const BIG = "12345678901234567890";

describe("parseJsonKeepingDigits", () => {
  it("keeps every digit of integers a double would round, as strings", () => {
    expect(parseJsonKeepingDigits(`{"_id": ${BIG}, "n": 7, "gold": [${BIG}, -${BIG}, 9007199254740991, 9007199254740992]}`)).toEqual({
      _id: BIG,
      n: 7,
      gold: [BIG, `-${BIG}`, 9007199254740991, "9007199254740992"],
    });
  });

  it("leaves strings, fractions, exponents and safe integers as JSON.parse reads them", () => {
    const text = `{"text": "id ${BIG} and \\" ${BIG}", "x": 1.2345678901234567890, "y": 1e25, "z": -0, "w": [1, 2.5]}`;
    expect(parseJsonKeepingDigits(text)).toEqual(JSON.parse(text));
  });

  it("equals JSON.parse on any JSON without inexact integers", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        fc.pre(!hasInexactInteger(value));
        expect(parseJsonKeepingDigits(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it("fails like JSON.parse, with the position in the original text", () => {
    for (const text of [`{"id": ${BIG}, oops}`, `{"id": 0${BIG}}`, `[${BIG}`]) {
      let expected = "";
      try {
        JSON.parse(text);
      } catch (error) {
        expected = (error as Error).message;
      }
      expect(() => parseJsonKeepingDigits(text)).toThrow(expected);
    }
  });
});

describe("numeric ids are never rounded", () => {
  it("readJsonl and readDocuments keep a numeric id above 2^53 digit for digit", async () => {
    const file = await folder.write("big-ids.jsonl", `{"_id": ${BIG}, "text": "one"}\n{"_id": 12345678901234567891, "text": "two"}\n`);
    expect((await collect(readJsonl(file)))[0]!.value["_id"]).toBe(BIG);
    const docs = await collect(readDocuments(file, { idKey: "_id", contentKey: "text" }));
    // Rounded, both would be 12345678901234567000: one id, and the second document a "duplicate".
    expect(docs.map((doc) => doc.id)).toEqual([BIG, "12345678901234567891"]);
  });

  it("readQueries keeps numeric gold ids above 2^53, in JSONL arrays and in CSV JSON cells", async () => {
    const jsonl = await folder.write("big-gold.jsonl", `{"q": "first", "gold": [${BIG}, 7]}\n{"q": "second", "gold": ${BIG}}\n`);
    expect((await collect(readQueries(jsonl, { contentKey: "q", goldIdsKey: "gold" }))).map((query) => query.goldIds)).toEqual([
      [BIG, "7"],
      [BIG],
    ]);
    const csv = await folder.write("big-gold.csv", `q,gold\nfirst,"[${BIG}, 7]"\nsecond,${BIG};12345678901234567891\n`);
    expect((await collect(readQueries(csv, { contentKey: "q", goldIdsKey: "gold" }))).map((query) => query.goldIds)).toEqual([
      [BIG, "7"],
      [BIG, "12345678901234567891"],
    ]);
  });

  it("CSV, TSV and qrels ids stay text", async () => {
    const tsv = await folder.write("ids.tsv", `id\ttext\n${BIG}\tone\n000123\ttwo\n`);
    expect((await collect(readDocuments(tsv, { idKey: "id", contentKey: "text" }))).map((doc) => doc.id)).toEqual([BIG, "000123"]);
    const qrels = await readQrels(await folder.write("big-qrels.tsv", `${BIG}\t12345678901234567891\t1\n`));
    expect(qrels.goldIds(BIG)).toEqual(["12345678901234567891"]);
  });

  it("refuses, with file and line and the advice to quote it, a number already rounded in the file", async () => {
    const file = await folder.write(
      "rounded.jsonl",
      '{"_id": "a", "text": "fine"}\n{"_id": 1.2345678901234567e19, "text": "lost digits"}\n',
    );
    const error = await rejectionOf(collect(readDocuments(file, { idKey: "_id", contentKey: "text" })));
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).location).toEqual({ file, line: 2 });
    expect(error.message).toContain('id "_id" is a number too large to keep exactly (12345678901234567000); write it as a string');
    const gold = await folder.write("rounded-gold.jsonl", '{"q": "x", "gold": [1, 2e20]}\n');
    expect((await rejectionOf(collect(readQueries(gold, { contentKey: "q", goldIdsKey: "gold" })))).message).toContain(
      `${gold}:1: id "gold[1]" is a number too large`,
    );
  });
});
