import { DEFAULT_LANGUAGE, supportedLanguages } from "./languages.js";

/** How many documents `--language auto` reads to decide. */
export const DETECTION_SAMPLE = 200;

/** Below this share of agreeing documents the corpus is called mixed and `auto` asks for a code. */
const AGREEMENT = 0.6;

/** The language a corpus sample was found to be in. */
export interface DetectedLanguage {
  /** ISO 639-1 code, one the analyser knows. */
  language: string;
  /** Documents read. */
  documents: number;
  /** Share of those documents detected as `language`, 0 to 1. */
  agreement: number;
}

/** Why detection gave no answer: too few documents, no majority, or a language the analyser does not know. */
export class UndetectedLanguage {
  constructor(readonly reason: string) {}
}

/**
 * The majority language of the first {@link DETECTION_SAMPLE} texts, by `tinyld` (a small
 * n-gram detector, loaded on first use), when at least 60% of them agree and the analyser knows
 * it; otherwise an {@link UndetectedLanguage} saying why.
 */
export async function detectLanguage(texts: AsyncIterable<string> | Iterable<string>): Promise<DetectedLanguage | UndetectedLanguage> {
  const { detect } = await import("tinyld");
  const votes = new Map<string, number>();
  let documents = 0;
  for await (const text of texts) {
    if (documents >= DETECTION_SAMPLE) break;
    documents++;
    const language = detect(text);
    if (language !== "") votes.set(language, (votes.get(language) ?? 0) + 1);
  }
  if (documents === 0) return new UndetectedLanguage("the corpus has no documents to detect a language from");
  const [language, count] = [...votes].sort((left, right) => right[1] - left[1])[0] ?? ["", 0];
  const agreement = count / documents;
  if (agreement < AGREEMENT) {
    const share = language === "" ? "no language" : `"${language}" for only ${Math.round(agreement * 100)}%`;
    return new UndetectedLanguage(`the first ${documents} documents read as ${share}, below ${AGREEMENT * 100}%`);
  }
  if (language !== DEFAULT_LANGUAGE && !supportedLanguages().includes(language))
    return new UndetectedLanguage(`the documents read as "${language}", which the analyser does not know`);
  return { language, documents, agreement };
}
