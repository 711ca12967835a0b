import { seededRandom, Tokenizer } from "@hardneg/core";
import { describe, expect, it } from "vitest";
import { Bm25IndexBuilder } from "./bm25-index-builder.js";

const parameters = { k1: 1.5, b: 0.75 };

/** Document frequencies, term frequencies and lengths counted with Maps from the tokenizer's terms: the builder's oracle. */
function countedByHand(tokenizer: Tokenizer, texts: readonly string[]) {
  const termsOfTexts = texts.map((text) => tokenizer.tokenize(text));
  const documentFrequency = new Map<string, number>();
  const termFrequencies = termsOfTexts.map((terms) => {
    const frequencies = new Map<string, number>();
    for (const term of terms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
    for (const term of frequencies.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    return frequencies;
  });
  const lengths = termsOfTexts.map((terms) => terms.length);
  return { documentFrequency, termFrequencies, lengths };
}

describe("Bm25IndexBuilder", () => {
  it("counts each term's documents and frequencies as a hand count does, past the sizes its arrays start with", () => {
    const random = seededRandom(11);
    // 3,000 distinct words in the first document and a vocabulary of 5,000: both of the builder's
    // per-document and per-term arrays start smaller and must grow without losing a count.
    const words = Array.from({ length: 5_000 }, (_, rank) => `w${rank}x`);
    const texts = [
      [...words.slice(0, 3_000), ...words.slice(0, 40), ...words.slice(0, 7)].join(" "),
      ...Array.from({ length: 30 }, () => Array.from({ length: 200 }, () => words[Math.floor(random() ** 3 * words.length)]).join(" ")),
      "the of and",
    ];
    const tokenizer = new Tokenizer({});
    const builder = new Bm25IndexBuilder(tokenizer, parameters, "corpus");
    for (const [index, text] of texts.entries()) builder.addDocument(`d${index}`, index + 1, text);
    const { data } = builder.finish();

    const { documentFrequency, termFrequencies, lengths } = countedByHand(tokenizer, texts);
    expect(data.vocabulary.length).toBe(documentFrequency.size);
    const averageDocumentLength = lengths.reduce((sum, length) => sum + length, 0) / texts.length;
    expect(data.averageDocumentLength).toBe(averageDocumentLength);
    const { k1, b } = parameters;
    data.vocabulary.forEach((term, termId) => {
      const start = data.termOffsets[termId]!;
      const end = data.termOffsets[termId + 1]!;
      const frequency = documentFrequency.get(term)!;
      expect(end - start, term).toBe(frequency);
      const idf = Math.log(1 + (texts.length - frequency + 0.5) / (frequency + 0.5));
      const documents = termFrequencies.flatMap((frequencies, document) => (frequencies.has(term) ? [document] : []));
      expect([...data.postingDocuments.subarray(start, end)]).toEqual(documents);
      documents.forEach((document, offset) => {
        const tf = termFrequencies[document]!.get(term)!;
        const lengthNorm = k1 * (1 - b + (b * lengths[document]!) / averageDocumentLength);
        expect(data.postingScores[start + offset]).toBe(Math.fround((idf * tf * (k1 + 1)) / (tf + lengthNorm)));
      });
    });
    // The first document repeats its first 40 words and its first 7 once more.
    const first = termFrequencies[0]!;
    expect([first.get("w0x"), first.get("w10x"), first.get("w100x")]).toEqual([3, 2, 1]);
    expect(data.recordRowIds[texts.length - 1]).toBe(texts.length);
  });
});
