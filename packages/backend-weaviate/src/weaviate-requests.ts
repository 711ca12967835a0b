/**
 * What the adapter asks weaviate-client v3 for, as pure functions: query options (always with
 * explicit `alpha` and `fusionType` for hybrid, score metadata), cursor pages, batch objects and
 * collection configs. The mapping tests check them against the client's documented options.
 */
import { uuidV5, type CollectionSpec, type DocumentTarget, type FusionType, type StoredRecord } from "@hardneg/core/adapter";

/** Property keeping the original (string) record id; Weaviate object ids must be UUIDs. */
export const RECORD_ID_KEY = "hardneg_id";

/**
 * Property holding, as JSON, the record properties that are not schema properties. Weaviate
 * property names must match /[_A-Za-z][_0-9A-Za-z]*\/ at every nesting level and nulls are not
 * stored, while records carry free-form JSON (a query's grades are keyed by document ids such
 * as "4983"): those go here, unindexed and never vectorised, and come back exactly.
 */
export const PROPERTIES_JSON_KEY = "hardneg_json";

/**
 * The record properties stored as real (typed, searchable) Weaviate properties: the spec's
 * keys for documents and queries, every property of a hard-negative row (the original schema),
 * none for plain records.
 */
export function schemaKeysOf(spec: CollectionSpec): ReadonlySet<string> | "all" {
  if (spec.kind === "hard-negatives") return "all";
  if (spec.kind === "documents" && spec.target !== undefined)
    return new Set([spec.target.idKey, spec.target.contentKey, ...(spec.target.titleKey === undefined ? [] : [spec.target.titleKey])]);
  if (spec.kind === "queries" && spec.queryKeys !== undefined)
    return new Set([spec.queryKeys.idKey, spec.queryKeys.queryContentKey, spec.queryKeys.goldIdsKey]);
  return new Set();
}

/** The object UUID of a record: UUIDv5 of its id in hardneg's namespace (deterministic, so inserts replace). */
export function objectIdOf(recordId: string): string {
  return uuidV5(recordId);
}

/** The properties BM25 searches: content and, when the target has one, title. */
export function queryProperties(target: DocumentTarget): string[] {
  return target.titleKey === undefined ? [target.contentKey] : [target.contentKey, target.titleKey];
}

export function bm25Options(target: DocumentTarget, k: number, filters?: unknown): Record<string, unknown> {
  return {
    limit: k,
    queryProperties: queryProperties(target),
    returnMetadata: ["score"],
    returnProperties: [target.idKey],
    ...(filters === undefined ? {} : { filters }),
  };
}

/** Weaviate's fusion names: relative-score is "RelativeScore", reciprocal rank fusion is "Ranked". */
export function fusionTypeOf(fusion: FusionType): "RelativeScore" | "Ranked" {
  return fusion === "rrf" ? "Ranked" : "RelativeScore";
}

/**
 * Hybrid options. `alpha` and `fusionType` are always passed: the server's defaults changed
 * across versions (fusion became relative-score in 1.24). Without `vector` the server
 * vectorises the query with the collection's vectorizer.
 */
export function hybridOptions(
  target: DocumentTarget,
  k: number,
  alpha: number,
  fusion: FusionType,
  vector?: ArrayLike<number>,
): Record<string, unknown> {
  return {
    limit: k,
    alpha,
    fusionType: fusionTypeOf(fusion),
    queryProperties: queryProperties(target),
    returnMetadata: ["score"],
    returnProperties: [target.idKey],
    ...(vector === undefined ? {} : { vector: Array.from(vector) }),
  };
}

/** nearText / nearVector options: distance comes back and becomes the score (1 − distance). */
export function nearOptions(target: DocumentTarget, k: number, filters?: unknown): Record<string, unknown> {
  return { limit: k, returnMetadata: ["distance"], returnProperties: [target.idKey], ...(filters === undefined ? {} : { filters }) };
}

/** Objects matching a filter, all properties returned. */
export function fetchOptions(limit: number, filters: unknown): Record<string, unknown> {
  return { limit, filters };
}

/** One cursor page: objects after the last UUID seen, in UUID order (the cursor API needs no filter or sort). */
export function pageOptions(limit: number, after: string | undefined): Record<string, unknown> {
  return after === undefined ? { limit } : { limit, after };
}

/**
 * Batch objects: deterministic UUIDs, the record id kept as a property, schema properties as
 * they are and the others as JSON (see {@link PROPERTIES_JSON_KEY}), vectors when given.
 */
