/**
 * Elasticsearch response bodies. Most were recorded from Elasticsearch 8.19.21 (the one
 * scripts/engines.sh starts), answering the requests this adapter sends (its own bodies, sent
 * through a logging proxy), trimmed only where said; those are marked "recorded". The others
 * cannot be provoked on a single unsecured node (429 rejections, 401 / 403, 503, a licence
 * refusal) and follow the Elasticsearch 8.19 REST API reference, in the recorded answers' layout.
 *
 * Each is checked against @elastic/elasticsearch's own response types (`estypes`) with
 * `satisfies`, so a search answer without `took`, `timed_out`, `_shards` or a hit's `_index`
 * does not compile (when the fixtures are type-checked) while tests keep the literal types.
 */
import type { estypes } from "@elastic/elasticsearch";

type Source = Record<string, unknown>;

/** Shards of a one-shard index, as every recorded search reports them. */
const oneShard = { total: 1, successful: 1, skipped: 0, failed: 0 };

/** One search of an `_msearch` answer: the search response with its `status`. Took and scores as given. */
export function searchItem(index: string, hits: Array<[id: string, score: number, source?: Source]>, took = 1) {
  return {
    took,
    timed_out: false,
    _shards: oneShard,
    hits: {
      max_score: hits.length === 0 ? null : Math.max(...hits.map(([, score]) => score)),
      hits: hits.map(([id, score, source]) => ({ _index: index, _id: id, _score: score, _source: source ?? { doc_id: id } })),
    },
    status: 200,
  } satisfies estypes.MsearchMultiSearchItem<Source>;
}

/** An `_msearch` answer holding `responses`, in request order. */
export function msearchOf<Item extends estypes.MsearchResponseItem<Source>>(...responses: Item[]) {
  return { took: 2, responses } satisfies estypes.MsearchResponse<Source>;
}

/** Recorded: bm25 search of "espresso" over d2, d5 and d9 (`_source: ["doc_id"]`), an item of the `_msearch` below. */
export const espressoItem = {
  took: 251,
  timed_out: false,
  _shards: oneShard,
  hits: {
    max_score: 0.6430173,
    hits: [
      { _index: "coffee", _id: "d2", _score: 0.6430173, _source: { doc_id: "d2" } },
      { _index: "coffee", _id: "d9", _score: 0.42081726, _source: { doc_id: "d9" } },
    ],
  },
  status: 200,
} satisfies estypes.MsearchMultiSearchItem<Source>;

/** Recorded: bm25 `_msearch` of "espresso" and "tea" (no hits). */
export const msearchTwoQueries = {
  took: 260,
  responses: [espressoItem, { took: 133, timed_out: false, _shards: oneShard, hits: { max_score: null, hits: [] }, status: 200 }],
} satisfies estypes.MsearchResponse<Source>;

/** Recorded: the kNN search of relative-score hybrid (query vector [8, 1]); scores are (1 + cosine) / 2. */
export const knnItem = {
  took: 13,
  timed_out: false,
  _shards: oneShard,
  hits: {
    max_score: 0.99936473,
    hits: [
      { _index: "coffee", _id: "d5", _score: 0.99936473, _source: { doc_id: "d5" } },
      { _index: "coffee", _id: "d2", _score: 0.99848455, _source: { doc_id: "d2" } },
      { _index: "coffee", _id: "d9", _score: 0.9981881, _source: { doc_id: "d9" } },
    ],
  },
  status: 200,
} satisfies estypes.MsearchMultiSearchItem<Source>;

/** Multi search API: a sub-search that failed is an `{ error, status }` item in `responses` (documented). */
export const msearchOneRejected = {
  took: 1,
  responses: [{ error: { root_cause: [], type: "es_rejected_execution_exception", reason: "rejected execution of search" }, status: 429 }],
} satisfies estypes.MsearchResponse<Source>;

