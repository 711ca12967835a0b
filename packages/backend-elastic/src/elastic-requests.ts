/**
 * Request bodies, built as pure functions so the mapping tests can check them against the
 * documented REST shapes (Search API `query` / `knn` / `retriever`, Bulk API, point in time).
 */
import type { CollectionSpec, DocumentTarget, StoredRecord } from "@hardneg/core/adapter";

/** Elasticsearch's largest `num_candidates` for kNN search. */
const MAX_NUM_CANDIDATES = 10_000;
/** Reciprocal rank fusion's constant: the value Elasticsearch, Weaviate and Qdrant default to. */
export const RRF_RANK_CONSTANT = 60;

/**
 * The BM25 query: `multi_match` over the content and, when the target has one, the title. The
 * best field's score plus half the other's (`tie_breaker` 0.5), as BEIR's Elasticsearch
 * baseline queries title and text.
 */
export function keywordQuery(target: DocumentTarget, text: string): Record<string, unknown> {
  const fields = target.titleKey === undefined ? [target.contentKey] : [target.contentKey, target.titleKey];
  return { multi_match: { query: text, fields, type: "best_fields", tie_breaker: 0.5 } };
}

/** The analyzer used when the cluster has no `english` analyzer: what its core offers, stemming aside. */
export const FALLBACK_ANALYZER = "hardneg_english_unstemmed";

/**
 * Index settings defining {@link FALLBACK_ANALYZER}: the standard tokenizer, lowercase and
 * English stop words, all built into Elasticsearch's server (stemmers live in the
 * analysis-common module, which some distributions lack).
 */
export function fallbackAnalysisSettings(): Record<string, unknown> {
  return {
    analysis: {
      filter: { hardneg_english_stop: { type: "stop", stopwords: "_english_" } },
      analyzer: { [FALLBACK_ANALYZER]: { type: "custom", tokenizer: "standard", filter: ["lowercase", "hardneg_english_stop"] } },
    },
  };
}

/** The `knn` section: `num_candidates` is twice `k` (at least 100, at most 10 000; `k` itself is at most 10 000) for recall. */
export function knnSection(
  vectorField: string,
  vector: ArrayLike<number>,
  k: number,
  filter?: Record<string, unknown>,
): Record<string, unknown> {
  const section: Record<string, unknown> = {
    field: vectorField,
    query_vector: Array.from(vector),
    k,
    num_candidates: Math.min(MAX_NUM_CANDIDATES, Math.max(100, 2 * k)),
  };
  if (filter !== undefined) section.filter = filter;
  return section;
}

/** Only the id property comes back with hits: the miner needs ids and scores, not texts. */
function idSource(target: DocumentTarget): Record<string, unknown> {
  return { _source: [target.idKey] };
}

export function bm25SearchBody(target: DocumentTarget, text: string, k: number): Record<string, unknown> {
  return { size: k, query: keywordQuery(target, text), track_total_hits: false, ...idSource(target) };
}

export function vectorSearchBody(
  target: DocumentTarget,
  vectorField: string,
  vector: ArrayLike<number>,
  k: number,
): Record<string, unknown> {
  return { size: k, knn: knnSection(vectorField, vector, k), track_total_hits: false, ...idSource(target) };
}

/** Hybrid through the `rrf` retriever (Elasticsearch 8.14+): BM25 and kNN fused on the server. */
export function rrfSearchBody(
  target: DocumentTarget,
  vectorField: string,
  text: string,
  vector: ArrayLike<number>,
  k: number,
): Record<string, unknown> {
  return {
    size: k,
    retriever: {
      rrf: {
        retrievers: [{ standard: { query: keywordQuery(target, text) } }, { knn: knnSection(vectorField, vector, k) }],
        rank_window_size: k,
        rank_constant: RRF_RANK_CONSTANT,
      },
    },
    track_total_hits: false,
    ...idSource(target),
  };
}

/** Documents whose id property is one of `ids` (a `terms` query on the keyword id field). */
export function documentsByIdBody(target: DocumentTarget, ids: readonly string[]): Record<string, unknown> {
  return { size: ids.length, query: { terms: { [target.idKey]: [...ids] } }, track_total_hits: false };
}

/**
 * BM25 scores of given documents: the match is a `should` clause next to a `terms` filter, so
 * every listed document comes back, with score 0 when no query term matches (as backend-local).
 */
export function bm25ScoreBody(target: DocumentTarget, text: string, ids: readonly string[]): Record<string, unknown> {
  return {
    size: ids.length,
    query: { bool: { should: [keywordQuery(target, text)], filter: [{ terms: { [target.idKey]: [...ids] } }] } },
    track_total_hits: false,
    ...idSource(target),
  };
}

