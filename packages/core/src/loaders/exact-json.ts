/**
 * `JSON.parse` that keeps every digit of integers too large for a double: `12345678901234567890`
 * would come back as 12345678901234567000, so ids (and gold ids) written as bare numbers would
 * silently name another record. Such integer literals are read as strings of their exact digits
 * instead; everything else parses exactly as `JSON.parse` does.
 */

/** Integers of 15 digits or fewer are always exact in a double; only longer digit runs need a look. */
const LONG_DIGIT_RUN = /\d{16}/;
/** A JSON number token, matched where a value starts outside strings. */
const NUMBER_TOKEN = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** JSON's own integer grammar: no leading zeros, no fraction, no exponent. */
const JSON_INTEGER = /^-?(?:0|[1-9]\d*)$/;

/**
 * Parses `text` like `JSON.parse`, except that integer literals a double cannot hold exactly
 * (beyond ±2^53, e.g. `12345678901234567890`) become strings of their digits
 * (`"12345678901234567890"`), so nothing is rounded. Lines without a run of 16 digits take the
 * plain `JSON.parse` path, unchanged and as fast.
 *
 * @throws SyntaxError exactly as `JSON.parse(text)` would, for text that is not JSON.
 */
export function parseJsonKeepingDigits(text: string): unknown {
  if (!LONG_DIGIT_RUN.test(text)) return JSON.parse(text);
  const rewritten = quoteInexactIntegers(text);
  if (rewritten === text) return JSON.parse(text);
  try {
    return JSON.parse(rewritten);
  } catch (error) {
    // Report the position in the text the user wrote, not in the rewritten one.
    JSON.parse(text);
    throw error;
  }
}

/** `text` with every integer literal outside strings that a double would round put in quotes. */
function quoteInexactIntegers(text: string): string {
  let result = "";
  let copiedUpTo = 0;
  let index = 0;
  while (index < text.length) {
    const character = text[index]!;
    if (character === '"') {
      index = endOfString(text, index);
      continue;
    }
    if (character === "-" || (character >= "0" && character <= "9")) {
      NUMBER_TOKEN.lastIndex = index;
      const token = NUMBER_TOKEN.exec(text)?.[0];
      if (token === undefined) {
        index += 1;
        continue;
      }
      if (JSON_INTEGER.test(token) && !Number.isSafeInteger(Number(token))) {
        result += `${text.slice(copiedUpTo, index)}"${token}"`;
        copiedUpTo = index + token.length;
      }
      index += token.length;
      continue;
    }
    index += 1;
  }
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}

/** Index just past the string literal opening at `start` (or the text's end if it never closes). */
function endOfString(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const character = text[index];
    if (character === "\\") index += 2;
    else if (character === '"') return index + 1;
    else index += 1;
  }
  return text.length;
}
