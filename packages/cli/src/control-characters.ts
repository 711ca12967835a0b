/**
 * Neutralising control characters that come from data (document ids, query texts, collection
 * contents) before they reach a terminal or a report. Printed raw, an ANSI escape sequence
 * (ESC "[31m", or the one-byte C1 CSI U+009B) recolours or clears the terminal, rewrites its
 * title or moves the cursor to hide text; a bidi control (U+202E RIGHT-TO-LEFT OVERRIDE, ...)
 * reorders what follows, so an id can read as another. Shown as escapes, they are just text.
 */

/**
 * C0 controls (U+0000–U+001F), DEL and C1 controls (U+007F–U+009F), and the bidi controls:
 * ALM U+061C, LRM/RLM U+200E–U+200F, embeddings and overrides U+202A–U+202E, isolates
 * U+2066–U+2069.
 */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The characters `JSON.stringify` leaves raw although they are controls: DEL, C1 and bidi. */
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `\x1b` for a character up to U+00FF, `\u202e` above: the way JavaScript would write it. */
export function escapeSequenceOf(character: string): string {
  const code = character.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Options of {@link replaceControlCharacters}. */
export interface ReplaceControlOptions {
  /** Control characters to leave as they are. Default "\t" (harmless in a terminal line). */
  keep?: string;
}

/**
 * Replaces each control character of `text` (see the module comment: C0 and C1 controls, DEL,
 * bidi controls) by `replacement(escaped, character)`, where `escaped` is its visible form such as
 * `\x1b` or `\u202e`. Characters in `options.keep` (default tab) stay. Newlines are replaced too:
 * data must not start a new output line; a caller that puts one between lines adds it after.
 */
export function replaceControlCharacters(
  text: string,
  replacement: (escaped: string, character: string) => string,
  options: ReplaceControlOptions = {},
): string {
  const keep = options.keep ?? "\t";
  return text.replace(CONTROL_CHARACTER, (character) =>
    keep.includes(character) ? character : replacement(escapeSequenceOf(character), character),
  );
}

/** `text` with every control character but tab shown as an escape (`\x1b`, `\u202e`): safe to print. */
export function showControlCharacters(text: string): string {
  return replaceControlCharacters(text, (escaped) => escaped);
}

/**
 * `JSON.stringify(value)` with DEL, C1 and bidi controls also written as `\uXXXX` (it escapes
 * C0 controls itself): the same JSON value, but no raw control reaches the terminal. Those
 * characters can only occur inside JSON strings, where `\uXXXX` means exactly them.
 */
export function stringifyJsonWithEscapedControls(value: object): string {
  return JSON.stringify(value).replace(RAW_IN_JSON, (character) => `\\u${character.codePointAt(0)!.toString(16).padStart(4, "0")}`);
}
