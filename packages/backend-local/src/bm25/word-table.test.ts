import { describe, expect, it } from "vitest";
import { scanWords } from "@hardneg/core";
import { WordTable } from "./word-table.js";

function scanned(text: string): Array<{ word: string; hash: number }> {
  const words: Array<{ word: string; hash: number }> = [];
  scanWords(text, (source, start, end, hash) => words.push({ word: source.slice(start, end), hash }));
  return words;
}

describe("WordTable", () => {
  it("finds every stored word by range and nothing else, across growth", () => {
    const table = new WordTable();
    const words = Array.from({ length: 50_000 }, (_, index) => `w${index.toString(36)}`);
    words.forEach((word, index) => {
      table.add(word, scanned(word)[0]!.hash, index);
    });
    expect(table.size).toBe(words.length);
    const text = `zz ${words[12_345]} w${(99_999_999).toString(36)}`;
    const [, present, absent] = (() => {
      const ranges: Array<[number, number, number]> = [];
      scanWords(text, (_, start, end, hash) => ranges.push([start, end, hash]));
      return ranges;
    })();
    expect(table.get(text, ...present!)).toBe(12_345);
    expect(table.get(text, ...absent!)).toBeUndefined();
  });

  it("tells apart words whose hashes collide", () => {
    const table = new WordTable();
    table.add("first", 7, 1);
    table.add("other", 7, 2);
    table.add("longer", 7, 3);
    expect(table.get("x first", 2, 7, 7)).toBe(1);
    expect(table.get("other", 0, 5, 7)).toBe(2);
    expect(table.get("longer", 0, 6, 7)).toBe(3);
    expect(table.get("third", 0, 5, 7)).toBeUndefined();
  });
});
