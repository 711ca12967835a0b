import { assertCollectionName, BadOptionError } from "@hardneg/core/adapter";

/**
 * Weaviate's collection (class) name rule within core's (1-128 letters, digits, "_", "." or "-",
 * starting with a letter or digit): a letter first, and no "." or "-".
 */
const COLLECTION_NAME = /^[A-Za-z][_0-9A-Za-z]*$/;

/**
 * The Weaviate collection a hardneg collection name addresses. Weaviate stores every collection
 * with an uppercase first letter ("hardneg_runs" is "Hardneg_runs"), so this does the same and
 * reads and writes always agree; names differing only in that letter are one collection in
 * Weaviate. Anything else is refused rather than rewritten, so two names never merge silently.
 *
 * @throws BadOptionError (option "collection") for a name core refuses, or one Weaviate refuses.
 */
export function weaviateCollectionName(name: string): string {
  assertCollectionName(name, "weaviate");
  if (!COLLECTION_NAME.test(name)) {
    const example = name.replace(/[^_0-9A-Za-z]/g, "_").replace(/^[^A-Za-z]+/, "") || "Collection";
    const problem = `use a letter, then letters, digits or "_"; for example "${example}"`;
    throw new BadOptionError("collection", `invalid Weaviate collection name ${JSON.stringify(name)}: ${problem}`, {
      component: "weaviate",
    });
  }
  return name[0]!.toUpperCase() + name.slice(1);
}
