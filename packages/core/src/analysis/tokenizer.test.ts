import { describe, expect, it } from "vitest";
import { ENGLISH_STOPWORDS } from "./stopwords.js";
import { Tokenizer } from "./tokenizer.js";

describe("Tokenizer", () => {
  it("lowercases, splits on non-letters, drops English stop words and Porter-stems by default", () => {
    expect(new Tokenizer().tokenize("The Running dogs, and THEIR owners' cats-were jumping!")).toEqual([
      "run",
      "dog",
      "owner",
      "cat",
      "jump",
    ]);
  });

  it("keeps letters and digits of any script and splits on everything else", () => {
    const tokenizer = new Tokenizer({ stemming: "none", stopwords: "none" });
    expect(tokenizer.tokenize("Über naïve café 42nd—co-operate Ελλάδα 東京")).toEqual([
      "über",
      "naïve",
      "café",
      "42nd",
      "co",
      "operate",
      "ελλάδα",
      "東京",
    ]);
    expect(tokenizer.tokenize("  ...!?  ")).toEqual([]);
  });

  it("keeps a decomposed accent inside its word", () => {
    const tokenizer = new Tokenizer({ stemming: "none", stopwords: "none" });
    expect(tokenizer.tokenize("cafe\u0301 ok")).toEqual(["cafe\u0301", "ok"]);
  });

  it("can turn stemming and stop words off, or use a custom stop list", () => {
    expect(new Tokenizer({ stemming: "none" }).tokenize("the running dogs")).toEqual(["running", "dogs"]);
    expect(new Tokenizer({ stopwords: "none" }).tokenize("the running dogs")).toEqual(["the", "run", "dog"]);
    expect(new Tokenizer({ stopwords: ["Running"], stemming: "none" }).tokenize("the running dogs")).toEqual(["the", "dogs"]);
  });

  it("gives the same terms on repeated calls (the stem cache is transparent)", () => {
    const tokenizer = new Tokenizer();
    const first = tokenizer.tokenize("generalizations generalization generalize");
    expect(tokenizer.tokenize("generalizations generalization generalize")).toEqual(first);
    expect(first).toEqual(["gener", "gener", "gener"]);
  });

  it("has a fingerprint that changes with the options", () => {
    const fingerprints = new Set([
      new Tokenizer().fingerprint,
      new Tokenizer({ stemming: "none" }).fingerprint,
      new Tokenizer({ stopwords: "none" }).fingerprint,
      new Tokenizer({ stopwords: ["a"] }).fingerprint,
    ]);
    expect(fingerprints.size).toBe(4);
    expect(new Tokenizer({ stopwords: ["b", "a"] }).fingerprint).toBe(new Tokenizer({ stopwords: ["a", "b"] }).fingerprint);
  });

  it("rejects unknown options", () => {
    expect(() => new Tokenizer({ stemming: "lancaster" as "porter" })).toThrow(/bm25\.stemming/);
    expect(() => new Tokenizer({ language: "zh", stemming: "snowball" })).toThrow(/Snowball has no stemmer for language "zh"/);
    expect(() => new Tokenizer({ language: "xx" })).toThrow(/language: must be an ISO 639-1 language code/);
    expect(() => new Tokenizer({ stopwords: "french" as "english" })).toThrow(/bm25\.stopwords/);
  });

  it("ships a lowercase English list without duplicates", () => {
    expect(ENGLISH_STOPWORDS.length).toBeGreaterThan(140);
    expect(new Set(ENGLISH_STOPWORDS).size).toBe(ENGLISH_STOPWORDS.length);
    expect(ENGLISH_STOPWORDS.every((word) => word === word.toLowerCase())).toBe(true);
  });
  it("exposes its resolved options, from which another Tokenizer analyses alike (what a build thread does)", () => {
    for (const options of [{}, { language: "de" }, { language: "fr", stemming: "none" as const, stopwords: ["le", "La"] }]) {
      const original = new Tokenizer(options);
      const copy = new Tokenizer(structuredClone(original.options));
      expect(copy.fingerprint).toBe(original.fingerprint);
      const text = "Les Mühlen und the grinding, le café LA Straße";
      expect(copy.tokenize(text)).toEqual(original.tokenize(text));
    }
    expect(new Tokenizer({ language: "de" }).options).toEqual({ language: "de", stemming: "snowball", stopwords: "language" });
  });
});
