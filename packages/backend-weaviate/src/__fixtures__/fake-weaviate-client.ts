/**
 * A recording stand-in for the part of weaviate-client v3 the adapter uses. It answers with
 * the client's documented return shapes (see weaviate-responses.ts) and records every call
 * with its arguments, so tests can check what the adapter asked for. Filters come from the
 * client's own filter builder. It is not Weaviate: no search happens here, and the gRPC / REST
 * wire format under the client is not exercised.
 */
import weaviate from "weaviate-client";
import type { WeaviateClientLike, WeaviateCollectionLike } from "../weaviate-client.js";
import type { InsertManyAnswer, ListAllAnswer, QueryAnswer } from "./weaviate-responses.js";

export interface RecordedCall {
  collection?: string;
  method: string;
  args: unknown[];
}

type Answer<T> = T | Error | ((...args: unknown[]) => T | Error);

/**
 * Answers per method; arrays are consumed in order (the last one repeats). Query and batch
 * answers have the client's own return types, so a shape the client cannot return does not compile.
 */
export interface FakeAnswers {
  exists?: Answer<boolean>[];
  bm25?: Answer<QueryAnswer>[];
  hybrid?: Answer<QueryAnswer>[];
  nearText?: Answer<QueryAnswer>[];
  nearVector?: Answer<QueryAnswer>[];
  fetchObjects?: Answer<QueryAnswer>[];
  insertMany?: Answer<InsertManyAnswer>[];
  overAll?: Answer<{ totalCount: number }>[];
  configGet?: Answer<{ description?: string }>[];
  configUpdate?: Answer<void>[];
  create?: Answer<unknown>[];
  listAll?: Answer<ListAllAnswer>[];
}

export function fakeWeaviateClient(answers: FakeAnswers): { client: WeaviateClientLike; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const queues = new Map(Object.entries(answers).map(([method, list]) => [method, [...(list as unknown[])]]));
  const answer = async (method: string, collection: string | undefined, args: unknown[]) => {
    calls.push({ ...(collection === undefined ? {} : { collection }), method, args });
    const queue = queues.get(method);
    if (queue === undefined || queue.length === 0) throw new Error(`fake weaviate client: no answer for ${method}`);
    const next = queue.length > 1 ? queue.shift() : queue[0];
    const value = typeof next === "function" ? (next as (...parameters: unknown[]) => unknown)(...args) : next;
    if (value instanceof Error) throw value;
    return value;
  };
  const collectionNamed = (name: string): WeaviateCollectionLike => ({
    query: {
      bm25: (...args) => answer("bm25", name, args) as never,
      hybrid: (...args) => answer("hybrid", name, args) as never,
      nearText: (...args) => answer("nearText", name, args) as never,
      nearVector: (...args) => answer("nearVector", name, args) as never,
      fetchObjects: (...args) => answer("fetchObjects", name, args) as never,
    },
    // The client's own filter builder (what `collection.filter` is in v3): filters come out as the
    // client builds them, `{ operator, target: { property }, value }`, with `_id` as byId's property.
    filter: weaviate.filter,
    data: { insertMany: (...args) => answer("insertMany", name, args) as never },
    aggregate: { overAll: (...args) => answer("overAll", name, args) as never },
    config: {
      get: (...args) => answer("configGet", name, args) as never,
      update: (...args) => answer("configUpdate", name, args) as never,
    },
  });
  const client: WeaviateClientLike = {
    collections: {
      exists: (name) => answer("exists", name, [name]) as Promise<boolean>,
      create: (config) => answer("create", undefined, [config]),
      delete: (name) => answer("delete", name, [name]) as Promise<void>,
      get: (name) => collectionNamed(name),
      listAll: () => answer("listAll", undefined, []) as never,
    },
  };
  return { client, calls };
}
