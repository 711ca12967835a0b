import type { Store } from "../backend.js";
import type { QueriesCollection } from "../collections.js";
import { MissingCollectionError } from "../errors.js";
import { requireCompleteCollection } from "../load-records.js";
import { goldIdsOf } from "./query-source.js";

/**
 * Every document id that is gold for some query of the held-out collections (`excludeGoldsOf`):
 * read whole, queries with an empty text included, since their golds are evaluation positives
 * all the same. A missing or incompletely loaded collection is refused, naming the option.
 */
export async function heldOutGoldIdsOf(store: Store, collections: readonly QueriesCollection[]): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const collection of collections) {
    const name = collection.collectionName;
    if (!(await store.hasCollection(name)))
      throw new MissingCollectionError(name, "load the held-out queries first (e.g. `hardneg load beir <dir> --split test`)", {
        option: "excludeGoldsOf",
      });
    await requireCompleteCollection(store, name);
    // Stryker disable next-line ObjectLiteral: equivalent, the batch size bounds memory only (every record comes)
    for await (const batch of store.iterate(name, { batchSize: 1000 })) {
      for (const record of batch) for (const id of goldIdsOf(record, collection)) ids.add(id);
    }
  }
  return ids;
}

/**
 * What the run id records of the held-out collections: their names and gold-ids keys, each once,
 * sorted (neither the order nor a repetition changes any row). Undefined for none, so runs
 * without the guard keep the ids they had before it existed.
 */
export function heldOutRunKey(collections: readonly QueriesCollection[] | undefined): string[] | undefined {
  if (collections === undefined || collections.length === 0) return undefined;
  return [...new Set(collections.map((collection) => `${collection.collectionName}#${collection.goldIdsKey}`))].sort();
}
