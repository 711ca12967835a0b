import { BadInputError } from "../errors.js";
import { readLines } from "./line-reader.js";

/** One JSON object of a JSONL file with its 1-based line number. */
export interface JsonlRecord {
  line: number;
  value: Record<string, unknown>;
}

/**
 * Streams the objects of a JSONL file (one JSON object per line; gunzipped when the name ends
 * in ".gz"). Blank lines are skipped but still counted, so `line` matches an editor.
 *
 * @throws BadInputError naming file and line when a line is not valid JSON or not an object.
 */
export async function* readJsonl(file: string): AsyncGenerator<JsonlRecord> {
  for await (const { line, text } of readLines(file)) {
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new BadInputError(`line is not valid JSON (${reason}); fix or remove that line`, { file, line, cause: error });
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
      throw new BadInputError(`line is ${kind}, expected a JSON object like {"_id": ..., "text": ...}; fix or remove that line`, { file, line });
    }
    yield { line, value: value as Record<string, unknown> };
  }
}
