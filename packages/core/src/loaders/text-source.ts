import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { pipeline, type Readable } from "node:stream";
import { BadInputError, HardnegError } from "../errors.js";
import { checkUtf8 } from "./utf8-check.js";

/** True when `file` is gzip-compressed by its name (ends in ".gz", any case). */
export function isGzipped(file: string): boolean {
  return file.toLowerCase().endsWith(".gz");
}

/** The file name without a trailing ".gz", used to pick a format by extension. */
export function withoutGzipSuffix(file: string): string {
  return isGzipped(file) ? file.slice(0, -3) : file;
}

/**
 * Opens `file` as a stream of UTF-8 bytes, gunzipping it transparently when its name ends in
 * ".gz". The stream is never read whole: callers iterate it chunk by chunk.
 *
 * The stream fails with a `BadInputError` naming the file and line at the first byte that is
 * not UTF-8 (see {@link checkUtf8}), so no reader ever decodes it into U+FFFD.
 */
export function openByteStream(file: string): Readable {
  // pipeline() forwards any stage's error to the last stage (a missing file, corrupt gzip), and
  // destroying the last one (a reader stopping early) closes the file; the callback has nothing
  // left to do, since the reader sees the error on the stream it iterates.
  const done = () => {};
  const source = createReadStream(file);
  return isGzipped(file) ? pipeline(source, createGunzip(), checkUtf8(file), done) : pipeline(source, checkUtf8(file), done);
}

/**
 * Turns low-level failures (missing file, corrupt gzip) into a `BadInputError` naming the file,
 * so users see what to fix instead of a stack trace. Hardneg errors pass through unchanged.
 */
export function toInputError(error: unknown, file: string): unknown {
  if (HardnegError.isInstance(error)) return error;
  const code = typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : "";
  if (code === "ENOENT") return new BadInputError("file not found; check the path", { file, cause: error });
  if (code === "EISDIR") return new BadInputError("is a folder, expected a file", { file, cause: error });
  if (code === "EACCES") return new BadInputError("permission denied reading the file", { file, cause: error });
  if (code.startsWith("Z_"))
    return new BadInputError("is not valid gzip data (the name ends in .gz); recompress it or drop the .gz suffix", { file, cause: error });
  return error;
}
