import weaviate from "weaviate-client";

/** An object as weaviate-client v3 returns it from `collection.query.*` (`WeaviateNonGenericObject`). */
export interface WeaviateObjectLike {
  uuid: string;
  properties: Record<string, unknown>;
  metadata?: { score?: number; distance?: number } | undefined;
}

/** `collection.data.insertMany`'s answer (`BatchObjectsReturn`): failures keyed by input position. */
export interface WeaviateBatchResult {
  hasErrors: boolean;
  errors: Record<number, { message: string; code?: number }>;
}

/** A filter value built by the collection's filter builder; opaque to the adapter. */
export type WeaviateFilter = unknown;

/** The part of a v3 `Collection` the adapter uses. */
export interface WeaviateCollectionLike {
  query: {
    bm25(query: string, options: Record<string, unknown>): Promise<{ objects: WeaviateObjectLike[] }>;
    hybrid(query: string, options: Record<string, unknown>): Promise<{ objects: WeaviateObjectLike[] }>;
    nearText(query: string, options: Record<string, unknown>): Promise<{ objects: WeaviateObjectLike[] }>;
    nearVector(vector: number[], options: Record<string, unknown>): Promise<{ objects: WeaviateObjectLike[] }>;
    fetchObjects(options: Record<string, unknown>): Promise<{ objects: WeaviateObjectLike[] }>;
  };
  filter: {
    byProperty(name: string): { containsAny(values: string[]): WeaviateFilter };
    byId(): { containsAny(ids: string[]): WeaviateFilter };
  };
  data: {
    insertMany(objects: Array<{ id: string; properties: Record<string, unknown>; vectors?: number[] }>): Promise<WeaviateBatchResult>;
  };
  aggregate: { overAll(): Promise<{ totalCount: number }> };
  config: { get(): Promise<{ description?: string | undefined }>; update(config: { description?: string }): Promise<void> };
}

/**
 * The subset of weaviate-client v3's `WeaviateClient` this adapter calls, typed structurally
 * (the way Kysely types the part of a driver it needs): tests inject one, and the adapter does
 * not pin the client's generic types.
 */
export interface WeaviateClientLike {
  collections: {
    exists(name: string): Promise<boolean>;
    create(config: Record<string, unknown>): Promise<unknown>;
    delete(name: string): Promise<void>;
    get(name: string): WeaviateCollectionLike;
    /** Every collection's config (`CollectionConfig[]`); the adapter reads `name` and `description`. */
    listAll(): Promise<Array<{ name: string; description?: string | undefined }>>;
  };
  close?(): Promise<void>;
}

/** Options of {@link connectWeaviate}. */
export interface WeaviateConnectionOptions {
  /** gRPC port (weaviate-client v3 queries over gRPC). Default 50051, or 443 for https. */
  grpcPort?: number;
  /** gRPC host. Default: the URL's host. */
  grpcHost?: string;
  /** Extra headers, e.g. a vectorizer provider's key header (`X-OpenAI-Api-Key`). Default none. */
  headers?: Record<string, string>;
  /** Query and insert timeouts in seconds. Defaults: the client's (30 s query, 90 s insert). */
  timeoutSeconds?: { query?: number; insert?: number; init?: number };
  /** Environment to read `WEAVIATE_API_KEY` from. Default `process.env`. */
  environment?: Record<string, string | undefined>;
}

/**
 * Connects weaviate-client v3 to `location` (an http(s) URL). Weaviate Cloud hosts
 * (`*.weaviate.cloud`, `*.weaviate.network`) go through `connectToWeaviateCloud`; any other
 * URL through `connectToCustom` with the same host for HTTP and gRPC. The API key comes from
 * `WEAVIATE_API_KEY` only.
 */
export async function connectWeaviate(location: string, options: WeaviateConnectionOptions = {}): Promise<WeaviateClientLike> {
  const url = new URL(location);
  const apiKey = (options.environment ?? process.env).WEAVIATE_API_KEY;
  const authCredentials = apiKey ? new weaviate.ApiKey(apiKey) : undefined;
  const secure = url.protocol === "https:";
  const timeout = options.timeoutSeconds;
  const common = {
    ...(authCredentials === undefined ? {} : { authCredentials }),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(timeout === undefined ? {} : { timeout }),
  };
  const client = /\.weaviate\.(cloud|network)$/.test(url.hostname)
    ? await weaviate.connectToWeaviateCloud(url.origin, common)
    : await weaviate.connectToCustom({
        httpHost: url.hostname,
        httpPort: url.port === "" ? (secure ? 443 : 80) : Number(url.port),
        httpSecure: secure,
        ...(url.pathname !== "/" ? { httpPath: url.pathname } : {}),
        grpcHost: options.grpcHost ?? url.hostname,
        grpcPort: options.grpcPort ?? (secure ? 443 : 50051),
        grpcSecure: secure,
        ...common,
      });
  // The real client's generic signatures are narrower than this structural subset's loose bodies.
  return client as unknown as WeaviateClientLike;
}
