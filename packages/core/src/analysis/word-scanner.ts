/**
 * The one definition of a word, shared by query tokenising and index building: a maximal run of
 * letters, digits and combining marks (Unicode \p{L}, \p{N}, \p{M}) in the lowercased text.
 *
 * A hand-written scanner rather than a regex so the index builder can hash each word while
 * scanning and look it up without first cutting it out as a new string (see `WordTable`).
 */

/** ASCII word characters (digits and lowercase letters; the text is lowercased first). */
const ASCII_WORD = new Uint8Array(128);
for (let code = 48; code <= 57; code++) ASCII_WORD[code] = 1;
for (let code = 97; code <= 122; code++) ASCII_WORD[code] = 1;
const NON_ASCII_WORD = /^[\p{L}\p{N}\p{M}]$/u;

/** Receives each word as a range of the lowercased text plus a 32-bit hash of its code units. */
export type WordVisitor = (text: string, start: number, end: number, hash: number) => void;

/** Calls `visit` for each word of `lowercased` (already lowercased), in order. */
export function scanWords(lowercased: string, visit: WordVisitor): void {
  const length = lowercased.length;
  let start = -1;
  let hash = 0;
  for (let position = 0; position < length; position++) {
    const code = lowercased.charCodeAt(position);
    let width = 1;
    let isWord: boolean;
    if (code < 128) {
      isWord = ASCII_WORD[code] === 1;
    } else {
      const codePoint = lowercased.codePointAt(position)!;
      width = codePoint > 0xffff ? 2 : 1;
      isWord = NON_ASCII_WORD.test(String.fromCodePoint(codePoint));
    }
    if (isWord) {
      if (start < 0) {
        start = position;
        hash = 0x811c9dc5;
      }
      hash = Math.imul(hash ^ code, 0x01000193);
      if (width === 2) hash = Math.imul(hash ^ lowercased.charCodeAt(position + 1), 0x01000193);
    } else if (start >= 0) {
      visit(lowercased, start, position, hash);
      start = -1;
    }
    position += width - 1;
  }
  if (start >= 0) visit(lowercased, start, length, hash);
}

/** The hash {@link scanWords} gives the word `text.slice(start, end)`: FNV-1a over its UTF-16 code units. */
export function hashOfRange(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let position = start; position < end; position++) hash = Math.imul(hash ^ text.charCodeAt(position), 0x01000193);
  return hash;
}
