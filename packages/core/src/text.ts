/**
 * Normalises text for equality checks (self-match and duplicate detection): Unicode NFKC,
 * lower case, punctuation dropped, white space collapsed. Two documents that differ only in
 * case, spacing or punctuation count as the same text.
 */
export function normalizeText(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