/**
 * Recorded: the `rrf` retriever on this distribution (no rank-rrf module), answered for the
 * whole `_msearch` with HTTP 400, not as an item.
 */
export const rrfRetrieverUnknown = {
  error: {
    root_cause: [{ type: "parsing_exception", reason: "unknown retriever [rrf]", line: 1, col: 30 }],
    type: "parsing_exception",
    reason: "unknown retriever [rrf]",
    line: 1,
    col: 30,
    caused_by: { type: "named_object_not_found_exception", reason: "[1:30] unknown field [rrf]" },
  },
  status: 400,
} satisfies estypes.ErrorResponseBase;

/** Recorded: the `terms` search of getDocuments (d2, d5, d404): full `_source`, the vector included. */
export const msearchDocumentsById = {
  took: 56,
  responses: [
    {
      took: 56,
      timed_out: false,
      _shards: oneShard,
      hits: {
        max_score: 1.0,
        hits: [
          {
            _index: "coffee",
            _id: "d2",
            _score: 1.0,
            _source: {
              doc_id: "d2",
              text: "Espresso is brewed under pressure.",
              title: "Espresso",
              lang: "en",
              hardneg_vector: [43, 2],
            },
          },
          {
            _index: "coffee",
            _id: "d5",
            _score: 1.0,
            _source: { doc_id: "d5", text: "Cold brew steeps for hours.", hardneg_vector: [27, 2] },
          },
        ],
      },
      status: 200,
    },
  ],
} satisfies estypes.MsearchResponse<Source>;

/** Recorded: open point in time (`POST /runs/_pit?keep_alive=2m`): `{ id, _shards }`. */
export const pointInTimeOpened = {
  id:
    "iM-bBAEEcnVucxZCX3RkQy1EbFQzMkRXOGNYMmhUOTB3AAEWT3hueGg0R29UY3VPN0ZGcHdsRWJjdwABAAAAAAAAAAkWTFhnWHNxNnpUeU9yWUMwN1lSWjgtdwAB" +
    "FkJfdGRDLURsVDMyRFc4Y1gyaFQ5MHcAAA==",
  _shards: oneShard,
} satisfies estypes.OpenPointInTimeResponse;

/**
 * A search with `pit` and `sort: [{ _shard_doc: "asc" }]`, in the recorded pages' shape: hits carry
 * `sort` (the shard doc, 0, 1, 2...) for `search_after`, and the answer its `pit_id`.
 */
export function pointInTimePage(ids: string[], firstSort: number, pitId = pointInTimeOpened.id) {
  return {
    pit_id: pitId,
    took: 8,
    timed_out: false,
    _shards: oneShard,
    hits: {
      max_score: null,
      hits: ids.map((id, offset) => ({
        _index: "runs",
        _id: id,
        _score: null,
        _source: { type: "run", n: firstSort + offset + 1 },
        sort: [firstSort + offset],
      })),
    },
  } satisfies estypes.SearchResponse<Source>;
}

/** Recorded: close point in time. */
export const pointInTimeClosed = { succeeded: true, num_freed: 1 } satisfies estypes.ClosePointInTimeResponse;

/** Recorded: `_refresh` of a one-shard index with one (unassigned) replica. */
export const refreshed = { _shards: { total: 2, successful: 1, failed: 0 } } satisfies estypes.IndicesRefreshResponse;

/** Recorded: `PUT /<index>` with mappings and settings. */
export function indexCreated(index: string) {
  return { acknowledged: true, shards_acknowledged: true, index } satisfies estypes.IndicesCreateResponse;
}

/** Recorded: `PUT /fresh` when another writer created it first. */
export const indexAlreadyExists = {
  error: {
    root_cause: [
      {
        type: "resource_already_exists_exception",
        reason: "index [fresh/Xs9E9U9fTA6hjzhBlD0hnQ] already exists",
        index_uuid: "Xs9E9U9fTA6hjzhBlD0hnQ",
        index: "fresh",
      },
    ],
    type: "resource_already_exists_exception",
    reason: "index [fresh/Xs9E9U9fTA6hjzhBlD0hnQ] already exists",
    index_uuid: "Xs9E9U9fTA6hjzhBlD0hnQ",
    index: "fresh",
  },
  status: 400,
} satisfies estypes.ErrorResponseBase;

