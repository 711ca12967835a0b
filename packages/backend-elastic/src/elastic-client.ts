import { Client } from "@elastic/elasticsearch";

/**
 * The subset of `@elastic/elasticsearch`'s `Client` this adapter calls, typed structurally
 * (the way Kysely types "the part of pg's Pool it needs"): the adapter accepts any object with
 * these methods, so tests can inject one and the adapter never pins the client's full types.
 * Request and response bodies are the documented Elasticsearch REST shapes.
 */
export interface ElasticClient {
  search(params: Record<string, unknown>): Promise<ElasticSearchResponse>;
  msearch(params: {
    searches: Record<string, unknown>[];
  }): Promise<{ responses: Array<ElasticSearchResponse & { error?: ElasticErrorBody; status?: number }> }>;
  mget(params: {
    index: string;
    ids: string[];
  }): Promise<{ docs: Array<{ _id: string; found?: boolean; _source?: Record<string, unknown>; error?: { type?: string } }> }>;
  bulk(params: { operations: Record<string, unknown>[]; refresh?: false | "wait_for" }): Promise<ElasticBulkResponse>;
  count(params: { index: string }): Promise<{ count: number }>;
  openPointInTime(params: { index: string; keep_alive: string }): Promise<{ id: string }>;
  closePointInTime(params: { id: string }): Promise<unknown>;
  indices: {
    create(params: { index: string; mappings: Record<string, unknown>; settings?: Record<string, unknown> }): Promise<unknown>;
    analyze(params: { analyzer: string; text: string }): Promise<unknown>;
    refresh(params: { index: string }): Promise<unknown>;
    putMapping(params: { index: string; _meta?: Record<string, unknown>; properties?: Record<string, unknown> }): Promise<unknown>;
    delete(params: { index: string }): Promise<unknown>;
    exists(params: { index: string }): Promise<boolean>;
    getMapping(params: {
      index: string;
      expand_wildcards?: "open";
      filter_path?: string;
    }): Promise<Record<string, { mappings?: { _meta?: Record<string, unknown> } }>>;
  };
  close?(): Promise<void>;
}

/** A search response: `hits.hits` with `_id`, `_score`, `_source`, `sort` (documented REST shape). */
export interface ElasticSearchResponse {
  hits: { hits: ElasticHit[]; total?: { value: number } | number };
  pit_id?: string;
}

export interface ElasticHit {
  _id: string;
  _score?: number | null;
  _source?: Record<string, unknown>;
  sort?: unknown[];
}

/** The `error` object of an Elasticsearch error response. */
export interface ElasticErrorBody {
  type?: string;
  reason?: string;
}

/** A bulk response: `errors` is true when any item failed; each item carries its own status. */
export interface ElasticBulkResponse {
  errors: boolean;
  items: Array<Record<string, { _id?: string; status: number; error?: ElasticErrorBody }>>;
}

/** Options of {@link createElasticClient}. */
export interface ElasticConnectionOptions {
  /** Per-request timeout. Default 30 000 ms. */
  requestTimeoutMs?: number;
  /** Environment to read credentials from. Default `process.env`. */
  environment?: Record<string, string | undefined>;
}

/**
 * A real client for `url`, with credentials from the environment only: `ELASTICSEARCH_API_KEY`,
 * else `ELASTICSEARCH_USERNAME` + `ELASTICSEARCH_PASSWORD`, else none. The client's own retries
 * are turned off because the adapter retries with backoff and jitter itself.
 */
export function createElasticClient(url: string, options: ElasticConnectionOptions = {}): ElasticClient {
  const environment = options.environment ?? process.env;
  const apiKey = environment.ELASTICSEARCH_API_KEY;
  const username = environment.ELASTICSEARCH_USERNAME;
  const password = environment.ELASTICSEARCH_PASSWORD;
  const auth = apiKey ? { apiKey } : username && password ? { username, password } : undefined;
  const client = new Client({
    node: url,
    ...(auth === undefined ? {} : { auth }),
    maxRetries: 0,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
  });
  // The real client's overloaded, generic signatures are wider than this structural subset;
  // the local-HTTP-server tests run the adapter through a real Client to keep the two honest.
  return client as unknown as ElasticClient;
}
