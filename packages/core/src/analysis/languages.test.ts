import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sharedData } from "../testkit/shared-data.js";
import { detectLanguage, UndetectedLanguage } from "./language-detection.js";
import { checkLanguage, supportedLanguages } from "./languages.js";
import { Tokenizer, TokenizersByLanguage } from "./tokenizer.js";
import { scanWords } from "./word-scanner.js";

const scifact = sharedData("datasets/scifact", import.meta.url, "corpus.jsonl");
const analysed = (language: string, text: string) => new Tokenizer({ language }).tokenize(text);

describe("language-aware analysis: words, stop words and stems per language", () => {
  it("English (the default) is exactly the analyser it was: Porter stems, English stop words, same fingerprint", () => {
    expect(analysed("en", "The French presses were grinding")).toEqual(["french", "press", "grind"]);
    expect(new Tokenizer({ language: "en" }).fingerprint).toBe(new Tokenizer().fingerprint);
    expect(new Tokenizer().fingerprint).toBe(JSON.stringify({ stemming: "porter", stopwords: "english" }));
    // English leaves a Chinese phrase whole, as before: one run of letters is one word.
    expect(analysed("en", "法压壶用什么研磨度？")).toEqual(["法压壶用什么研磨度"]);
  });

  it("German: Snowball stems inflected forms to one term and drops German stop words", () => {
    expect(analysed("de", "Wie stelle ich die Bremsen am Fahrrad ein?")).toEqual(["stell", "brems", "fahrrad"]);
    expect(analysed("de", "Bremse")).toEqual(analysed("de", "Bremsen"));
    expect(analysed("de", "Fahrräder")).toEqual(["fahrrad"]);
  });

  it("French: elided articles go as stop words and plurals meet their singular", () => {
    expect(analysed("fr", "l'arrosage des tomates")).toEqual(["arrosag", "tomat"]);
    expect(analysed("fr", "la tomate")).toEqual(["tomat"]);
  });

  it("Arabic: prefixes and suffixes are stripped (definite article, plural), stop words dropped", () => {
    expect(analysed("ar", "السيارات")).toEqual(analysed("ar", "سيارة"));
    expect(analysed("ar", "كيف أحافظ على بطارية السيارة في الشتاء؟")).not.toContain("على");
    expect(analysed("ar", "في")).toEqual([]);
  });

  it("Chinese: a phrase without spaces is split into dictionary words, stop words dropped", () => {
    expect(analysed("zh", "法压壶用什么研磨度？")).toEqual(["法", "压", "壶", "研磨", "度"]);
    expect(analysed("zh", "咖啡豆的研磨")).toEqual(["咖啡豆", "研磨"]);
  });

  it("Japanese: kanji and kana runs are split into words, particles dropped", () => {
    const terms = analysed("ja", "炊飯器でご飯を炊くときの水の量は？");
    expect(terms).toEqual(expect.arrayContaining(["炊飯", "ご飯", "炊く", "水", "量"]));
    expect(terms).not.toContain("を");
    expect(terms).not.toContain("の");
  });

  it("Thai: words are found without spaces", () => {
    const thai = new Tokenizer({ language: "th", stopwords: "none" });
    expect(thai.tokenize("ภาษาไทยง่ายนิดเดียว")).toEqual(["ภาษา", "ไทย", "ง่าย", "นิด", "เดียว"]);
  });

  it("a non-English analyser keeps Latin words of mixed text as the scanner finds them", () => {
    expect(new Tokenizer({ language: "zh", stopwords: "none" }).tokenize("用V60手冲咖啡")).toEqual(["用", "v60", "手", "冲", "咖啡"]);
  });

  it("segmented words keep their ranges and hashes consistent with the scanner's (index builder's word table)", () => {
    const tokenizer = new Tokenizer({ language: "zh", stopwords: "none" });
    const seen: Array<[string, number]> = [];
    tokenizer.scanWords("研磨度 abc", (text, start, end, hash) => seen.push([text.slice(start, end), hash]));
    const scannerHash = (word: string) => {
      let found = 0;
      scanWords(word, (_text, _start, _end, hash) => {
        found = hash;
      });
      return found;
    };
    expect(seen.map(([word]) => word)).toEqual(["研磨", "度", "abc"]);
    for (const [word, hash] of seen) expect(hash, word).toBe(scannerHash(word));
  });

  it("each language has its own fingerprint, so an index built for one is never served for another", () => {
    const fingerprints = ["en", "de", "fr", "zh", "ar"].map((language) => new Tokenizer({ language }).fingerprint);
    expect(new Set(fingerprints).size).toBe(5);
  });

  it("TokenizersByLanguage makes one analyser per language, English for an unrecorded one", () => {
    const tokenizers = new TokenizersByLanguage({ stopwords: "none" });
    expect(tokenizers.of("de")).toBe(tokenizers.of("de"));
    expect(tokenizers.of(undefined)).toBe(tokenizers.of("en"));
    expect(tokenizers.of("de").tokenize("die Bremsen")).toEqual(["die", "brems"]);
    expect(() => new TokenizersByLanguage({ stemming: "bad" as "none" })).toThrow(/bm25\.stemming/);
  });
});