/** Recorded: the mapping of a records index (no properties: the object is absent, not empty). */
export const freshRecordsMapping = {
  fresh: { mappings: { dynamic: "false", _meta: { hardneg: { kind: "records", name: "fresh" } } } },
} satisfies estypes.IndicesGetMappingResponse;

/** Recorded: `PUT /<index>/_mapping`. */
export const acknowledged = { acknowledged: true } satisfies estypes.IndicesPutMappingResponse;

/** A created item of a bulk answer, as recorded. */
function created(id: string, seqNo: number) {
  return {
    index: {
      _index: "coffee",
      _id: id,
      _version: 1,
      result: "created",
      _shards: { total: 2, successful: 1, failed: 0 },
      _seq_no: seqNo,
      _primary_term: 1,
      status: 201,
    },
  };
}

/**
 * Bulk API: `errors: true` and one item per action with its own `status` and `error`. The 429
 * rejection cannot be provoked on an idle node: that item follows the documented error shape.
 */
export const bulkPartialFailure = {
  errors: true,
  took: 30,
  items: [
    created("d1", 0),
    {
      index: {
        _index: "coffee",
        _id: "d2",
        status: 429,
        error: { type: "es_rejected_execution_exception", reason: "rejected execution of coordinating operation" },
      },
    },
    created("d3", 1),
  ],
} satisfies estypes.BulkResponse;

/** Recorded: a document whose vector has more dimensions than the mapping is refused with 400 (trimmed to that item). */
export const bulkMappingFailure = {
  errors: true,
  took: 202,
  items: [
    {
      index: {
        _index: "coffee",
        _id: "d1",
        status: 400,
        error: {
          type: "document_parsing_exception",
          reason:
            "[1:49] failed to parse: The [dense_vector] field [hardneg_vector] in doc [document with id 'd1'] " +
            "has more dimensions than defined in the mapping [2]",
          caused_by: {
            type: "illegal_argument_exception",
            reason:
              "The [dense_vector] field [hardneg_vector] in doc [document with id 'd1'] " +
              "has more dimensions than defined in the mapping [2]",
          },
        },
      },
    },
  ],
} satisfies estypes.BulkResponse;

/** Bulk API: every item created, as recorded. */
export function bulkAllCreated(ids: string[]) {
  return { errors: false, took: 5, items: ids.map((id, position) => created(id, position)) } satisfies estypes.BulkResponse;
}

/** Recorded: `_mget` on a missing index answers 200 with the error on each document. */
export const mgetIndexMissing = {
  docs: [
    {
      _index: "gone",
      _id: "a",
      error: {
        root_cause: [
          {
            type: "index_not_found_exception",
            reason: "no such index [gone]",
            "resource.type": "index_or_alias",
            "resource.id": "gone",
            index_uuid: "_na_",
            index: "gone",
          },
        ],
        type: "index_not_found_exception",
        reason: "no such index [gone]",
        "resource.type": "index_or_alias",
        "resource.id": "gone",
        index_uuid: "_na_",
        index: "gone",
      },
    },
  ],
} satisfies estypes.MgetResponse<Source>;

/** Recorded: `_mget` of r1 (found) and r404 (not). */
export const mgetOneMissing = {
  docs: [
    { _index: "runs", _id: "r1", _version: 1, _seq_no: 0, _primary_term: 1, found: true, _source: { type: "run", n: 1 } },
    { _index: "runs", _id: "r404", found: false },
  ],
} satisfies estypes.MgetResponse<Source>;

/** Recorded: count API. */
export const countThree = { count: 3, _shards: oneShard } satisfies estypes.CountResponse;

