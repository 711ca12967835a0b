import { BadOptionError } from "../errors.js";
import { stemmer as porterStem } from "stemmer";
import { checkLanguage, DEFAULT_LANGUAGE, hasSnowballStemmer, snowballStemmerOf, type Stem, stopwordsOf } from "./languages.js";
import { ENGLISH_STOPWORDS } from "./stopwords.js";
import { type RunSplitter, unspacedRunSplitter } from "./unspaced-scripts.js";
import { scanWords, type WordVisitor } from "./word-scanner.js";

/** How tokens are reduced to terms: Porter (English), the language's Snowball stemmer, or none. */
export type StemmingOption = "porter" | "snowball" | "none";

/** Which tokens are dropped before stemming: a built-in list, none, or your own lowercased list. */
export type StopwordsOption = "english" | "language" | "none" | readonly string[];

/** Options of {@link Tokenizer}. */
export interface TokenizerOptions {
  /**
   * ISO 639-1 code of the text's language. Default "en": Porter stemming and English stop words,
   * words split at anything that is not a letter, digit or mark. Any other language uses its
   * Snowball stemmer and `stopwords-iso` list where those exist, and splits runs of Chinese,
   * Japanese, Thai, Lao, Khmer and Burmese into dictionary words (`Intl.Segmenter`).
   */
  language?: string;
  /** Default "porter" for English; "snowball" for a language Snowball stems, else "none". */
  stemming?: StemmingOption;
  /** Default "english" for English, else "language" (the language's list, empty when it has none). */
  stopwords?: StopwordsOption;
}

/** The stem cache is dropped when it grows past this many entries, bounding its memory. */
const STEM_CACHE_LIMIT = 1_000_000;

/**
 * The analyser shared by indexing and querying (and by adapters that compute BM25 weights
 * client-side): lowercase, split on anything that is not a letter or digit (Unicode aware; runs
 * of unspaced scripts into dictionary words outside English), drop stop words, then stem with a
 * memo cache, because stemming dominates the cost and natural text repeats a small vocabulary.
 */
export class Tokenizer {
  /** A stable description of the options, part of every BM25 index's identity. */
  readonly fingerprint: string;
  /** The ISO 639-1 code the analyser was made for. */
  readonly language: string;
  /** The options resolved (defaults filled in): `new Tokenizer(options)` elsewhere, a worker thread say, analyses alike. */
  readonly options: Required<TokenizerOptions>;
  private readonly stopwords: ReadonlySet<string>;
  private readonly stem: Stem | undefined;
  private readonly stemCache = new Map<string, string>();
  /** Splits unspaced-script runs; undefined for English, whose words are exactly the scanner's. */
  private readonly splitRuns: RunSplitter | undefined;

  constructor(options: TokenizerOptions = {}) {
    const language = options.language ?? DEFAULT_LANGUAGE;
    checkLanguage(language, "language", "local");
    this.language = language;
    const english = language === DEFAULT_LANGUAGE;
    const stemming = options.stemming ?? (english ? "porter" : hasSnowballStemmer(language) ? "snowball" : "none");
    this.stem = stemmerOf(stemming, language);
    const stopwords = options.stopwords ?? (english ? "english" : "language");
    this.options = { language, stemming, stopwords: typeof stopwords === "string" ? stopwords : [...stopwords] };
    this.stopwords = new Set(resolveStopwords(stopwords, language).map((word) => word.toLowerCase()));
    this.splitRuns = english ? undefined : unspacedRunSplitter(language);
    // English keeps the exact identity it had before languages existed, so its index files stay valid.
    this.fingerprint = JSON.stringify({
      ...(english ? {} : { language }),
      stemming,
      stopwords: typeof stopwords === "string" ? stopwords : [...this.stopwords].sort(),
    });
  }

  /** The terms of `text`, in order, repeats kept. */
  tokenize(text: string): string[] {
    const terms: string[] = [];
    for (const word of this.splitWords(text)) {
      if (this.stopwords.has(word)) continue;
      terms.push(this.stem === undefined ? word : this.cachedStem(word));
    }
    return terms;
  }

  /**
   * The lowercased words of `text` (letters, digits and combining marks of any script; marks stay
   * inside words so a decomposed accent does not split one), before stop words and stemming.
   */
  splitWords(text: string): string[] {
    const words: string[] = [];
    this.scanWords(text, (lowercased, start, end) => {
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
    scanWords(text.toLowerCase(), this.splitRuns === undefined ? visit : this.splitRuns(visit));
  }

  /** The term of one lowercased word, or undefined for a stop word. Not cached: callers cache. */
  termOfWord(word: string): string | undefined {
    if (this.stopwords.has(word)) return undefined;
    return this.stem === undefined ? word : this.stem(word);
  }

  private cachedStem(word: string): string {
    let stemmed = this.stemCache.get(word);
    if (stemmed === undefined) {
      stemmed = this.stem!(word);
      if (this.stemCache.size >= STEM_CACHE_LIMIT) this.stemCache.clear();
      this.stemCache.set(word, stemmed);
    }
    return stemmed;
  }
}

function stemmerOf(option: StemmingOption, language: string): Stem | undefined {
  if (option === "porter") return porterStem;
  if (option === "none") return undefined;
  if (option === "snowball") {
    const stem = snowballStemmerOf(language);
    if (stem !== undefined) return stem;
    throw new BadOptionError("bm25.stemming", `Snowball has no stemmer for language "${language}"; use "none"`, { component: "local" });
  }
  throw new BadOptionError("bm25.stemming", `must be "porter", "snowball" or "none", got ${JSON.stringify(option)}`, {
    component: "local",
  });
}

function resolveStopwords(option: StopwordsOption, language: string): readonly string[] {
  if (option === "english") return ENGLISH_STOPWORDS;
  if (option === "language") return language === DEFAULT_LANGUAGE ? ENGLISH_STOPWORDS : stopwordsOf(language);
  if (option === "none") return [];
  if (Array.isArray(option) && option.every((word) => typeof word === "string")) return option;
  throw new BadOptionError("bm25.stopwords", `must be "english", "language", "none" or an array of words, got ${JSON.stringify(option)}`, {
    component: "local",
  });
}

/**
 * One {@link Tokenizer} per language with the same stemming/stop-word choices, made on first use:
 * what an engine needs whose collections each record their own language.
 */
export class TokenizersByLanguage {
  private readonly byLanguage = new Map<string, Tokenizer>();

  /** Checks `options` at once (with English), so a bad option fails when the engine opens. */
  constructor(private readonly options: Omit<TokenizerOptions, "language"> = {}) {
    this.of(DEFAULT_LANGUAGE);
  }

  /** The analyser of `language` (ISO 639-1); undefined means English. */
  of(language: string | undefined): Tokenizer {
    const code = language ?? DEFAULT_LANGUAGE;
    let tokenizer = this.byLanguage.get(code);
    if (tokenizer === undefined) {
      tokenizer = new Tokenizer({ ...this.options, language: code });
      this.byLanguage.set(code, tokenizer);
    }
    return tokenizer;
  }
}
