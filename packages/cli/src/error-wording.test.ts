import { describe, expect, it } from "vitest";
import { buildProgram } from "./program.js";
import { cliFlagsOf, fixHint, inCliTerms } from "./error-wording.js";

const flags = cliFlagsOf(buildProgram());

describe("inCliTerms", () => {
  it("names the CLI flag where core names its own option", () => {
    expect(inCliTerms("[hardneg] option rangeMin: is 5, above rangeMax 2", flags)).toBe("[hardneg] --range-min: is 5, above --range-max 2");
    expect(inCliTerms("[hardneg] option hardNegativesCollection.collectionName: must differ", flags)).toBe(
      "[hardneg] --out-collection: must differ",
    );
    expect(inCliTerms("[hardneg] q.csv: pass qrels or goldIdsKey", flags)).toBe("[hardneg] q.csv: pass qrels or --gold-ids-key");
  });

  it("leaves names no flag has, and quoted data, as they are", () => {
    const message = '[hardneg] option maxBatchSize: record "someId" has key "goldIdsKey"';
    expect(inCliTerms(message, flags)).toBe(message);
  });
});

describe("fixHint", () => {
  it("points a vector or hybrid search the engine does not offer at --embedder, unless it was given", () => {
    const message = '[hardneg] --mode: search mode "hybrid" is not offered by this backend (it offers: bm25)';
    expect(fixHint(message, ["mine", "--mode", "hybrid"])).toMatch(/--embedder/);
    expect(fixHint(message, ["mine", "--mode", "hybrid", "--embedder", "onnx:x"])).toBe("");
    expect(fixHint('[hardneg] collection "x": does not exist', [])).toBe("");
  });
});
