import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeText } from "./text.js";

const unicodePath = (text: string) => text.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();

describe("normalizeText", () => {
  it("ignores case, punctuation and spacing, and keeps non-ASCII letters", () => {
    expect(normalizeText("  What is a HARD-negative?! ")).toBe("what is a hard negative");
    expect(normalizeText("Café\u00a0au  lait")).toBe("café au lait");
    expect(normalizeText("ﬁne")).toBe("fine");
  });

  it("the ASCII fast path agrees with the Unicode path", () => {
    fc.assert(fc.property(fc.string({ unit: "binary-ascii" }), (text) => {
      expect(normalizeText(text)).toBe(unicodePath(text));
    }));
  });
});
