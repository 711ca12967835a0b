import { StringDecoder } from "node:string_decoder";
import { openByteStream, toInputError } from "./text-source.js";

/** One line of a text file. `line` is 1-based; `text` has no line terminator. */
export interface TextLine {
  line: number;
  text: string;
}

/**
 * Streams the lines of a UTF-8 text file (gunzipped when the name ends in ".gz"), blank lines
 * included, so line numbers match what an editor shows. Accepts "\n" and "\r\n" endings and a
 * leading byte-order mark. Memory holds one chunk plus one partial line, never the whole file.
 *
 * @throws BadInputError when the file is missing, unreadable or not valid gzip, and naming the
 * line when a byte is not UTF-8 (never decoded into U+FFFD).
 */
export async function* readLines(file: string): AsyncGenerator<TextLine> {
  // StringDecoder keeps multi-byte characters split across chunk boundaries intact; the byte
  // stream has already refused anything that is not UTF-8, so it never substitutes U+FFFD.
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let lineNumber = 0;
  const stream = openByteStream(file);
  try {
    for await (const chunk of stream) {
      pending += decoder.write(chunk as Buffer);
      let start = 0;
      let newline = pending.indexOf("\n", start);
      while (newline !== -1) {
        lineNumber += 1;
        yield { line: lineNumber, text: cleanLine(pending.slice(start, newline), lineNumber) };
        start = newline + 1;
        newline = pending.indexOf("\n", start);
      }
      pending = pending.slice(start);
    }
    pending += decoder.end();
  } catch (error) {
    throw toInputError(error, file);
  } finally {
    stream.destroy();
  }
  // A last line without a trailing newline is still a line; an empty remainder is not.
  if (pending.length > 0) {
    lineNumber += 1;
    yield { line: lineNumber, text: cleanLine(pending, lineNumber) };
  }
}

function cleanLine(text: string, lineNumber: number): string {
  const withoutCarriageReturn = text.endsWith("\r") ? text.slice(0, -1) : text;
  return lineNumber === 1 && withoutCarriageReturn.startsWith("\uFEFF") ? withoutCarriageReturn.slice(1) : withoutCarriageReturn;
}
