import { describe, expect, it } from "vitest";
import type { CollectionSpec } from "./backend.js";
import { checkDocumentVectors, withDocumentVectors } from "./document-vectors.js";
import { HardnegError } from "./errors.js";

const documents: CollectionSpec = { name: "docs", kind: "documents", target: { idKey: "id", contentKey: "text" } };
const withModel: CollectionSpec = { ...documents, vectors: { embedderId: "onnx:model-a", dimension: 128 } };
const errorOptions = { component: "test", collection: "docs" };

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return HardnegError.isInstance(error) ? error.code : "not a hardneg error";
  }
}

describe("checkDocumentVectors", () => {
  it("refuses a documents collection without vectors, and one holding another embedder's", () => {
    expect(codeOf(() => checkDocumentVectors(documents, "onnx:model-a", errorOptions))).toBe("UNSUPPORTED_CAPABILITY");
    expect(codeOf(() => checkDocumentVectors(withModel, "onnx:model-b", errorOptions))).toBe("BAD_OPTION");
  });

  it("passes the same embedder, requests carrying their own vectors, precomputed vectors, and collections hardneg did not create", () => {
    expect(codeOf(() => checkDocumentVectors(withModel, "onnx:model-a", errorOptions))).toBeUndefined();
    expect(codeOf(() => checkDocumentVectors(withModel, undefined, errorOptions))).toBeUndefined();
    expect(
      codeOf(() =>
        checkDocumentVectors({ ...documents, vectors: { embedderId: "property:vector", dimension: 8 } }, "onnx:model-b", errorOptions),
      ),
    ).toBeUndefined();
    expect(codeOf(() => checkDocumentVectors({ name: "foreign", kind: "records" }, "onnx:model-a", errorOptions))).toBeUndefined();
    expect(codeOf(() => checkDocumentVectors(undefined, "onnx:model-a", errorOptions))).toBeUndefined();
  });
});

describe("withDocumentVectors", () => {
  it("records the first source, accepts the same again, refuses another model or dimension", () => {
    expect(withDocumentVectors(documents, { embedderId: "onnx:model-a", dimension: 128 }, errorOptions)).toEqual(withModel);
    expect(withDocumentVectors(withModel, { embedderId: "onnx:model-a", dimension: 128 }, errorOptions)).toBeUndefined();
    expect(codeOf(() => withDocumentVectors(withModel, { embedderId: "onnx:model-b", dimension: 128 }, errorOptions))).toBe("BAD_OPTION");
    expect(codeOf(() => withDocumentVectors(withModel, { embedderId: "onnx:model-a", dimension: 64 }, errorOptions))).toBe("BAD_OPTION");
  });
});
