import { assertCollectionName, BadOptionError } from "@hardneg/core/adapter";

/**
 * Throws a {@link BadOptionError} (option "collection") unless `name` is a valid Elasticsearch
 * index name: core's collection name rule (1-128 letters, digits, "_", "." or "-", starting with
 * a letter or digit), which already rules out every character, prefix and length Elasticsearch
 * forbids, and lowercase. Names are used as they are (never rewritten), so two hardneg
 * collections can never silently land in one index.
 */
export function assertIndexName(name: unknown): asserts name is string {
  assertCollectionName(name, "elastic");
  if (name !== name.toLowerCase()) {
    const problem = `must be lowercase (Elasticsearch index names are); use "${name.toLowerCase()}"`;
    throw new BadOptionError("collection", `invalid Elasticsearch index name ${JSON.stringify(name)}: ${problem}`, {
      component: "elastic",
    });
  }
}
