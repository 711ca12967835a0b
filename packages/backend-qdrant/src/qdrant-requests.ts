/**
 * Request bodies for Qdrant's REST API (Query API `/points/query/batch`, Scroll, Upsert,
 * Create collection), built as pure functions so the mapping tests can check them against the
 * documented shapes.
 */
import { uuidV5, type CollectionSpec, type DocumentTarget, type StoredRecord } from "@hardneg/core/adapter";
import type { SparseVector } from "./bm25-sparse-vectors.js";

/** Payload key keeping the original (string) record id; Qdrant point ids must be UUIDs or integers. */
export const RECORD_ID_KEY = "hardneg_id";

/** Names of the two vectors of a document collection. */
export interface VectorNames {
  /** Dense vector name. Default "dense". */
  dense: string;
  /** Sparse BM25 vector name. Default "bm25". */
  sparse: string;
}

/** The point id of a record: UUIDv5 of its id in hardneg's namespace (deterministic, so upserts replace). */
export function pointIdOf(recordId: string): string {
  return uuidV5(recordId);
}

/** Only what the miner needs from a hit: the id property (and the record id as fallback). */
function hitPayload(target: DocumentTarget): string[] {
  return [target.idKey, RECORD_ID_KEY];
}

/** Filter: the id property is one of `ids` (`match.any` on a keyword payload field). */
export function idsFilter(idKey: string, ids: readonly string[]): Record<string, unknown> {
  return { must: [{ key: idKey, match: { any: [...ids] } }] };
}

export function bm25Query(
  target: DocumentTarget,
  sparse: SparseVector,
  k: number,
  names: VectorNames,
  filter?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    query: { indices: sparse.indices, values: sparse.values },
    using: names.sparse,
    limit: k,
    with_payload: hitPayload(target),
    ...(filter === undefined ? {} : { filter }),
  };
}

export function vectorQuery(
  target: DocumentTarget,
  vector: ArrayLike<number>,
  k: number,
  names: VectorNames,
  filter?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    query: Array.from(vector),
    using: names.dense,
    limit: k,
    with_payload: hitPayload(target),
    ...(filter === undefined ? {} : { filter }),
  };
}

/**
 * Hybrid through the Query API: BM25 and dense prefetches fused with RRF on the server.
 * Alpha 0.5 is plain `fusion: "rrf"` (any Qdrant with the Query API, 1.10+); other alphas use
 * weighted RRF, `rrf.weights` = [1 - alpha, alpha] in prefetch order (Qdrant 1.17+).
 * A query with no BM25 terms keeps only the dense prefetch.
 */
export function hybridQuery(
  target: DocumentTarget,
  sparse: SparseVector,
  vector: ArrayLike<number>,
  k: number,
  alpha: number,
  names: VectorNames,
): Record<string, unknown> {
  const dense = { query: Array.from(vector), using: names.dense, limit: k };
  const prefetch =
    sparse.indices.length === 0
      ? [dense]
      : [{ query: { indices: sparse.indices, values: sparse.values }, using: names.sparse, limit: k }, dense];
  const fusion = alpha === 0.5 || prefetch.length === 1 ? { fusion: "rrf" } : { rrf: { weights: [1 - alpha, alpha] } };
  return { prefetch, query: fusion, limit: k, with_payload: hitPayload(target) };
}

/** One page of a scroll in point-id order. */
export function scrollBody(limit: number, offset: string | number | undefined, filter?: Record<string, unknown>): Record<string, unknown> {
  return {
    limit,
    with_payload: true,
    with_vector: false,
    ...(offset === undefined ? {} : { offset }),
    ...(filter === undefined ? {} : { filter }),
  };
}

/** Upsert points: deterministic ids, the record id kept in the payload, named vectors when given. */
export function pointsOf(records: readonly StoredRecord[], vectors?: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return records.map((record, position) => ({
    id: pointIdOf(record.id),
    payload: { ...record.properties, [RECORD_ID_KEY]: record.id },
    vector: vectors?.[position] ?? {},
  }));
}

/**
 * A new collection: documents get the sparse BM25 vector with the `idf` modifier and, with an
 * embedder, a cosine dense vector; other kinds hold payload only. The spec goes in `metadata`.
 */
export function collectionBody(spec: CollectionSpec, names: VectorNames, dimensions: number | undefined): Record<string, unknown> {
  const documents = spec.kind === "documents";
  return {
    vectors: documents && dimensions !== undefined ? { [names.dense]: { size: dimensions, distance: "Cosine" } } : {},
    ...(documents ? { sparse_vectors: { [names.sparse]: { modifier: "idf" } } } : {}),
    metadata: { hardneg: spec },
  };
}
