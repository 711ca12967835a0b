import { describe, expect, it } from "vitest";
import { postingListsOf } from "../__fixtures__/posting-lists.js";
import { Bm25Index } from "./bm25-index.js";

describe("Bm25Index.documentIndexOf", () => {
  it("finds each id's document, the first one when an id repeats, and nothing for an unknown id", () => {
    const documentIds = ["a", "b", "a", "c", "b"];
    const index = new Bm25Index({
      collection: "repeats",
      parameters: { k1: 1.5, b: 0.75 },
      averageDocumentLength: 1,
      documentIds,
      recordRowIds: new Float64Array(documentIds.length),
      vocabulary: ["t0"],
      ...postingListsOf([[[0, 1]]]),
    });
    expect(["a", "b", "c", "d"].map((id) => index.documentIndexOf(id))).toEqual([0, 1, 3, undefined]);
  });
});
