import { BadInputError } from "../errors.js";
import { parseJsonKeepingDigits } from "./exact-json.js";
import { describeValue, idFromNumber, type RecordLocation } from "./record-values.js";

/**
 * Gold document ids from a record property, as strings in their original order:
 * - a JSON array of strings/numbers (`["d1", 7]`), or a single string/number; numbers too large
 *   to be exact in a double are refused (the readers keep such literals as digit strings);
 * - in CSV/TSV cells (`fromTextCell`), a JSON-encoded array (`["d1","d2"]`) or a `;`- or
 *   `,`-separated list (`d1;d2`; `;` wins when present, so ids may contain commas then).
 * null, "" and [] give [] (the loader then skips the query as having no gold ids). A repeated
 * id is kept once, so metrics never count a gold document twice.
 *
 * @throws BadInputError for objects, nested arrays, or a cell that starts like a JSON array but
 * is not valid JSON.
 */
export function parseGoldIds(value: unknown, key: string, location: RecordLocation, fromTextCell: boolean): string[] {
  return [...new Set(parseGoldIdList(value, key, location, fromTextCell))];
}

function parseGoldIdList(value: unknown, key: string, location: RecordLocation, fromTextCell: boolean): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === "number" && Number.isFinite(value)) return [idFromNumber(value, key, location)];
  if (typeof value === "string") return fromTextCell ? parseGoldIdsCell(value, key, location) : value.trim() === "" ? [] : [value];
  if (Array.isArray(value)) {
    return value.map((item, index) => {
      if (typeof item === "string" && item !== "") return item;
      if (typeof item === "number" && Number.isFinite(item)) return idFromNumber(item, `${key}[${index}]`, location);
      throw new BadInputError(`"${key}"[${index}] is ${describeValue(item)}; gold ids must be non-empty strings or numbers`, location);
    });
  }
  throw new BadInputError(`"${key}" is ${describeValue(value)}; gold ids must be a list of ids or a single id`, location);
}

function parseGoldIdsCell(cell: string, key: string, location: RecordLocation): string[] {
  const trimmed = cell.trim();
  if (trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = parseJsonKeepingDigits(trimmed);
    } catch (error) {
      throw new BadInputError(
        `"${key}" looks like a JSON array but is not valid JSON ` +
          `(${error instanceof Error ? error.message : String(error)}); write it as ["id1","id2"] or id1;id2`,
        { ...location, cause: error },
      );
    }
    return parseGoldIdList(parsed, key, location, false);
  }
  const separator = trimmed.includes(";") ? ";" : ",";
  return trimmed
    .split(separator)
    .map((id) => id.trim())
    .filter((id) => id !== "");
}