export function objectsOf(
  records: readonly StoredRecord[],
  spec: CollectionSpec,
  vectors?: readonly ArrayLike<number>[],
): Array<{ id: string; properties: Record<string, unknown>; vectors?: number[] }> {
  const schemaKeys = schemaKeysOf(spec);
  return records.map((record, position) => {
    const vector = vectors?.[position];
    const properties: Record<string, unknown> = { [RECORD_ID_KEY]: record.id };
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record.properties)) {
      if (schemaKeys === "all" || (schemaKeys.has(key) && value !== null)) properties[key] = value;
      else rest[key] = value;
    }
    if (Object.keys(rest).length > 0) properties[PROPERTIES_JSON_KEY] = JSON.stringify(rest);
    return { id: objectIdOf(record.id), properties, ...(vector === undefined ? {} : { vectors: Array.from(vector) }) };
  });
}

/** The collection description: the spec as JSON, so `describeCollection` can read it back. */
export function collectionDescription(spec: CollectionSpec): string {
  return JSON.stringify({ hardneg: spec });
}

type PropertyConfig = {
  name: string;
  dataType: string;
  skipVectorization?: boolean;
  tokenization?: string;
  indexSearchable?: boolean;
  indexFilterable?: boolean;
};

const text = (name: string, vectorised: boolean, tokenization = "word"): PropertyConfig => ({
  name,
  dataType: "text",
  skipVectorization: !vectorised,
  tokenization,
});
const textList = (name: string, vectorised: boolean, tokenization = "word"): PropertyConfig => ({
  name,
  dataType: "text[]",
  skipVectorization: !vectorised,
  tokenization,
});
const plain = (name: string, dataType: string): PropertyConfig => ({ name, dataType, skipVectorization: true });
const stored = (name: string, dataType: string): PropertyConfig => ({
  name,
  dataType,
  skipVectorization: true,
  indexSearchable: false,
  indexFilterable: false,
});

/**
 * A collection config for `client.collections.create`. The spec is kept in `description` so
 * `describeCollection` can give it back. Documents: ids exact (field tokenization), content and
 * title vectorised. Hard negatives: the original tool's schema — the query text vectorised,
 * ids and documents `skipVectorization`, the documents' texts stored but not indexed. Other
 * properties travel as JSON in {@link PROPERTIES_JSON_KEY}.
 */
export function collectionConfig(spec: CollectionSpec, weaviateName: string, vectorizers: unknown): Record<string, unknown> {
  const properties: PropertyConfig[] = [text(RECORD_ID_KEY, false, "field"), stored(PROPERTIES_JSON_KEY, "text")];
  if (spec.kind === "documents" && spec.target !== undefined) {
    properties.push(text(spec.target.idKey, false, "field"), text(spec.target.contentKey, true));
    if (spec.target.titleKey !== undefined) properties.push(text(spec.target.titleKey, true));
  } else if (spec.kind === "queries" && spec.queryKeys !== undefined) {
    properties.push(
      text(spec.queryKeys.idKey, false, "field"),
      text(spec.queryKeys.queryContentKey, true),
      textList(spec.queryKeys.goldIdsKey, false, "field"),
    );
  } else if (spec.kind === "hard-negatives" && spec.hardNegativeKeys !== undefined) {
    const keys = spec.hardNegativeKeys;
    properties.push(
      text(keys.queryContentKey, true),
      textList(keys.goldIdsKey, false, "field"),
      // Copies of corpus documents (searchable there): stored, not indexed, which halves write time.
      stored(keys.goldDocumentsKey, "text[]"),
      stored(keys.hardNegativeDocumentKey, "text"),
      stored("gold_titles", "text[]"),
      stored("hard_negative_title", "text"),
      text(keys.hardNegativeIdKey, false, "field"),
      text("query_id", false, "field"),
      plain("rank", "int"),
      plain("score", "number"),
      plain("gold_rank", "int"),
      plain("gold_score", "number"),
      text("run_id", false, "field"),
      text("strategy", false, "field"),
      plain("padded", "boolean"),
    );
  }
  const vectorised = spec.kind === "documents" || spec.kind === "hard-negatives" || spec.kind === "queries";
  return {
    name: weaviateName,
    description: collectionDescription(spec),
    properties,
    ...(vectorizers !== undefined && vectorised ? { vectorizers } : {}),
  };
}
