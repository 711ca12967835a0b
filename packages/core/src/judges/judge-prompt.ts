import type { JudgeItem } from "./judge.js";

/**
 * Version of the LLM judge's prompt. It is part of every verdict's cache key: change it whenever
 * the wording below changes, so verdicts given to another prompt are never reused.
 */
export const PROMPT_VERSION = "hardneg-judge-v1";

/** Longest text (characters) of one document shown to the judge; longer ones are cut, marked "[…]". */
export const MAX_DOCUMENT_CHARACTERS = 4000;

/** A chat message of the chat-completions API. */
export interface ChatMessage {
  role: "system" | "user";
  content: string;
}

const SYSTEM_PROMPT = [
  "You judge search results for an information-retrieval benchmark.",
  "You are shown a query, the document(s) labelled relevant to it (the gold documents), and a candidate document that was not labelled.",
  "Decide whether the candidate is also relevant: it answers the query, or supports or refutes it, as well as a gold document would.",
  "Topical similarity alone is not relevance.",
  'Answer with one JSON object and nothing else: {"relevant": true or false, "reason": "one short sentence"}.',
].join(" ");

/** The messages asking for a verdict on one item (prompt {@link PROMPT_VERSION}). */
export function judgeMessages(item: JudgeItem): ChatMessage[] {
  const golds = item.goldTexts.map((text, index) => `Gold document ${index + 1}:\n${clip(text)}`).join("\n\n");
  const user = [
    `Query:\n${item.queryText}`,
    golds,
    `Candidate document:\n${clip(item.candidateText)}`,
    'Is the candidate relevant to the query? Answer {"relevant": true|false, "reason": "..."}.',
  ].join("\n\n");
  return [
    { role: "system", content: SYSTEM_PROMPT },
    { role: "user", content: user },
  ];
}

/** A parsed answer. */
export interface JudgeAnswer {
  relevant: boolean;
  reason: string;
}

/**
 * Reads the model's answer strictly: one JSON object whose `relevant` is a boolean and whose
 * `reason`, when present, is a string. Anything else (prose, "yes", a string "true", a code
 * fence) is malformed and returns undefined: the caller asks again rather than guess.
 */
export function parseJudgeAnswer(content: unknown): JudgeAnswer | undefined {
  if (typeof content !== "string") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(content.trim());
  } /* Stryker disable next-line BlockStatement: without the return, parsed stays undefined, which the check below rejects */ catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const { relevant, reason } = parsed as Record<string, unknown>;
  if (typeof relevant !== "boolean") return undefined;
  if (reason !== undefined && typeof reason !== "string") return undefined;
  return { relevant, reason: reason ?? "" };
}

function clip(text: string): string {
  return text.length <= MAX_DOCUMENT_CHARACTERS ? text : `${text.slice(0, MAX_DOCUMENT_CHARACTERS)} […]`;
}
