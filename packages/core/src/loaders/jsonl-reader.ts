import { BadInputError } from "../errors.js";
import { parseJsonKeepingDigits } from "./exact-json.js";
import { readLines } from "./line-reader.js";

/** One JSON object of a JSONL file with its 1-based line number. */
export interface JsonlRecord {
  line: number;
  value: Record<string, unknown>;
}

/**
 * Streams the objects of a JSONL file (one JSON object per line; gunzipped when the name ends
 * in ".gz"). Blank lines are skipped but still counted, so `line` matches an editor. Integers
 * too large for a double (beyond ±2^53, e.g. an id `12345678901234567890`) come back as strings
 * of their exact digits rather than rounded (see {@link parseJsonKeepingDigits}).
 *
 * @throws BadInputError naming file and line when a line is not valid JSON or not an object,
 * or the file is not UTF-8.
 */
export async function* readJsonl(file: string): AsyncGenerator<JsonlRecord> {
  for await (const { line, text } of readLines(file)) {
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = parseJsonKeepingDigits(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new BadInputError(`line is not valid JSON (${reason}); fix or remove that line`, { file, line, cause: error });
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
      throw new BadInputError(`line is ${kind}, expected a JSON object like {"_id": ..., "text": ...}; fix or remove that line`, {
        file,
        line,
      });
    }
    yield { line, value: value as Record<string, unknown> };
  }
}
