import { BadOptionError } from "../errors.js";
import { stemmer } from "stemmer";
import { ENGLISH_STOPWORDS } from "./stopwords.js";
import { scanWords, type WordVisitor } from "./word-scanner.js";

/** How tokens are reduced to terms. */
export type StemmingOption = "porter" | "none";

/** Which tokens are dropped before stemming: a built-in list, none, or your own lowercased list. */
export type StopwordsOption = "english" | "none" | readonly string[];

/** Options of {@link Tokenizer}. */
export interface TokenizerOptions {
  /** Porter stemming (the `stemmer` package) or none. Default "porter". */
  stemming?: StemmingOption;
  /** Stop words removed before stemming. Default "english" (see `ENGLISH_STOPWORDS`). */
  stopwords?: StopwordsOption;
}

/** The stem cache is dropped when it grows past this many entries, bounding its memory. */
const STEM_CACHE_LIMIT = 1_000_000;

/**
 * The analyser shared by indexing and querying (and by adapters that compute BM25 weights
 * client-side): lowercase, split on anything that is not a letter or digit (Unicode aware),
 * drop stop words, then Porter-stem with a memo cache, because stemming dominates the cost
 * and natural text repeats a small vocabulary.
 */
export class Tokenizer {
  /** A stable description of the options, part of every BM25 index's identity. */
  readonly fingerprint: string;
  private readonly stopwords: ReadonlySet<string>;
  private readonly stemming: StemmingOption;
  private readonly stemCache = new Map<string, string>();

  constructor(options: TokenizerOptions = {}) {
    this.stemming = options.stemming ?? "porter";
    if (this.stemming !== "porter" && this.stemming !== "none") {
      throw new BadOptionError("bm25.stemming", `must be "porter" or "none", got ${JSON.stringify(this.stemming)}`, { component: "local" });
    }
    const stopwords = options.stopwords ?? "english";
    this.stopwords = new Set(resolveStopwords(stopwords).map((word) => word.toLowerCase()));
    this.fingerprint = JSON.stringify({
      stemming: this.stemming,
      stopwords: typeof stopwords === "string" ? stopwords : [...this.stopwords].sort(),
    });
  }

  /** The terms of `text`, in order, repeats kept. */
  tokenize(text: string): string[] {
    const terms: string[] = [];
    for (const word of this.splitWords(text)) {
      if (this.stopwords.has(word)) continue;
      terms.push(this.stemming === "porter" ? this.cachedStem(word) : word);
    }
    return terms;
  }

  /**
   * The lowercased words of `text` (letters, digits and combining marks of any script; marks stay
   * inside words so a decomposed accent does not split one), before stop words and stemming.
   */
  splitWords(text: string): string[] {
    const words: string[] = [];
    scanWords(text.toLowerCase(), (lowercased, start, end) => {
      words.push(lowercased.slice(start, end));
    });
    return words;
  }

  /**
   * Visits the words of `text` as ranges with a hash, without cutting them out. With
   * {@link termOfWord} it lets the index builder keep one word → term-id table, so each corpus
   * token costs one lookup instead of three (stop list, stem cache, vocabulary).
   */
  scanWords(text: string, visit: WordVisitor): void {
    scanWords(text.toLowerCase(), visit);
  }

  /** The term of one lowercased word, or undefined for a stop word. Not cached: callers cache. */
  termOfWord(word: string): string | undefined {
    if (this.stopwords.has(word)) return undefined;
    return this.stemming === "porter" ? stemmer(word) : word;
  }

  private cachedStem(word: string): string {
    let stemmed = this.stemCache.get(word);
    if (stemmed === undefined) {
      stemmed = stemmer(word);
      if (this.stemCache.size >= STEM_CACHE_LIMIT) this.stemCache.clear();
      this.stemCache.set(word, stemmed);
    }
    return stemmed;
  }
}

function resolveStopwords(option: StopwordsOption): readonly string[] {
  if (option === "english") return ENGLISH_STOPWORDS;
  if (option === "none") return [];
  if (Array.isArray(option) && option.every((word) => typeof word === "string")) return option;
  throw new BadOptionError("bm25.stopwords", `must be "english", "none" or an array of words, got ${JSON.stringify(option)}`, {
    component: "local",
  });
}
