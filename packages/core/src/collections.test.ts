import { describe, expect, it } from "vitest";
import { FIXED_ROW_KEYS, HardNegativesCollection } from "./collections.js";
import { BadOptionError } from "./errors.js";

describe("HardNegativesCollection", () => {
  it("refuses a user-named key that clashes with a property every row carries (titles included)", () => {
    for (const fixed of ["gold_titles", "hard_negative_title", "gold_score"]) {
      expect(FIXED_ROW_KEYS, fixed).toContain(fixed);
      let error: unknown;
      try {
        new HardNegativesCollection({ collectionName: "out", hardNegativeDocumentKey: fixed });
      } catch (caught) {
        error = caught;
      }
      expect(error, fixed).toBeInstanceOf(BadOptionError);
      expect((error as Error).message, fixed).toContain(`key "${fixed}" is used twice or clashes with a fixed row property`);
    }
  });

  it("accepts the original five key names", () => {
    expect(new HardNegativesCollection({ collectionName: "out" }).keys).toEqual({
      queryContentKey: "query",
      goldIdsKey: "gold_doc_ids",
      goldDocumentsKey: "gold_documents",
      hardNegativeDocumentKey: "hard_negative_doc",
      hardNegativeIdKey: "hard_negative_id",
    });
  });
});
