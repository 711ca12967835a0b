/**
 * Elasticsearch response bodies written from the documented wire format (Elasticsearch 8.x REST
 * API reference, elastic.co/guide/en/elasticsearch/reference/8.19). Each constant names the page
 * whose "Response body" / example it follows. Values (ids, scores, texts) are invented.
 */

/** Multi search API (`POST /_msearch`): `responses[]`, each a search response with `status`. */
export const msearchTwoQueries = {
  took: 4,
  responses: [
    {
      took: 3,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: {
        max_score: 7.25,
        hits: [
          { _index: "coffee", _id: "d2", _score: 7.25, _source: { doc_id: "d2" } },
          { _index: "coffee", _id: "d9", _score: 3.5, _source: { doc_id: "d9" } },
        ],
      },
      status: 200,
    },
    {
      took: 1,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: { max_score: null, hits: [] },
      status: 200,
    },
  ],
};

/** Multi search API: a sub-search that failed is an `{ error, status }` item in `responses`. */
export const msearchOneRejected = {
  took: 1,
  responses: [{ error: { root_cause: [], type: "es_rejected_execution_exception", reason: "rejected execution of search" }, status: 429 }],
};

/** Search API with a `terms` query: full `_source` of each matching document. */
export const msearchDocumentsById = {
  took: 2,
  responses: [
    {
      took: 2,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: {
        max_score: 1,
        hits: [
          {
            _index: "coffee",
            _id: "d2",
            _score: 1,
            _source: {
              doc_id: "d2",
              text: "Espresso is brewed under pressure.",
              title: "Espresso",
              lang: "en",
              hardneg_vector: [0.1, 0.2],
            },
          },
          { _index: "coffee", _id: "d5", _score: 1, _source: { doc_id: "d5", text: "Cold brew steeps for hours." } },
        ],
      },
      status: 200,
    },
  ],
};

/** Open point in time API (`POST /<index>/_pit?keep_alive=`): `{ id, _shards }`. */
export const pointInTimeOpened = {
  id:
    "46ToAwMDaWR5BXV1aWQyKwZub2RlXzMAAAAAAAAAACoBYwADaWR4BXV1aWQxAgZub2RlXzEAAAAAAAAAAAEBYQ" +
    "ADaWR5BXV1aWQyKgZub2RlXzIAAAAAAAAAAAwBYgACBXV1aWQyAAAFdXVpZDEAAQltYXRjaF9hbGw_gAAAAA==",
  _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
};

/** Search API with `pit` and `sort`: hits carry `sort` values for `search_after`, and `pit_id`. */
export function pointInTimePage(ids: string[], firstSort: number, pitId = pointInTimeOpened.id) {
  return {
    pit_id: pitId,
    took: 1,
    timed_out: false,
    _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
    hits: {
      max_score: null,
      hits: ids.map((id, offset) => ({
        _index: "runs",
        _id: id,
        _score: null,
        _source: { type: "run", n: firstSort + offset },
        sort: [firstSort + offset],
      })),
    },
  };
}

/** Close point in time API: `{ succeeded, num_freed }`. */
export const pointInTimeClosed = { succeeded: true, num_freed: 1 };

/** Bulk API: `errors: true` and one item per action with its own `status` and `error`. */
export const bulkPartialFailure = {
  took: 30,
  errors: true,
  items: [
    {
      index: {
        _index: "coffee",
        _id: "d1",
        _version: 1,
        result: "created",
        _shards: { total: 2, successful: 1, failed: 0 },
        status: 201,
        _seq_no: 0,
        _primary_term: 1,
      },
    },
    {
      index: {
        _index: "coffee",
        _id: "d2",
        status: 429,
        error: { type: "es_rejected_execution_exception", reason: "rejected execution of coordinating operation" },
      },
    },
    { index: { _index: "coffee", _id: "d3", _version: 1, result: "created", status: 201 } },
  ],
};

/** Bulk API: a document whose field cannot be parsed is refused with 400. */
export const bulkMappingFailure = {
  took: 3,
  errors: true,
  items: [
    {
      index: {
        _index: "coffee",
        _id: "d1",
        status: 400,
        error: { type: "document_parsing_exception", reason: "[1:30] failed to parse field [hardneg_vector] of type [dense_vector]" },
      },
    },
  ],
};

/** Bulk API: every item succeeded. */
export function bulkAllCreated(ids: string[]) {
  return {
    took: 5,
    errors: false,
    items: ids.map((id) => ({ index: { _index: "coffee", _id: id, _version: 1, result: "created", status: 201 } })),
  };
}

/** Multi get API (`POST /<index>/_mget`): `docs[]` with `found`. */
/** `_mget` on a missing index (Elasticsearch 8.19): status 200, the error on each document. */
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
};

export const mgetOneMissing = {
  docs: [
    { _index: "runs", _id: "r1", _version: 1, _seq_no: 0, _primary_term: 1, found: true, _source: { type: "run", done: true } },
    { _index: "runs", _id: "r404", found: false },
  ],
};

/** Count API: `{ count, _shards }`. */
export const countThree = { count: 3, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } };

/** Get mapping API: `{ <index>: { mappings: { _meta, dynamic, properties } } }`. */
export const mappingWithSpec = {
  coffee: {
    mappings: {
      dynamic: "false",
      _meta: { hardneg: { name: "coffee", kind: "documents", target: { idKey: "doc_id", contentKey: "text" } } },
      properties: { doc_id: { type: "keyword" }, text: { type: "text" } },
    },
  },
};

/** The same index once it holds document vectors: the source recorded in `_meta`, the vector field mapped. */
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
          text: { type: "text" },
          hardneg_vector: { type: "dense_vector", dims: dimension, index: true, similarity: "cosine" },
        },
      },
    },
  };
}

/** Error responses (the "Common options → error responses" shape): `{ error: { root_cause, type, reason }, status }`. */
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
};

/** Security: missing or wrong credentials give 401 with a `security_exception`. */
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
};

/** Security: valid credentials without the privilege give 403. */
export const forbidden = {
  error: {
    root_cause: [],
    type: "security_exception",
    reason: "action [indices:data/read/search] is unauthorized for API key id [abc] of user [miner]",
  },
  status: 403,
};

/** A node that is overloaded or has no master answers 503. */
export const unavailable = {
  error: { root_cause: [], type: "cluster_block_exception", reason: "blocked by: [SERVICE_UNAVAILABLE/2/no master];" },
  status: 503,
};
