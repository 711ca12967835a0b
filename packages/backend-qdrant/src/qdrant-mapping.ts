/** Response mapping, as pure functions: points to hits, documents, records and specs. */
import {
  documentFromProperties,
  type CollectionSpec,
  type Doc,
  type DocumentTarget,
  type Hit,
  type StoredRecord,
} from "@hardneg/core/adapter";
import type { QdrantPoint } from "./qdrant-client.js";
import { RECORD_ID_KEY } from "./qdrant-requests.js";

/** The benchmark id of a point: its id property, else the kept record id, else the point id. */
export function documentIdOf(point: QdrantPoint, idKey: string): string {
  const payload = point.payload ?? {};
  const value = payload[idKey] ?? payload[RECORD_ID_KEY];
  return value === undefined || value === null ? String(point.id) : String(value);
}

/** Ranked hits (1-based) with Qdrant's scores, at most `k`. */
export function hitsOf(points: readonly QdrantPoint[], idKey: string, k: number): Hit[] {
  return points.slice(0, k).map((point, position) => ({ id: documentIdOf(point, idKey), score: point.score ?? 0, rank: position + 1 }));
}

/** A point's payload as a stored record (the kept record id becomes the id again). */
export function recordOf(point: QdrantPoint): StoredRecord {
  const { [RECORD_ID_KEY]: recordId, ...properties } = point.payload ?? {};
  return { id: recordId === undefined || recordId === null ? String(point.id) : String(recordId), properties };
}

/** A point's payload as a document: id, text and title under the target's keys, the rest in `fields`. */
export function documentOf(point: QdrantPoint, target: DocumentTarget): Doc {
  return documentFromProperties(documentIdOf(point, target.idKey), point.payload ?? {}, target, [RECORD_ID_KEY]);
}

/** The spec kept in collection metadata; a collection hardneg did not create reads as plain records. */
export function specOf(name: string, metadata: Record<string, unknown> | null | undefined): CollectionSpec {
  if (holdsSpec(metadata)) return { ...(metadata.hardneg as CollectionSpec), name };
  return { name, kind: "records" };
}

/** True when a collection's metadata holds the spec hardneg wrote at creation (it is hardneg's collection). */
export function holdsSpec(metadata: Record<string, unknown> | null | undefined): metadata is { hardneg: CollectionSpec } {
  const stored = metadata?.hardneg;
  return typeof stored === "object" && stored !== null && typeof (stored as CollectionSpec).kind === "string";
}
