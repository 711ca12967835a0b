/** Response mapping, as pure functions: query objects to hits, documents, records and specs. */
import { weaviateCollectionName } from "./weaviate-names.js";
import {
  documentFromProperties,
  type CollectionSpec,
  type Doc,
  type DocumentTarget,
  type Hit,
  type StoredRecord,
} from "@hardneg/core/adapter";
import type { WeaviateObjectLike } from "./weaviate-client.js";
import { PROPERTIES_JSON_KEY, RECORD_ID_KEY } from "./weaviate-requests.js";

/** Which metadata holds the score: `score` (bm25, hybrid) or `distance` (near*, score = 1 − distance). */
export type ScoreSource = "score" | "distance";

/** The benchmark id of an object: its id property, else the kept record id, else the UUID. */
export function documentIdOf(object: WeaviateObjectLike, idKey: string): string {
  const value = object.properties[idKey] ?? object.properties[RECORD_ID_KEY];
  return value === undefined || value === null ? object.uuid : String(value);
}

/**
 * The engine's score of an object. For vector search Weaviate returns a distance (lower is
 * better); 1 − distance keeps "higher is better" and equals cosine similarity for cosine distance.
 */
export function scoreOf(object: WeaviateObjectLike, source: ScoreSource): number {
  if (source === "score") return object.metadata?.score ?? 0;
  const distance = object.metadata?.distance;
  return distance === undefined ? 0 : 1 - distance;
}

/**
 * Ranked hits (1-based), at most `k`, in the engine's order. Weaviate can return neighbouring
 * fused hybrid scores out of order by a float32 rounding error (seen live on 1.39: 0.36134458
 * ranked after 0.36134455); such a score is capped at the one ranked above it, so scores never
 * increase down the list while the engine's ranking is kept.
 */
export function hitsOf(objects: readonly WeaviateObjectLike[], idKey: string, k: number, source: ScoreSource): Hit[] {
  let previous = Number.POSITIVE_INFINITY;
  return objects.slice(0, k).map((object, position) => {
    const score = scoreOf(object, source);
    // Only a rounding error is smoothed; a real inversion stays visible.
    previous = score > previous && score - previous <= ROUNDING_TOLERANCE * Math.max(1, Math.abs(previous)) ? previous : score;
    return { id: documentIdOf(object, idKey), score: previous, rank: position + 1 };
  });
}

/** Relative difference treated as float32 rounding (float32 carries about 7 significant digits). */
const ROUNDING_TOLERANCE = 1e-6;

/**
 * The record's properties: the JSON-kept ones plus the schema properties, without the kept
 * record id. Nulls of schema properties are dropped: Weaviate returns null for every schema
 * property an object lacks, so a stored null and an absent property cannot be told apart.
 */
export function storedProperties(object: WeaviateObjectLike): Record<string, unknown> {
  const kept = object.properties[PROPERTIES_JSON_KEY];
  const properties: Record<string, unknown> = typeof kept === "string" && kept !== "" ? (JSON.parse(kept) as Record<string, unknown>) : {};
  for (const [key, value] of Object.entries(object.properties)) {
    if (key !== RECORD_ID_KEY && key !== PROPERTIES_JSON_KEY && value !== null && value !== undefined) properties[key] = value;
  }
  return properties;
}

export function recordOf(object: WeaviateObjectLike): StoredRecord {
  const recordId = object.properties[RECORD_ID_KEY];
  return { id: recordId === undefined || recordId === null ? object.uuid : String(recordId), properties: storedProperties(object) };
}

/** An object as a document: id, text and title under the target's keys, the rest in `fields`. */
export function documentOf(object: WeaviateObjectLike, target: DocumentTarget): Doc {
  return documentFromProperties(documentIdOf(object, target.idKey), storedProperties(object), target);
}

/** The spec kept as JSON in the collection description; any other collection reads as plain records. */
export function specOf(name: string, description: string | undefined): CollectionSpec {
  const stored = storedSpecOf(description);
  return stored === undefined ? { name, kind: "records" } : { ...stored, name };
}

/** The spec hardneg wrote into a collection description, or undefined for a description that is not hardneg's. */
function storedSpecOf(description: string | undefined): CollectionSpec | undefined {
  try {
    const stored = (JSON.parse(description ?? "") as { hardneg?: CollectionSpec }).hardneg;
    if (typeof stored === "object" && stored !== null && typeof stored.kind === "string") return stored;
  } catch {
    // Not ours: a description written by someone else.
  }
  return undefined;
}

/**
 * The hardneg collections among Weaviate's (`collections.listAll()`), with their specs: those whose
 * description holds hardneg's spec, under the name they were created with ("hardneg_runs" for the
 * class "Hardneg_runs"). A class of the user's (no hardneg spec) is left out.
 */
export function hardnegCollectionsOf(
  configs: ReadonlyArray<{ name: string; description?: string | undefined }>,
): Array<{ weaviateName: string; spec: CollectionSpec }> {
  const found: Array<{ weaviateName: string; spec: CollectionSpec }> = [];
  for (const config of configs) {
    const stored = storedSpecOf(config.description);
    if (stored === undefined) continue;
    // The stored name addresses this class; a spec copied onto another class is listed under the class's own name.
    const name = typeof stored.name === "string" && addresses(stored.name, config.name) ? stored.name : config.name;
    found.push({ weaviateName: config.name, spec: { ...stored, name } });
  }
  return found;
}

/** True when hardneg's `name` is Weaviate's class `weaviateName`. */
function addresses(name: string, weaviateName: string): boolean {
  try {
    return weaviateCollectionName(name) === weaviateName;
  } catch {
    return false;
  }
}
