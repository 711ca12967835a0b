/**
 * Response mapping, as pure functions: Search API hits to hardneg hits and documents, Bulk API
 * items to failures, mappings `_meta` to a collection spec.
 */
import {
  COLLECTION_NAME_PATTERN,
  documentFromProperties,
  type CollectionSpec,
  type Doc,
  type DocumentTarget,
  type Hit,
  type StoredRecord,
} from "@hardneg/core/adapter";
import type { ElasticBulkResponse, ElasticHit, ElasticSearchResponse } from "./elastic-client.js";

/** The benchmark id of a hit: its id property, falling back to `_id` when the property is absent. */
export function documentIdOf(hit: ElasticHit, idKey: string): string {
  const value = hit._source?.[idKey];
  return value === undefined || value === null ? hit._id : String(value);
}

/**
 * Which scale a response's `_score` is on: BM25 (and fused) scores are kept as they are; kNN
 * scores of a `cosine` `dense_vector` are `(1 + cosine) / 2`, and are turned back into the
 * cosine similarity, the vector score every other adapter reports.
 */
export type ScoreScale = "engine" | "knn-cosine";

/** A hit's score on hardneg's scale (see {@link ScoreScale}). */
export function scoreOf(hit: ElasticHit, scale: ScoreScale): number {
  const score = hit._score ?? 0;
  return scale === "knn-cosine" ? 2 * score - 1 : score;
}

/** Ranked hits (1-based), at most `k`. */
export function hitsOf(response: ElasticSearchResponse, idKey: string, k: number, scale: ScoreScale = "engine"): Hit[] {
  return response.hits.hits
    .slice(0, k)
    .map((hit, position) => ({ id: documentIdOf(hit, idKey), score: scoreOf(hit, scale), rank: position + 1 }));
}

/** Scores by document id; the first (best) hit wins if an id repeats. */
export function scoresOf(response: ElasticSearchResponse, idKey: string, scale: ScoreScale = "engine"): Map<string, number> {
  const scores = new Map<string, number>();
  for (const hit of response.hits.hits) {
    const id = documentIdOf(hit, idKey);
    if (!scores.has(id)) scores.set(id, scoreOf(hit, scale));
  }
  return scores;
}

/** A stored `_source` as a document: id, text and title under the target's keys, the rest in `fields`. */
export function documentOf(hit: ElasticHit, target: DocumentTarget, vectorField: string): Doc {
  return documentFromProperties(documentIdOf(hit, target.idKey), hit._source ?? {}, target, [vectorField]);
}

/** A hit as a stored record: `_id` is the record id, `_source` without the vector its properties. */
export function recordOf(id: string, source: Record<string, unknown> | undefined, vectorField: string): StoredRecord {
  const { [vectorField]: _vector, ...properties } = source ?? {};
  return { id, properties };
}

/** One failed bulk item: which record, the HTTP status Elasticsearch gave it, and why. */
export interface BulkFailure {
  position: number;
  id: string;
  status: number;
  type: string;
  reason: string;
}

/** The failed items of a bulk response (empty when `errors` is false). */
export function bulkFailuresOf(response: ElasticBulkResponse, ids: readonly string[]): BulkFailure[] {
  if (!response.errors) return [];
  const failures: BulkFailure[] = [];
  response.items.forEach((item, position) => {
    const result = Object.values(item)[0];
    if (result?.error === undefined) return;
    failures.push({
      position,
      id: result._id ?? ids[position] ?? "?",
      status: result.status,
      type: result.error.type ?? "unknown",
      reason: result.error.reason ?? "",
    });
  });
  return failures;
}

/**
 * The indices of a get-mapping answer whose `_meta.hardneg` holds a spec, with those specs:
 * hardneg's collections. Other indices (the user's, system ones) are left out, and so is any
 * name hardneg could not address (not lowercase, or outside core's collection name rule).
 */
export function hardnegIndicesOf(
  mappings: Record<string, { mappings?: { _meta?: Record<string, unknown> } } | undefined>,
): CollectionSpec[] {
  const specs: CollectionSpec[] = [];
  for (const [index, mapping] of Object.entries(mappings)) {
    const stored = mapping?.mappings?._meta?.hardneg;
    if (typeof stored !== "object" || stored === null || typeof (stored as CollectionSpec).kind !== "string") continue;
    if (!COLLECTION_NAME_PATTERN.test(index) || index !== index.toLowerCase()) continue;
    specs.push(specOf(index, mapping?.mappings?._meta));
  }
  return specs;
}

/** The spec kept in `_meta.hardneg`; an index hardneg did not create reads as plain records. */
export function specOf(name: string, meta: Record<string, unknown> | undefined): CollectionSpec {
  const stored = meta?.hardneg;
  if (typeof stored === "object" && stored !== null && typeof (stored as CollectionSpec).kind === "string") {
    return { ...(stored as CollectionSpec), name };
  }
  return { name, kind: "records" };
}