describe("supported languages", () => {
  it("include the issue's languages and reject unknown codes with the option's name", () => {
    expect(supportedLanguages()).toEqual(expect.arrayContaining(["en", "de", "fr", "es", "ru", "zh", "ja", "ar", "th", "ko"]));
    expect(() => checkLanguage("de", "language")).not.toThrow();
    expect(() => checkLanguage("german", "language")).toThrow(/language: must be an ISO 639-1 language code .*got "german"/);
    expect(() => checkLanguage(7, "docsCollection.language")).toThrow(/docsCollection\.language/);
  });
});

describe("detectLanguage (--language auto)", () => {
  it("takes the majority language of the sample", async () => {
    const found = await detectLanguage([
      "Wie stelle ich die Bremsen am Fahrrad ein?",
      "Der Reifendruck hängt vom Gewicht ab.",
      "Hello there",
    ]);
    expect(found).toEqual({ language: "de", documents: 3, agreement: 2 / 3 });
  });

  it("refuses a mixed sample, an empty one, and a language the analyser does not know", async () => {
    const mixed = await detectLanguage(["Wie stelle ich die Bremsen ein?", "How do I adjust the brakes?", "Comment régler les freins ?"]);
    expect(mixed).toBeInstanceOf(UndetectedLanguage);
    expect((mixed as UndetectedLanguage).reason).toMatch(/below 60%/);
    expect(((await detectLanguage([])) as UndetectedLanguage).reason).toMatch(/no documents/);
  });

  it.skipIf(!scifact.available)("detects English on SciFact's corpus (shared data)", async () => {
    const texts = readFileSync(join(scifact.path, "corpus.jsonl"), "utf8")
      .split("\n")
      .slice(0, 300)
      .filter((line) => line.trim() !== "")
      .map((line) => {
        const document = JSON.parse(line) as { title: string; text: string };
        return `${document.title} ${document.text}`;
      });
    const found = await detectLanguage(texts);
    expect(found).toMatchObject({ language: "en", documents: 200 });
    // Measured 0.90: scientific abstracts dense with names and units read as other languages now and then.
    expect((found as { agreement: number }).agreement).toBeGreaterThanOrEqual(0.85);
  });

  it("reads at most the first 200 texts", async () => {
    let read = 0;
    function* endless() {
      for (;;) {
        read++;
        yield "Der Reifendruck hängt vom Gewicht des Fahrers ab.";
      }
    }
    expect(await detectLanguage(endless())).toEqual({ language: "de", documents: 200, agreement: 1 });
    expect(read).toBeLessThanOrEqual(201);
  });
});
