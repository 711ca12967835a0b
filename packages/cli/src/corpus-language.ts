import { BadOptionError, checkLanguage, detectLanguage, UndetectedLanguage, type Doc } from "@hardneg/core";

/** The language a load records, and how it was chosen. */
export interface CorpusLanguage {
  language: string;
  /** For `--language auto`: how many documents were read, and the share that agreed. */
  detected?: { documents: number; agreement: number };
}

/** Checks `--language` before any engine is opened, so a typo creates no database file. */
export function checkLanguageOption(option: string): void {
  if (option !== "auto") checkLanguage(option, "language");
}

/**
 * `--language`: a code is taken as given (core checks it); `auto` reads the first documents
 * (title and text) from a fresh pass over the input and takes their majority language, or fails
 * asking for a code when the sample is mixed or in a language the analyser does not know.
 */
export async function corpusLanguage(option: string, firstDocuments: () => AsyncIterable<Doc>): Promise<CorpusLanguage> {
  if (option !== "auto") return { language: option };
  const found = await detectLanguage(textsOf(firstDocuments()));
  if (found instanceof UndetectedLanguage) {
    throw new BadOptionError("language", `auto could not decide: ${found.reason}; give the documents' language code, e.g. --language de`);
  }
  return { language: found.language, detected: { documents: found.documents, agreement: found.agreement } };
}

async function* textsOf(documents: AsyncIterable<Doc>): AsyncGenerator<string> {
  for await (const document of documents) yield document.title === undefined ? document.text : `${document.title} ${document.text}`;
}

/** The report line of a load's language. */
export function languageLine(chosen: CorpusLanguage): string {
  if (chosen.detected === undefined) return `language: ${chosen.language}`;
  const { documents, agreement } = chosen.detected;
  return `language: ${chosen.language} (detected: ${Math.round(agreement * 100)}% of the first ${documents} documents)`;
}
