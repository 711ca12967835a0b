/**
 * Record and document handling that every remote adapter needs in the same way, so the
 * adapters agree on it: which write wins, what text a document is embedded from, where
 * precomputed document vectors come from, and how stored properties become a {@link Doc}.
 */
import type { DocumentTarget } from "./backend.js";
import { BadInputError, type HardnegErrorOptions } from "./errors.js";
import type { Doc, StoredRecord } from "./types.js";

/**
 * The text a document record is embedded from: its title (when `target` names one) and its
 * content, each only when it is a non-empty string, joined by a newline.
 */
export function documentTextOf(record: StoredRecord, target: Omit<DocumentTarget, "collection">): string {
  const title = target.titleKey === undefined ? undefined : record.properties[target.titleKey];
  const content = record.properties[target.contentKey];
  return [title, content].filter((part) => typeof part === "string" && part !== "").join("\n");
}

/**
 * A precomputed document vector read from the record property `property` (an adapter's
 * `documentVectors` option).
 *
 * @throws BadInputError (with `errorOptions`: the adapter's component and the collection) when
 * the value is not an array of `dimension` finite numbers.
 */
export function documentVectorProperty(
  record: StoredRecord,
  property: string,
  dimension: number,
  errorOptions: HardnegErrorOptions,
): number[] {
  const value = record.properties[property];
  if (
    !Array.isArray(value) ||
    value.length !== dimension ||
    !value.every((component) => typeof component === "number" && Number.isFinite(component))
  ) {
    throw new BadInputError(`record "${record.id}" needs ${dimension} finite numbers under "${property}" (documentVectors)`, errorOptions);
  }
  return value as number[];
}

/**
 * Stored properties as a {@link Doc} with the id `id`: text from `contentKey` (null or missing
 * gives ""), title from `titleKey` (left out when null or missing), and every other property in
 * `fields` (left out when there is none) except `idKey` and the adapter's own `engineKeys`
 * (such as a vector field or a kept record id). Values that are not strings are stringified.
 */
export function documentFromProperties(
  id: string,
  properties: Record<string, unknown>,
  target: Omit<DocumentTarget, "collection">,
  engineKeys: readonly string[] = [],
): Doc {
  const { [target.idKey]: _id, [target.contentKey]: content, ...rest } = properties;
  for (const key of engineKeys) delete rest[key];
  const document: Doc = { id, text: content === undefined || content === null ? "" : String(content) };
  let fields = rest;
  if (target.titleKey !== undefined && target.titleKey in rest) {
    const { [target.titleKey]: title, ...others } = rest;
    if (title !== undefined && title !== null) document.title = String(title);
    fields = others;
  }
  if (Object.keys(fields).length > 0) document.fields = fields;
  return document;
}
