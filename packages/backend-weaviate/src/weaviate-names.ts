import { BadOptionError } from "@hardneg/core";

/** Weaviate's collection (class) name rule, before its own capitalisation of the first letter. */
const COLLECTION_NAME = /^[A-Za-z][_0-9A-Za-z]{0,230}$/;

/**
 * The Weaviate collection a hardneg collection name addresses. Weaviate stores every collection
 * with an uppercase first letter ("hardneg_runs" is "Hardneg_runs"), so this does the same and
 * reads and writes always agree; names differing only in that letter are one collection in
 * Weaviate. Anything else is refused rather than rewritten, so two names never merge silently.
 */
export function weaviateCollectionName(name: unknown): string {
  if (typeof name !== "string" || !COLLECTION_NAME.test(name)) {
    const hint = typeof name === "string" && name !== "" ? `; for example "${name.replace(/[^_0-9A-Za-z]/g, "_").replace(/^[^A-Za-z]+/, "") || "Collection"}"` : "";
    throw new BadOptionError("collection", `invalid Weaviate collection name ${JSON.stringify(name)}: use a letter, then letters, digits or "_" (at most 231 characters)${hint}`, { component: "weaviate" });
  }
  return name[0]!.toUpperCase() + name.slice(1);
}
