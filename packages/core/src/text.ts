const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Normalises text for equality checks (self-match and duplicate detection): Unicode NFKC,
 * lower case, punctuation dropped, white space collapsed. Two documents that differ only in
 * case, spacing or punctuation count as the same text.
 */
export function normalizeText(text: string): string {
  // Most benchmark text is ASCII, where NFKC is the identity and letters/digits are [a-z0-9]:
  // the plain path gives the same result several times faster.
  if (!NON_ASCII.test(text))
    return text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
  // Duplicate checks ask for the same text twice in a row (its fingerprint, then its shingles): the
  // last answer is kept, which halves the work on non-ASCII text.
  if (text !== lastUnicodeInput) {
    lastUnicodeOutput = wordRunsJoined(text.normalize("NFKC").toLowerCase());
    lastUnicodeInput = text;
  }
  return lastUnicodeOutput;
}

let lastUnicodeInput: string | undefined;
let lastUnicodeOutput = "";

/**
 * The runs of letters and digits (Unicode \p{L}, \p{N}) of `text`, joined by one space: what
 * `replace(/[^\p{L}\p{N}]+/gu, " ").trim()` gives, without a Unicode-property regex per run
 * (twice as fast on mostly-ASCII text with a few accents or symbols, as scientific abstracts are).
 */
function wordRunsJoined(text: string): string {
  const runs: string[] = [];
  let start = -1;
  for (let position = 0; position < text.length; position++) {
    const code = text.charCodeAt(position);
    let isWord: boolean;
    let width = 1;
    if (code < 128) {
      // The text is lowercased: no ASCII capital is left.
      isWord = (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
    } else {
      const codePoint = text.codePointAt(position)!;
      if (codePoint > 0xffff) width = 2;
      isWord = isLetterOrDigit(codePoint);
    }
    if (isWord) {
      if (start < 0) start = position;
    } else if (start >= 0) {
      runs.push(text.slice(start, position));
      start = -1;
    }
    position += width - 1;
  }
  if (start >= 0) runs.push(text.slice(start));
  return runs.join(" ");
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
/** Per BMP code point: 0 not yet asked, 1 letter or digit, 2 neither (the regex is asked once per code point). */
const BMP_CLASS = new Uint8Array(0x10000);

function isLetterOrDigit(codePoint: number): boolean {
  if (codePoint > 0xffff) return LETTER_OR_DIGIT.test(String.fromCodePoint(codePoint));
  let known = BMP_CLASS[codePoint]!;
  if (known === 0) {
    known = LETTER_OR_DIGIT.test(String.fromCharCode(codePoint)) ? 1 : 2;
    BMP_CLASS[codePoint] = known;
  }
  return known === 1;
}

/**
 * A 64-bit fingerprint (plus length) of `normalizeText(text)`: equal normalised texts give equal
 * fingerprints, and different ones collide with negligible probability. For ASCII text it is
 * computed in one pass without building the normalised string, which is what makes duplicate
 * checks over long documents cheap.
 */
export function textFingerprint(text: string): string {
  let first = 0x811c9dc5;
  let second = 0x01000193;
  let length = 0;
  // Stryker disable next-line BooleanLiteral: a space pending before the first letter is never written (length > 0 guards it)
  let pendingSpace = false;
  for (let index = 0; index < text.length; index++) {
    let code = text.charCodeAt(index);
    if (code >= 128) return fingerprintOfNormalized(normalizeText(text));
    if (code >= 65 && code <= 90) code += 32;
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) {
      if (pendingSpace && length > 0) {
        first = Math.imul(first ^ 32, 0x01000193);
        second = Math.imul(second ^ 32, 0x5bd1e995) + 0x6b43a9b5;
        length++;
      }
      pendingSpace = false;
      first = Math.imul(first ^ code, 0x01000193);
      second = Math.imul(second ^ code, 0x5bd1e995) + 0x6b43a9b5;
      length++;
    } else {
      pendingSpace = true;
    }
  }
  return `${length}:${(first >>> 0).toString(36)}:${(second >>> 0).toString(36)}`;
}

function fingerprintOfNormalized(normalized: string): string {
  let first = 0x811c9dc5;
  let second = 0x01000193;
  for (let index = 0; index < normalized.length; index++) {
    const code = normalized.charCodeAt(index);
    first = Math.imul(first ^ code, 0x01000193);
    second = Math.imul(second ^ code, 0x5bd1e995) + 0x6b43a9b5;
  }
  return `${normalized.length}:${(first >>> 0).toString(36)}:${(second >>> 0).toString(36)}`;
}
