import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, createTempFolder, type TempFolder } from "./__fixtures__/temp-folder.js";
import { readDelimited } from "./delimited-reader.js";
import { readJsonl } from "./jsonl-reader.js";
import { readQrels } from "./qrels-loader.js";

let folder: TempFolder;
let fileNumber = 0;
beforeAll(async () => {
  folder = await createTempFolder();
});
afterAll(async () => {
  await folder.remove();
});

/** A fresh file name per generated case, so shrinking never reads a stale file. */
function nextName(extension: string): string {
  fileNumber += 1;
  return `generated-${fileNumber}.${extension}`;
}

const idArbitrary = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,12}$/);

/** What readJsonl promises: JSON's values, except integers beyond ±2^53 as strings of their digits. */
function withExactIntegers(value: unknown): unknown {
  if (typeof value === "number")
    return Number.isInteger(value) && !Number.isSafeInteger(value) && Math.abs(value) < 1e21 ? String(value) : value;
  if (Array.isArray(value)) return value.map(withExactIntegers);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withExactIntegers(item)]));
  return value;
}

describe("reader round trips", () => {
  it("readJsonl returns every written object with its line, across blank lines and gzip", async () => {
    const objectArbitrary = fc.dictionary(fc.string({ unit: "binary", maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
    const lineArbitrary = fc.oneof(
      { weight: 4, arbitrary: objectArbitrary.map((value) => ({ value })) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(lineArbitrary, { maxLength: 20 }), fc.boolean(), async (lines, gzipped) => {
        const content = lines.map((entry) => (entry === undefined ? "" : JSON.stringify(entry.value))).join("\n");
        const name = nextName(gzipped ? "jsonl.gz" : "jsonl");
        const file = gzipped ? await folder.writeGzip(name, content) : await folder.write(name, content);
        const expected = lines.flatMap((entry, index) =>
          entry === undefined ? [] : [{ line: index + 1, value: withExactIntegers(JSON.parse(JSON.stringify(entry.value))) }],
        );
        expect(await collect(readJsonl(file))).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it("readDelimited returns every CSV cell and the line each row starts on", async () => {
    // Cells full of the characters quoting exists for: commas, quotes, newlines.
    const cellArbitrary = fc.string({ unit: fc.constantFrom("a", "b", " ", ",", '"', "\n", "é", "😀"), maxLength: 10 });
    const rowArbitrary = fc.tuple(cellArbitrary, cellArbitrary);
    await fc.assert(
      fc.asyncProperty(fc.array(rowArbitrary, { minLength: 1, maxLength: 15 }), async (rows) => {
        const quote = (cell: string): string => `"${cell.replaceAll('"', '""')}"`;
        const content = `${["first,second", ...rows.map((row) => row.map(quote).join(","))].join("\n")}\n`;
        const file = await folder.write(nextName("csv"), content);
        let line = 2;
        const expected = rows.map(([first, second]) => {
          const record = { line, value: { first, second } };
          line += 1 + (first.split("\n").length - 1) + (second.split("\n").length - 1);
          return record;
        });
        expect(await collect(readDelimited(file))).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it("readQrels returns every judgement of BEIR and TREC layouts", async () => {
    const judgementArbitrary = fc.tuple(idArbitrary, idArbitrary, fc.integer({ min: -1, max: 3 }));
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(judgementArbitrary, { selector: ([queryId, documentId]) => `${queryId}\u0000${documentId}`, maxLength: 25 }),
        fc.constantFrom("beir-with-header", "beir", "trec"),
        async (judgements, layout) => {
          const rows = judgements.map(([queryId, documentId, grade]) =>
            layout === "trec" ? `${queryId} 0 ${documentId} ${grade}` : `${queryId}\t${documentId}\t${grade}`,
          );
          if (layout === "beir-with-header") rows.unshift("query-id\tcorpus-id\tscore");
          const file = await folder.write(nextName("tsv"), rows.join("\n"));
          if (judgements.length === 0) {
            await expect(readQrels(file)).rejects.toThrow(/has no judgements/);
            return;
          }
          const qrels = await readQrels(file);
          const headerLines = layout === "beir-with-header" ? 1 : 0;
          const total = [...qrels.grades.values()].reduce((sum, documents) => sum + documents.size, 0);
          expect(total).toBe(judgements.length);
          judgements.forEach(([queryId, documentId, grade], index) => {
            expect(qrels.grades.get(queryId)?.get(documentId)).toBe(grade);
            expect(qrels.lineOf(queryId, documentId)).toBe(index + 1 + headerLines);
            expect(qrels.goldIds(queryId).includes(documentId)).toBe(grade > 0);
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});
