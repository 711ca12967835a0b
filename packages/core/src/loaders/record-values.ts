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
 * @throws BadInputError for empty strings and any other type.
 */
export function idFromValue(value: unknown, key: string, location: RecordLocation): string {
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new BadInputError(`id "${key}" is ${describeValue(value)}; ids must be non-empty strings or numbers`, location);
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
