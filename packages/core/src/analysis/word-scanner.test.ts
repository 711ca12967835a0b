import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scanWords } from "./word-scanner.js";

function scanned(text: string): Array<{ word: string; hash: number }> {
  const words: Array<{ word: string; hash: number }> = [];
  scanWords(text, (source, start, end, hash) => words.push({ word: source.slice(start, end), hash }));
  return words;
}

describe("scanWords", () => {
  it("finds exactly the runs of letters, digits and marks, in any script", () => {
    const pieces = fc.constantFrom("a", "Z", "é", "e\u0301", "ß", "東", "𝒳", "😀", "٣", " ", "-", "'", "\n", "_", "9", "ж");
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string({ unit: "binary", maxLength: 3 })), { maxLength: 30 }), (parts) => {
        const lowercased = parts.join("").toLowerCase();
        expect(scanned(lowercased).map(({ word }) => word)).toEqual(lowercased.match(/[\p{L}\p{N}\p{M}]+/gu) ?? []);
      }),
    );
  });

  it("gives equal words equal hashes, wherever they occur", () => {
    const [first, , third] = scanned("alpha beta alpha");
    expect(first!.hash).toBe(third!.hash);
    expect(scanned("beta")[0]!.hash).toBe(scanned("x beta")[1]!.hash);
  });
});