/** Get mapping API (recorded layout: `dynamic` comes back as the string "false"). */
export const mappingWithSpec = {
  coffee: {
    mappings: {
      dynamic: "false",
      _meta: { hardneg: { name: "coffee", kind: "documents", target: { idKey: "doc_id", contentKey: "text" } } },
      properties: { doc_id: { type: "keyword" }, text: { type: "text", analyzer: "hardneg_english_unstemmed" } },
    },
  },
} satisfies estypes.IndicesGetMappingResponse;

/**
 * Get mapping API over every open index with `filter_path=*.mappings._meta` (documented: the
 * filter keeps only indices with a `_meta`): two of hardneg's, and one of the user's with a
 * `_meta` of its own.
 */
export const allMappingsMeta = {
  coffee: { mappings: { _meta: mappingWithSpec.coffee.mappings._meta } },
  hardneg_runs: { mappings: { _meta: { hardneg: { name: "hardneg_runs", kind: "records" } } } },
  logs: { mappings: { _meta: { owner: "platform team" } } },
} satisfies estypes.IndicesGetMappingResponse;

/** The same index once it holds document vectors: the source recorded in `_meta`, the vector field mapped (recorded layout). */
export function mappingWithVectors(embedderId: string, dimension: number) {
  return {
    coffee: {
      mappings: {
        dynamic: "false",
        _meta: {
          hardneg: {
            name: "coffee",
            kind: "documents",
            target: { idKey: "doc_id", contentKey: "text" },
            vectors: { embedderId, dimension },
          },
        },
        properties: {
          doc_id: { type: "keyword" },
          hardneg_vector: {
            type: "dense_vector",
            dims: dimension,
            index: true,
            similarity: "cosine",
            index_options: { type: "hnsw", m: 16, ef_construction: 100 },
          },
          text: { type: "text", analyzer: "hardneg_english_unstemmed" },
        },
      },
    },
  } satisfies estypes.IndicesGetMappingResponse;
}

/** Recorded: an error response (`GET /missing/_mapping`, `_count`, `DELETE`): `{ error: { root_cause, type, reason }, status }`. */
export const indexNotFound = {
  error: {
    root_cause: [
      {
        type: "index_not_found_exception",
        reason: "no such index [missing]",
        "resource.type": "index_or_alias",
        "resource.id": "missing",
        index_uuid: "_na_",
        index: "missing",
      },
    ],
    type: "index_not_found_exception",
    reason: "no such index [missing]",
    "resource.type": "index_or_alias",
    "resource.id": "missing",
    index_uuid: "_na_",
    index: "missing",
  },
  status: 404,
} satisfies estypes.ErrorResponseBase;

/** Recorded: `_msearch` on a missing index: 200, the error as the item. */
export const msearchIndexMissing = msearchOf({ error: indexNotFound.error, status: 404 });

/** Security (documented): missing or wrong credentials give 401 with a `security_exception`. */
export const unauthenticated = {
  error: {
    root_cause: [
      {
        type: "security_exception",
        reason: "unable to authenticate with provided credentials and anonymous access is not allowed for this request",
      },
    ],
    type: "security_exception",
    reason: "unable to authenticate with provided credentials and anonymous access is not allowed for this request",
  },
  status: 401,
} satisfies estypes.ErrorResponseBase;

/** Security (documented): valid credentials without the privilege give 403. */
export const forbidden = {
  error: {
    root_cause: [],
    type: "security_exception",
    reason: "action [indices:data/read/search] is unauthorized for API key id [abc] of user [miner]",
  },
  status: 403,
} satisfies estypes.ErrorResponseBase;

/** Documented: a node that is overloaded or has no master answers 503. */
export const unavailable = {
  error: { root_cause: [], type: "cluster_block_exception", reason: "blocked by: [SERVICE_UNAVAILABLE/2/no master];" },
  status: 503,
} satisfies estypes.ErrorResponseBase;
