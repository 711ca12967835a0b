/**
 * Answers in weaviate-client v3's own return types, so a fixture the client could not return
 * does not compile: `WeaviateReturn` (`{ objects }`, each `{ uuid, properties, metadata,
 * references, vectors }`, metadata holding `score` for bm25 / hybrid and `distance` for
 * nearText / nearVector when asked with `returnMetadata`), `BatchObjectsReturn` (`{ uuids,
 * errors, hasErrors, allResponses, elapsedSeconds }`, keyed by input position) and
 * `aggregate.overAll()`'s `{ totalCount, properties }`.
 *
 * The shapes were recorded from weaviate-client 3.12.1 against Weaviate 1.39.0 (scripts/engines.sh):
 * fetchObjects gives `metadata: {}`, `references: undefined`, `vectors: {}` and `undefined` for a
 * schema property the object lacks; a batch error over gRPC has no `code`, and carries the
 * object as the client sent it (`{ id, properties, collection }`) with `originalUuid`. Ids,
 * scores and texts are invented; the failed-batch message is Weaviate's, for this collection.
 */
import type {
  BatchObjectsReturn,
  CollectionConfig,
  ErrorObject,
  WeaviateField,
  WeaviateNonGenericObject,
  WeaviateReturn,
} from "weaviate-client";
import { objectIdOf } from "../weaviate-requests.js";

/** What `collection.query.*` returns on an untyped collection (objects are `WeaviateNonGenericObject`). */
export type QueryAnswer = WeaviateReturn<undefined, undefined>;
/** What `collections.listAll()` returns, narrowed to the fields the adapter reads (the client's `CollectionConfig[]`). */
export type ListAllAnswer = Array<Pick<CollectionConfig, "name" | "description">>;
/** What `collection.data.insertMany` returns on an untyped collection. */
export type InsertManyAnswer = BatchObjectsReturn<undefined>;

const object = (id: string, properties: WeaviateNonGenericObject["properties"], metadata: { score?: number; distance?: number } = {}) =>
  ({ metadata, properties, references: undefined, uuid: objectIdOf(id), vectors: {} }) satisfies WeaviateNonGenericObject;

export const bm25Answer = {
  objects: [object("d2", { doc_id: "d2" }, { score: 3.75 }), object("d9", { doc_id: "d9" }, { score: 1.5 })],
} satisfies QueryAnswer;
export const hybridAnswer = {
  objects: [object("d9", { doc_id: "d9" }, { score: 0.82 }), object("d2", { doc_id: "d2" }, { score: 0.4 })],
} satisfies QueryAnswer;
export const nearAnswer = {
  objects: [object("d5", { doc_id: "d5" }, { distance: 0.125 }), object("d2", { doc_id: "d2" }, { distance: 0.5 })],
} satisfies QueryAnswer;
export const emptyAnswer = { objects: [] } satisfies QueryAnswer;

/**
 * fetchObjects with a containsAny filter: all properties. At run time a schema property the object
 * lacks comes as `undefined` (d5's title and lang); the client's type does not admit that, so
 * here they are left out, and the records test reads an `undefined` one.
 */
export const documentsAnswer = {
  objects: [
    object("d2", { doc_id: "d2", text: "Espresso is brewed under pressure.", title: "Espresso", lang: "en", hardneg_id: "d2" }),
    object("d5", { doc_id: "d5", text: "Cold brew steeps for hours.", hardneg_id: "d5" }),
  ],
} satisfies QueryAnswer;

export function recordsPage(ids: string[]) {
  return { objects: ids.map((id) => object(id, { type: "run", hardneg_id: id })) } satisfies QueryAnswer;
}

/** What the adapter passes to `insertMany` (a `DataObject` each). */
type InsertedObject = { id: string; properties: Record<string, WeaviateField>; vectors?: number[] };

/**
 * `insertMany`'s answer for `objects`, as the client builds it: the objects at the positions in
 * `failures` fail with that message, the others succeed under their own ids. Use as an answer
 * function of the fake client, so positions and ids are the ones the adapter sent.
 */
export function batchReturn(
  objects: readonly InsertedObject[],
  failures: Readonly<Record<number, string>> = {},
  collection = "Coffee",
): InsertManyAnswer {
  const uuids: Record<number, string> = {};
  const errors: Record<number, ErrorObject<undefined>> = {};
  const allResponses = objects.map((sent, position) => {
    const message = failures[position];
    if (message === undefined) {
      uuids[position] = sent.id;
      return sent.id;
    }
    const error = { message, object: { ...sent, collection }, originalUuid: sent.id };
    errors[position] = error;
    return error;
  });
  return { uuids, errors, hasErrors: Object.keys(errors).length > 0, allResponses, elapsedSeconds: 0.018 };
}

/** Every object inserted. */
export const batchAllInserted = (objects: unknown) => batchReturn(objects as InsertedObject[]);

/** Weaviate 1.39's message for a number sent to a text property (recorded, collection renamed). */
export const notAString = "invalid text property 'text' on class 'Coffee': not a string, but float64";

/** The object at position 1 failed: a property whose value does not fit the schema's type. */
export const batchOneFailed = (objects: unknown) => batchReturn(objects as InsertedObject[], { 1: notAString });

/** The object at position 0 failed (a resend of the one that failed at position 1). */
export const batchFirstFailed = (objects: unknown) => batchReturn(objects as InsertedObject[], { 0: notAString });

/** `aggregate.overAll()` as recorded: `{ totalCount, properties }`. */
export const countThree = { totalCount: 3, properties: {} };

export const documentsConfig = {
  name: "Coffee",
  description: JSON.stringify({ hardneg: { name: "coffee", kind: "documents", target: { idKey: "doc_id", contentKey: "text" } } }),
};

/**
 * `collections.listAll()`: two hardneg collections (the runs class Weaviate capitalised, and a
 * corpus), a class of the user's without a description, one with a description of its own, and
 * one holding a hardneg spec under another class name (a copied schema).
 */
export const listAllAnswer = [
  { name: "Hardneg_runs", description: JSON.stringify({ hardneg: { name: "hardneg_runs", kind: "records" } }) },
  documentsConfig,
  { name: "Article", description: undefined },
  { name: "Notes", description: "my notes, not hardneg's" },
  { name: "Copied", description: documentsConfig.description },
] satisfies ListAllAnswer;
