import type { DocumentTarget, SearchOptions, SearchRequest, Store } from "../../backend.js";
import { createSearchBackend } from "../../adapter/create-engine.js";
import type { SearchDriver } from "../../adapter/driver.js";
import { DocsCollection, HardNegativesCollection, QueriesCollection } from "../../collections.js";
import type { Doc, Hit, StoredRecord } from "../../types.js";
import type { MineConfig } from "../config.js";

/**
 * A small real search engine for core's mining tests: scores a document by how many query words
 * it contains (ties keep corpus order), over documents held in a Store (a MemoryStore in tests).
 * BM25 mode only (the default), and no `scoreDocuments`. A driver: tests wrap it with `createSearchBackend`.
 */
export class WordOverlapBackend implements SearchDriver {
  readonly specificationVersion = "v1" as const;
  readonly name = "word-overlap";

  constructor(private readonly store: Store) {}

  async search(target: DocumentTarget, requests: readonly SearchRequest[], options: SearchOptions): Promise<Hit[][]> {
    const documents = await this.documents(target);
    return requests.map((request) =>
      documents
        .map((document) => ({ id: document.id, score: wordOverlap(request.text, document.text) }))
        .filter((hit) => hit.score > 0)
        .sort((a, b) => b.score - a.score)
        .slice(0, options.k)
        .map((hit, index) => ({ ...hit, rank: index + 1 })),
    );
  }

  async getDocuments(target: DocumentTarget, ids: readonly string[]): Promise<Map<string, Doc>> {
    const wanted = new Set(ids);
    return new Map((await this.documents(target)).filter((document) => wanted.has(document.id)).map((document) => [document.id, document]));
  }

  private async documents(target: DocumentTarget): Promise<Doc[]> {
    const documents: Doc[] = [];
    for await (const batch of this.store.iterate(target.collection)) {
      for (const record of batch) {
        const title = record.properties["title"];
        documents.push({
          id: String(record.properties[target.idKey]),
          text: String(record.properties[target.contentKey]),
          ...(typeof title === "string" ? { title } : {}),
        });
      }
    }
    return documents;
  }
}

/** How many of the query's words (lower-cased, split on non-word characters) the text contains. */
export function wordOverlap(query: string, text: string): number {
  const words = new Set(text.toLowerCase().split(/\W+/));
  return query
    .toLowerCase()
    .split(/\W+/)
    .filter((word) => word !== "" && words.has(word)).length;
}

/** Adds collection "docs" to `store`, one record per `[doc_id, text]`, the record id being the document id. */
export async function addDocuments(store: Store, corpus: ReadonlyArray<readonly [string, string]>): Promise<void> {
  await store.createCollection({ name: "docs", kind: "documents" });
  await store.upsert(
    "docs",
    corpus.map(([id, text]) => ({ id, properties: { doc_id: id, text } })),
  );
}

/** Adds collection `collection` (default "queries") to `store`, one record per query, under its `query_id`. */
export async function addQueries(store: Store, queries: ReadonlyArray<{ query_id: string }>, collection = "queries"): Promise<void> {
  await store.createCollection({ name: collection, kind: "queries" });
  await store.upsert(
    collection,
    queries.map((query) => ({ id: query.query_id, properties: query })),
  );
}

/** The collections the fixture helpers fill ("docs", "queries") and the mining output "out", as a mine config names them. */
export function fixtureCollections() {
  return {
    docsCollection: new DocsCollection({ collectionName: "docs" }),
    queriesCollection: new QueriesCollection({ collectionName: "queries" }),
    hardNegativesCollection: new HardNegativesCollection({ collectionName: "out" }),
  };
}

/**
 * A mine config builder: `driver` wrapped as a search backend, `store`, the fixture collections
 * and `defaults`, then each call's overrides.
 */
export function mineConfigOf(
  driver: SearchDriver,
  store: Store,
  defaults: Partial<MineConfig> & Pick<MineConfig, "negativesPerQuery">,
): (overrides?: Partial<MineConfig>) => MineConfig {
  return (overrides = {}) => ({ backend: createSearchBackend(driver), store, ...fixtureCollections(), ...defaults, ...overrides });
}

/** Every record of `collection` (default the mining output "out"), in the store's order. */
export async function recordsOf(store: Store, collection = "out"): Promise<StoredRecord[]> {
  const all: StoredRecord[] = [];
  for await (const batch of store.iterate(collection)) all.push(...batch);
  return all;
}
