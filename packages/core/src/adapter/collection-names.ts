import { BadOptionError } from "../errors.js";

/**
 * The collection names core accepts, for every engine: 1 to 128 ASCII letters, digits, "_", "."
 * or "-", starting with a letter or digit. They fit in file names, URLs and index names. An
 * engine may refuse more (Elasticsearch wants lowercase, Weaviate no "." or "-"); names of
 * lowercase letters, digits and "_" that start with a letter are accepted by every engine.
 */
export const COLLECTION_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Names every engine accepts: a lowercase letter, then lowercase letters, digits or "_" (at most 64). */
export const PORTABLE_COLLECTION_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * @throws BadOptionError (option "collection") unless `name` matches {@link COLLECTION_NAME_PATTERN}.
 */
export function assertCollectionName(name: unknown, component?: string): asserts name is string {
  if (typeof name !== "string" || !COLLECTION_NAME_PATTERN.test(name)) {
    throw new BadOptionError(
      "collection",
      `invalid collection name ${JSON.stringify(name)}: use 1-128 letters, digits, "_", "." or "-", starting with a letter or digit`,
      component === undefined ? {} : { component },
    );
  }
}
