import { QdrantClient } from "@qdrant/js-client-rest";

/** A point as the Query, Scroll and Retrieve APIs return it. */
export interface QdrantPoint {
  id: string | number;
  score?: number;
  payload?: Record<string, unknown> | null;
}

/**
 * The subset of `@qdrant/js-client-rest` this adapter calls, typed structurally (the way Kysely
 * types the part of a driver it needs), so tests can inject one and the adapter does not pin
 * the client's full types. Bodies follow Qdrant's REST API (OpenAPI schema of Qdrant 1.17).
 */
export interface QdrantClientLike {
  queryBatch(collection: string, body: { searches: Record<string, unknown>[] }): Promise<Array<{ points: QdrantPoint[] }>>;
  scroll(collection: string, body: Record<string, unknown>): Promise<{ points: QdrantPoint[]; next_page_offset?: string | number | null }>;
  retrieve(collection: string, body: { ids: string[]; with_payload: boolean; with_vector: boolean }): Promise<QdrantPoint[]>;
  upsert(collection: string, body: { wait: boolean; points: Record<string, unknown>[] }): Promise<{ status?: string }>;
  count(collection: string, body: { exact: boolean }): Promise<{ count: number }>;
  getCollection(collection: string): Promise<{ config?: { metadata?: Record<string, unknown> | null } }>;
  /** Every collection's name (`CollectionsResponse`). */
  getCollections(): Promise<{ collections: Array<{ name: string }> }>;
  /** Creates a collection; the body may carry `metadata` (Qdrant 1.16+). */
  createCollection(collection: string, body: Record<string, unknown>): Promise<unknown>;
  createPayloadIndex(collection: string, body: { field_name: string; field_schema: string; wait: boolean }): Promise<unknown>;
  deleteCollection(collection: string): Promise<unknown>;
}

/** Options of {@link createQdrantClient}. */
export interface QdrantConnectionOptions {
  /** Per-request timeout. Default 30 000 ms. */
  requestTimeoutMs?: number;
  /** Environment to read `QDRANT_API_KEY` from. Default `process.env`. */
  environment?: Record<string, string | undefined>;
}

/**
 * A real client for `url` with the API key from `QDRANT_API_KEY` (environment only). The
 * version check at start-up is off: it costs a request and only prints a warning.
 */
export function createQdrantClient(url: string, options: QdrantConnectionOptions = {}): QdrantClientLike {
  const apiKey = (options.environment ?? process.env).QDRANT_API_KEY;
  const client = new QdrantClient({
    url,
    ...(apiKey ? { apiKey } : {}),
    timeout: options.requestTimeoutMs ?? 30_000,
    checkCompatibility: false,
  });
  // The typed methods are wider than this subset; the local-HTTP-server tests run the adapter
  // through this real client to keep the two honest.
  const typed = client as unknown as QdrantClientLike;
  return {
    queryBatch: (collection, body) => typed.queryBatch(collection, body),
    scroll: (collection, body) => typed.scroll(collection, body),
    retrieve: (collection, body) => typed.retrieve(collection, body),
    upsert: (collection, body) => typed.upsert(collection, body),
    count: (collection, body) => typed.count(collection, body),
    getCollection: (collection) => typed.getCollection(collection),
    getCollections: () => typed.getCollections(),
    // The client's createCollection drops `metadata`; the generated API passes the body through.
    createCollection: async (collection, body) => {
      const api = client.api() as unknown as {
        createCollection(parameters: Record<string, unknown>): Promise<{ data: { result?: unknown } }>;
      };
      return (await api.createCollection({ collection_name: collection, ...body })).data.result;
    },
    createPayloadIndex: (collection, body) => typed.createPayloadIndex(collection, body),
    deleteCollection: (collection) => typed.deleteCollection(collection),
  };
}
