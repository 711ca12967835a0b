import { isUtf8 } from "node:buffer";
import { Transform, type TransformCallback } from "node:stream";
import { BadInputError } from "../errors.js";

const NEWLINE = 0x0a;

/**
 * A pass-through stream that refuses bytes that are not UTF-8. Decoders replace such bytes with
 * U+FFFD without a word, so a Latin-1 or UTF-16 file would load as silently altered text; this
 * stops at the first bad byte with a `BadInputError` naming the file and the line it is on.
 *
 * Bytes pass through unchanged. Validation runs natively (`buffer.isUtf8`) on whole chunks; only
 * a failing chunk is scanned byte by byte to find the line. A character split across two chunks
 * is held back from validation until its last byte arrives.
 */
export function checkUtf8(file: string): Transform {
  /** Bytes of a character whose end has not arrived yet (at most 3). */
  let pending: Buffer = Buffer.alloc(0);
  /** Newlines in the bytes validated so far, to number the line of a bad byte. */
  let newlines = 0;
  /** Bytes validated since the last newline, to give the bad byte's position in its line. */
  let lineBytes = 0;

  const fail = (bytes: Buffer, offset: number): BadInputError => {
    const before = bytes.subarray(0, offset);
    const lastNewline = before.lastIndexOf(NEWLINE);
    const column = (lastNewline === -1 ? lineBytes + offset : offset - lastNewline - 1) + 1;
    const bad = bytes[offset];
    const what =
      bad === undefined ? "the file ends inside a character" : `byte ${column} of the line is 0x${bad.toString(16).padStart(2, "0")}`;
    return new BadInputError(`is not valid UTF-8 (${what}); re-encode the file as UTF-8, e.g. iconv -f latin1 -t utf-8`, {
      file,
      line: newlines + countNewlines(before) + 1,
    });
  };

  const account = (bytes: Buffer): void => {
    newlines += countNewlines(bytes);
    const lastNewline = bytes.lastIndexOf(NEWLINE);
    lineBytes = lastNewline === -1 ? lineBytes + bytes.length : bytes.length - lastNewline - 1;
  };

  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      const bytes = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const complete = completeLength(bytes);
      const whole = bytes.subarray(0, complete);
      if (!isUtf8(whole)) {
        callback(fail(whole, firstInvalidOffset(whole)));
        return;
      }
      account(whole);
      pending = Buffer.from(bytes.subarray(complete));
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      // A file may not end inside a character.
      callback(pending.length === 0 ? null : fail(pending, pending.length));
    },
  });
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let index = bytes.indexOf(NEWLINE); index !== -1; index = bytes.indexOf(NEWLINE, index + 1)) count += 1;
  return count;
}

/** Length of `bytes` without a trailing, possibly valid, character whose last bytes are still to come. */
function completeLength(bytes: Buffer): number {
  for (let index = bytes.length - 1; index >= Math.max(0, bytes.length - 4); index -= 1) {
    const byte = bytes[index]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: its lead byte is further back
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return index + length > bytes.length ? index : bytes.length;
  }
  return bytes.length;
}

/**
 * Offset of the first byte of the first ill-formed sequence (Unicode's table 3-7: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or `bytes.length` when there is none.
 */
export function firstInvalidOffset(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index]!;
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return index;
    if (index + length > bytes.length) return index;
    const second = bytes[index + 1]!;
    if (second < low || second > high) return index;
    for (let next = index + 2; next < index + length; next += 1) {
      if ((bytes[next]! & 0xc0) !== 0x80) return index;
    }
    index += length;
  }
  return bytes.length;
}
