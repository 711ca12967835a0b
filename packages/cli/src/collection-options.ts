import { DocsCollection, MissingCollectionError, QueriesCollection, type Store } from "@hardneg/core";

/** Key overrides a user may give on the command line. */
export interface DocumentKeyOptions {
  idKey?: string;
  contentKey?: string;
  titleKey?: string;
}
export interface QueryKeyOptions {
  queryIdKey?: string;
  queryContentKey?: string;
  goldIdsKey?: string;
}

/** The documents collection with the keys it was loaded with, unless overridden. */
export async function docsCollectionOf(store: Store, name: string, overrides: DocumentKeyOptions = {}): Promise<DocsCollection> {
  const spec = await store.describeCollection(name);
  if (spec === undefined) throw new MissingCollectionError(name, "load it first with `hardneg load`");
  const stored = spec.target;
  const titleKey = overrides.titleKey ?? stored?.titleKey;
  return new DocsCollection({
    collectionName: name,
    idKey: overrides.idKey ?? stored?.idKey ?? "doc_id",
    contentKey: overrides.contentKey ?? stored?.contentKey ?? "text",
    ...(titleKey === undefined ? {} : { titleKey }),
  });
}

/** The queries collection with the keys it was loaded with, unless overridden. */
export async function queriesCollectionOf(store: Store, name: string, overrides: QueryKeyOptions = {}): Promise<QueriesCollection> {
  const spec = await store.describeCollection(name);
  if (spec === undefined) throw new MissingCollectionError(name, "load it first with `hardneg load`");
  const stored = spec.queryKeys;
  return new QueriesCollection({
    collectionName: name,
    idKey: overrides.queryIdKey ?? stored?.idKey ?? "query_id",
    queryContentKey: overrides.queryContentKey ?? stored?.queryContentKey ?? "text",
    goldIdsKey: overrides.goldIdsKey ?? stored?.goldIdsKey ?? "gold_ids",
    gradesKey: stored?.gradesKey ?? "gold_grades",
  });
}
