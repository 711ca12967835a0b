import type { SearchBackend, Store } from "../backend.js";
import type { DocsCollection } from "../collections.js";
import { BadOptionError } from "../errors.js";

/**
 * Which engine plays which role in a run. The backend searches the documents; the store holds
 * the queries and everything a run writes. They are one engine unless the caller gives a store.
 */

/** True when `backend` also stores collections (an engine from `createEngine`, not only a search backend). */
export function isStore(backend: SearchBackend): backend is SearchBackend & Store {
  const candidate = backend as Partial<Store>;
  return typeof candidate.upsert === "function" && typeof candidate.iterate === "function" && typeof candidate.hasCollection === "function";
}

/** The given store, else the backend when it is one. */
export function storeOf(backend: SearchBackend, store: Store | undefined): Store {
  if (store !== undefined) return store;
  if (isStore(backend)) return backend;
  throw new BadOptionError(
    "store",
    `backend "${backend.name}" only searches; pass a store for the queries and hard negatives (e.g. a MemoryStore or a local database)`,
  );
}

/**
 * Where the corpus records are: in the backend when it stores collections; else in the store,
 * when the corpus was loaded there too; else nowhere core can read (an engine that only searches).
 */
export async function documentsStoreOf(backend: SearchBackend, store: Store, docs: DocsCollection): Promise<Store | undefined> {
  if (isStore(backend)) return backend;
  return (await store.hasCollection(docs.collectionName)) ? store : undefined;
}
