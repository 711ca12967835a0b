/**
 * Qdrant response bodies written from the documented wire format: the REST API reference
 * (api.qdrant.tech, the OpenAPI schema shipped with @qdrant/js-client-rest 1.17), where every
 * answer is `{ result, status: "ok", time }` and every error `{ status: { error }, time }`.
 * Each constant names its endpoint; results are checked against the client's OpenAPI types
 * (`Schemas[...]`) with `satisfies`. No Qdrant server was available to record from: ids,
 * scores and texts are invented.
 */
import type { Schemas } from "@qdrant/js-client-rest";
import { pointIdOf } from "../qdrant-requests.js";

/** The envelope of every answer. */
const ok = <T>(result: T) => ({ result, status: "ok" as const, time: 0.0021 });

/** POST /collections/{name}/points/query/batch: one `{ points: ScoredPoint[] }` per search. */
export const queryBatchTwoSearches = ok([
  {
    points: [
      { id: pointIdOf("d2"), version: 3, score: 11.5, payload: { doc_id: "d2", hardneg_id: "d2" } },
      { id: pointIdOf("d7"), version: 3, score: 4.25, payload: { doc_id: "d7", hardneg_id: "d7" } },
    ],
  },
  { points: [{ id: pointIdOf("d1"), version: 1, score: 0.87, payload: { doc_id: "d1", hardneg_id: "d1" } }] },
] satisfies Schemas["QueryResponse"][]);

export function queryBatchOf(searches: Array<Array<[string, number]>>) {
  return ok(
    searches.map((hits) => ({
      points: hits.map(([id, score]) => ({ id: pointIdOf(id), version: 1, score, payload: { doc_id: id, hardneg_id: id } })),
    })) satisfies Schemas["QueryResponse"][],
  );
}

/** POST /collections/{name}/points/scroll with a filter: points with payload, `next_page_offset`. */
export const scrollDocuments = ok({
  points: [
    {
      id: pointIdOf("d2"),
      payload: { doc_id: "d2", text: "Espresso is brewed under pressure.", title: "Espresso", lang: "en", hardneg_id: "d2" },
    },
    { id: pointIdOf("d5"), payload: { doc_id: "d5", text: "Cold brew steeps for hours.", hardneg_id: "d5" } },
  ],
  next_page_offset: null,
} satisfies Schemas["ScrollResult"]);

/** POST /collections/{name}/points/scroll pages: `next_page_offset` is the next point id, null at the end. */
export function scrollPage(ids: string[], nextOffset: string | null) {
  return ok({
    points: ids.map((id) => ({ id: pointIdOf(id), payload: { type: "run", hardneg_id: id } })),
    next_page_offset: nextOffset,
  } satisfies Schemas["ScrollResult"]);
}

/** POST /collections/{name}/points (retrieve): only the points that exist. */
export const retrieveOne = ok([
  { id: pointIdOf("r1"), payload: { type: "run", done: true, hardneg_id: "r1" } },
] satisfies Schemas["Record"][]);

/** PUT /collections/{name}/points?wait=true: `{ operation_id, status: "completed" }`. */
export const upsertCompleted = ok({ operation_id: 42, status: "completed" } satisfies Schemas["UpdateResult"]);

/** POST /collections/{name}/points/count. */
export const countThree = ok({ count: 3 } satisfies Schemas["CountResult"]);

/**
 * GET /collections/{name}: `CollectionInfo` as Qdrant 1.17 answers for a collection this adapter
 * created (`collectionBody`): documents with the named dense vector and the `bm25` sparse vector
 * with the `idf` modifier, records with neither; `config.metadata` holds what was given at
 * creation. Defaults (HNSW, optimizers, WAL, strict mode) are Qdrant's, as documented.
 */
export function collectionInfoOf(
  params: Pick<Schemas["CollectionParams"], "vectors" | "sparse_vectors">,
  metadata: Schemas["Payload"] | null,
  pointsCount = 3,
) {
  return ok({
    status: "green",
    optimizer_status: "ok",
    indexed_vectors_count: 0,
    points_count: pointsCount,
    segments_count: 2,
    config: {
      params: {
        ...params,
        shard_number: 1,
        replication_factor: 1,
        write_consistency_factor: 1,
        on_disk_payload: true,
      },
      hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000, max_indexing_threads: 0, on_disk: false },
      optimizer_config: {
        deleted_threshold: 0.2,
        vacuum_min_vector_number: 1000,
        default_segment_number: 0,
        max_segment_size: null,
        memmap_threshold: null,
        indexing_threshold: 10000,
        flush_interval_sec: 5,
        max_optimization_threads: null,
      },
      wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
      quantization_config: null,
      strict_mode_config: { enabled: false },
      metadata,
    },
    payload_schema: { doc_id: { data_type: "keyword", points: pointsCount } },
  } satisfies Schemas["CollectionInfo"]);
}

/** A documents collection created with an embedder: the `dense` vector sized by it, the embedder recorded in the metadata. */
export function collectionInfoWithVectors(embedderId: string, dimension: number) {
  return collectionInfoOf(
    { vectors: { dense: { size: dimension, distance: "Cosine" } }, sparse_vectors: { bm25: { modifier: "idf" } } },
    { hardneg: { name: "coffee", kind: "documents", target: { idKey: "doc_id", contentKey: "text" }, vectors: { embedderId, dimension } } },
  );
}

/** The documents collection of most tests: created with the tests' embedder (`test:length`, 2 dimensions). */
export const collectionInfo = collectionInfoWithVectors("test:length", 2);

/** A documents collection created without an embedder: the sparse vector only (`vectors: {}`). */
export const collectionInfoWithoutVectors = collectionInfoOf(
  { vectors: {}, sparse_vectors: { bm25: { modifier: "idf" } } },
  { hardneg: { name: "coffee", kind: "documents", target: { idKey: "doc_id", contentKey: "text" } } },
);

/** A payload-only collection (records, queries, hard negatives) with `metadata` (null when created by someone else). */
export function payloadCollectionInfo(metadata: Schemas["Payload"] | null) {
  return collectionInfoOf({ vectors: {} }, metadata);
}

/**
 * GET /collections: names only (`CollectionsResponse`). Here hardneg's documents and runs
 * collections, one of the user's (metadata null), one deleted before it is read, and one whose
 * name hardneg could not address.
 */
export const collectionsList = ok({
  collections: [{ name: "coffee" }, { name: "hardneg_runs" }, { name: "user_vectors" }, { name: "gone" }, { name: "has space" }],
} satisfies Schemas["CollectionsResponse"]);

/** PUT /collections/{name}: `result: true`. PUT /collections/{name}/index: an update result. */
export const created = ok(true);
export const indexCreated = ok({ operation_id: 1, status: "completed" } satisfies Schemas["UpdateResult"]);

/** 404 for a missing collection. */
export const collectionMissing = {
  status: { error: "Not found: Collection `missing` doesn't exist!" },
  time: 0.00001,
} satisfies Schemas["ErrorResponse"];

/** 400 for a malformed request, e.g. a vector of the wrong size. */
export const wrongDimension = {
  status: { error: "Wrong input: Vector dimension error: expected dim: 384, got 2" },
  time: 0.0001,
} satisfies Schemas["ErrorResponse"];

/** 503 while the service is unavailable. */
export const unavailable = { status: { error: "Service internal error: service unavailable" }, time: 0 } satisfies Schemas["ErrorResponse"];
