import { createRequire } from "node:module";
import { BadOptionError } from "../errors.js";

/**
 * The languages the BM25 analyser knows, by ISO 639-1 code: which Snowball stemmer
 * (`snowball-stemmers`, a port of the Snowball project's algorithms) and which stop-word list
 * (`stopwords-iso`) each one uses. English keeps the analyser it always had by default (Porter
 * stemmer, `ENGLISH_STOPWORDS`).
 */
const SNOWBALL_ALGORITHMS: Readonly<Record<string, string>> = {
  ar: "arabic",
  ca: "catalan",
  cs: "czech",
  da: "danish",
  de: "german",
  // Snowball's English (Porter2) on request; English's default stays the original Porter.
  en: "english",
  es: "spanish",
  eu: "basque",
  fi: "finnish",
  fr: "french",
  ga: "irish",
  hu: "hungarian",
  hy: "armenian",
  it: "italian",
  nl: "dutch",
  no: "norwegian",
  pt: "portuguese",
  ro: "romanian",
  ru: "russian",
  sl: "slovene",
  sv: "swedish",
  ta: "tamil",
  tr: "turkish",
};

/** The default language of every collection: the English analyser, as before languages existed. */
export const DEFAULT_LANGUAGE = "en";

/** A word stemmer. */
export type Stem = (word: string) => string;

// Both packages are large (the stemmers ~870 KB of JavaScript, the lists ~200 KB of JSON) and
// English needs neither, so they are read on first use only.
const requireLazily = createRequire(import.meta.url);
let stopwordLists: Readonly<Record<string, readonly string[]>> | undefined;
let snowballFactory: { newStemmer(algorithm: string): { stem(word: string): string } } | undefined;

function stopwordListsOf(): Readonly<Record<string, readonly string[]>> {
  stopwordLists ??= requireLazily("stopwords-iso") as Record<string, readonly string[]>;
  return stopwordLists;
}

/** Every language code `--language` accepts, sorted: English plus each one with a stemmer or a stop-word list. */
export function supportedLanguages(): string[] {
  return [...new Set([DEFAULT_LANGUAGE, ...Object.keys(SNOWBALL_ALGORITHMS), ...Object.keys(stopwordListsOf())])].sort();
}

/** Throws a `BadOptionError` naming `option` unless `language` is a supported code. */
export function checkLanguage(language: unknown, option: string, component?: string): asserts language is string {
  if (typeof language === "string" && (language === DEFAULT_LANGUAGE || supportedLanguages().includes(language))) return;
  throw new BadOptionError(
    option,
    `must be an ISO 639-1 language code the analyser knows (${supportedLanguages().join(", ")}), got ${JSON.stringify(language)}`,
    component === undefined ? {} : { component },
  );
}

/** Whether Snowball stems `language`. */
export function hasSnowballStemmer(language: string): boolean {
  return Object.hasOwn(SNOWBALL_ALGORITHMS, language);
}

/** The Snowball stemmer of a language, or undefined when Snowball has none for it (Chinese, Japanese, ...). */
export function snowballStemmerOf(language: string): Stem | undefined {
  if (!hasSnowballStemmer(language)) return undefined;
  const algorithm = SNOWBALL_ALGORITHMS[language]!;
  snowballFactory ??= requireLazily("snowball-stemmers") as NonNullable<typeof snowballFactory>;
  const stemmer = snowballFactory.newStemmer(algorithm);
  return (word) => stemmer.stem(word);
}

/** The stop words of a language (lowercase), or none when `stopwords-iso` has no list for it. */
export function stopwordsOf(language: string): readonly string[] {
  return stopwordListsOf()[language] ?? [];
}
