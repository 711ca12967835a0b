import { BadInputError } from "../errors.js";

/** Where a record came from, for error messages. */
export interface RecordLocation {
  file: string;
  line: number;
}

/**
 * The value under `key`, or a `BadInputError` naming the file, line, the missing key, the keys
 * the record does have, and the option that chooses the key (`optionName`, e.g. "--content-key").
 */
export function requireKey(record: Record<string, unknown>, key: string, location: RecordLocation, optionName: string): unknown {
  if (Object.hasOwn(record, key)) return record[key];
  const keys = Object.keys(record);
  const available = keys.length === 0 ? "the record is empty" : `keys: ${keys.join(", ")}`;
  throw new BadInputError(`record has no key "${key}" (${available}); pass ${optionName}`, location);
}

/**
 * A record id as a string: strings are kept as they are, finite numbers are stringified (JSON
 * corpora often store ids as numbers while qrels hold them as text).
 *
 * @throws BadInputError for empty strings, any other type, and integers too large to be exact.
 */
export function idFromValue(value: unknown, key: string, location: RecordLocation): string {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return idFromNumber(value, key, location);
  throw new BadInputError(`id "${key}" is ${describeValue(value)}; ids must be non-empty strings or numbers`, location);
}

/**
 * A numeric id as text. The readers keep integer literals beyond ±2^53 as digit strings, so a
 * number that is still too large here was rounded before hardneg saw it (e.g. written as
 * `1.2345678901234567e19`); its digits are lost, and guessing them would name another record.
 *
 * @throws BadInputError naming file and line, with the advice to quote the id, for an integer
 * beyond ±2^53.
 */
export function idFromNumber(value: number, key: string, location: RecordLocation): string {
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new BadInputError(
      `id "${key}" is a number too large to keep exactly (${value}); write it as a string, e.g. "12345678901234567890"`,
      location,
    );
  }
  return String(value);
}

/**
 * A text property as a string; null and undefined become "" (then counted as empty by the
 * loaders), numbers and booleans are stringified.
 *
 * @throws BadInputError for objects and arrays, which have no single text.
 */
export function textFromValue(value: unknown, key: string, location: RecordLocation): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new BadInputError(`"${key}" is ${describeValue(value)}, expected text`, location);
}

/** A short description of a value's type for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value === "" ? "an empty string" : "a string";
  if (value === undefined) return "undefined";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
