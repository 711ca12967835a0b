import { BadOptionError } from "@hardneg/core";

/**
 * Collection names the local backend accepts: they become parts of index file names, so they
 * are kept to portable file-name characters. "@" never appears in a name, which lets index files
 * be named `<collection>@<hash>` and found by prefix without ambiguity.
 */
export const COLLECTION_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Throws a {@link BadOptionError} unless `name` matches {@link COLLECTION_NAME_PATTERN}. */
export function assertCollectionName(name: unknown): asserts name is string {
  if (typeof name !== "string" || !COLLECTION_NAME_PATTERN.test(name)) {
    throw new BadOptionError(
      "collection",
      `invalid collection name ${JSON.stringify(name)}: use 1-128 letters, digits, "_", "." or "-", starting with a letter or digit`,
      { component: "local" },
    );
  }
}
