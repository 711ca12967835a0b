/**
 * Answers in weaviate-client v3's documented return shapes: `WeaviateReturn` (`{ objects }`,
 * each `{ uuid, properties, metadata, references, vectors }`, metadata holding `score` for
 * bm25 / hybrid and `distance` for nearText / nearVector when asked with `returnMetadata`),
 * `BatchObjectsReturn` (`{ allResponses, elapsedSeconds, errors, hasErrors, uuids }`, errors
 * keyed by input position), and `aggregate.overAll()` (`{ totalCount, properties }`), as in
 * the client's type definitions and the Weaviate "Search" and "Batch import" how-to pages.
 * Ids, scores and texts are invented.
 */
import { objectIdOf } from "../weaviate-requests.js";

const object = (id: string, properties: Record<string, unknown>, metadata: Record<string, number> = {}) => ({
  uuid: objectIdOf(id),
  properties,
  metadata,
  references: undefined,
  vectors: {},
});

export const bm25Answer = { objects: [object("d2", { doc_id: "d2" }, { score: 3.75 }), object("d9", { doc_id: "d9" }, { score: 1.5 })] };
export const hybridAnswer = { objects: [object("d9", { doc_id: "d9" }, { score: 0.82 }), object("d2", { doc_id: "d2" }, { score: 0.4 })] };
export const nearAnswer = {
  objects: [object("d5", { doc_id: "d5" }, { distance: 0.125 }), object("d2", { doc_id: "d2" }, { distance: 0.5 })],
};
export const emptyAnswer = { objects: [] };

/** fetchObjects with a containsAny filter: all properties, null for schema properties an object lacks. */
export const documentsAnswer = {
  objects: [
    object("d2", { doc_id: "d2", text: "Espresso is brewed under pressure.", title: "Espresso", lang: "en", hardneg_id: "d2" }),
    object("d5", { doc_id: "d5", text: "Cold brew steeps for hours.", title: null, lang: null, hardneg_id: "d5" }),
  ],
};

export function recordsPage(ids: string[]) {
  return { objects: ids.map((id) => object(id, { type: "run", hardneg_id: id })) };
}

export function batchAllInserted(count: number) {
  return {
    allResponses: Array.from({ length: count }, (_, position) => `uuid-${position}`),
    elapsedSeconds: 0.01,
    errors: {},
    hasErrors: false,
    uuids: {},
  };
}

/** One object failed (position 1), e.g. a property whose value does not fit the schema's type. */
export const batchOneFailed = {
  allResponses: [],
  elapsedSeconds: 0.02,
  errors: {
    1: {
      code: 422,
      message: "invalid text property 'text' on class 'Coffee': not a string, but float64",
      object: { collection: "Coffee" },
      originalUuid: undefined,
    },
  },
  hasErrors: true,
  uuids: {},
};

export const countThree = { totalCount: 3, properties: {} };

export const documentsConfig = {
  name: "Coffee",
  description: JSON.stringify({ hardneg: { name: "coffee", kind: "documents", target: { idKey: "doc_id", contentKey: "text" } } }),
};
