const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Normalises text for equality checks (self-match and duplicate detection): Unicode NFKC,
 * lower case, punctuation dropped, white space collapsed. Two documents that differ only in
 * case, spacing or punctuation count as the same text.
 */
export function normalizeText(text: string): string {
  // Most benchmark text is ASCII, where NFKC is the identity and letters/digits are [a-z0-9]:
  // the plain path gives the same result several times faster.
  if (!NON_ASCII.test(text)) return text.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