/** Vector scores of given documents: kNN restricted by a `terms` filter to exactly those ids. */
export function vectorScoreBody(
  target: DocumentTarget,
  vectorField: string,
  vector: ArrayLike<number>,
  ids: readonly string[],
): Record<string, unknown> {
  return {
    size: ids.length,
    knn: knnSection(vectorField, vector, ids.length, { terms: { [target.idKey]: [...ids] } }),
    track_total_hits: false,
    ...idSource(target),
  };
}

/** One page of a point-in-time scan, in `_shard_doc` order (the cheapest stable order). */
export function pageBody(pitId: string, size: number, searchAfter: unknown[] | undefined, keepAlive: string): Record<string, unknown> {
  return {
    size,
    pit: { id: pitId, keep_alive: keepAlive },
    sort: [{ _shard_doc: "asc" }],
    track_total_hits: false,
    ...(searchAfter === undefined ? {} : { search_after: searchAfter }),
  };
}

/** Bulk `index` actions (create or replace by `_id`, hence idempotent), with vectors when given. */
export function bulkOperations(
  index: string,
  records: readonly StoredRecord[],
  vectorField: string,
  vectors?: readonly ArrayLike<number>[],
): Record<string, unknown>[] {
  const operations: Record<string, unknown>[] = [];
  records.forEach((record, position) => {
    operations.push({ index: { _index: index, _id: record.id } });
    const vector = vectors?.[position];
    operations.push(vector === undefined ? { ...record.properties } : { ...record.properties, [vectorField]: Array.from(vector) });
  });
  return operations;
}

/**
 * The document vector field: cosine similarity on a float HNSW index. Since 8.14 the default is
 * int8-quantised, whose scores were off by up to 0.056 and whose top 10 shared 94% with exact
 * cosine on SciFact, blurring near-tie hard negatives.
 */
export function denseVectorMapping(dimensions: number): Record<string, unknown> {
  return { type: "dense_vector", dims: dimensions, index: true, similarity: "cosine", index_options: { type: "hnsw" } };
}

/** Options of {@link indexMappings}. */
export interface MappingOptions {
  vectorField: string;
  /** Dimension of the document vectors; no vector field is mapped when undefined. */
  dimensions?: number;
  /** Analyzer of the searched content and title fields. Default: the index default ("standard"). */
  analyzer?: string;
}

/**
 * The mappings of a new index. `dynamic: false` keeps every property in `_source` but indexes
 * only the mapped ones, so records with differently typed extra properties never fail to index.
 * The spec is kept in `_meta.hardneg` for `describeCollection`.
 */
export function indexMappings(spec: CollectionSpec, options: MappingOptions): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const keyword = { type: "keyword" };
  const text = { type: "text" };
  if (spec.kind === "documents" && spec.target !== undefined) {
    properties[spec.target.idKey] = keyword;
    const searched = options.analyzer === undefined ? text : { type: "text", analyzer: options.analyzer };
    properties[spec.target.contentKey] = searched;
    if (spec.target.titleKey !== undefined) properties[spec.target.titleKey] = searched;
    if (options.dimensions !== undefined) properties[options.vectorField] = denseVectorMapping(options.dimensions);
  } else if (spec.kind === "queries" && spec.queryKeys !== undefined) {
    properties[spec.queryKeys.idKey] = keyword;
    properties[spec.queryKeys.queryContentKey] = text;
    properties[spec.queryKeys.goldIdsKey] = keyword;
  } else if (spec.kind === "hard-negatives" && spec.hardNegativeKeys !== undefined) {
    // The original tool's schema: the query searchable as text, ids exact; the documents' texts
    // are copies of corpus documents (searchable there), so they are stored but not indexed.
    const keys = spec.hardNegativeKeys;
    const stored = { type: "text", index: false };
    Object.assign(properties, {
      [keys.queryContentKey]: text,
      [keys.goldIdsKey]: keyword,
      [keys.goldDocumentsKey]: stored,
      [keys.hardNegativeDocumentKey]: stored,
      [keys.hardNegativeIdKey]: keyword,
      query_id: keyword,
      rank: { type: "integer" },
      score: { type: "double" },
      gold_rank: { type: "integer" },
      gold_score: { type: "double" },
      run_id: keyword,
      strategy: keyword,
      padded: { type: "boolean" },
    });
  }
  return { dynamic: false, _meta: { hardneg: spec }, properties };
}
