import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeText, textFingerprint } from "./text.js";

const unicodePath = (text: string) =>
  text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

describe("normalizeText", () => {
  it("ignores case, punctuation and spacing, and keeps non-ASCII letters", () => {
    expect(normalizeText("  What is a HARD-negative?! ")).toBe("what is a hard negative");
    expect(normalizeText("Café\u00a0au  lait")).toBe("café au lait");
    expect(normalizeText("ﬁne")).toBe("fine");
  });

  it("the ASCII fast path agrees with the Unicode path", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii" }), (text) => {
        expect(normalizeText(text)).toBe(unicodePath(text));
      }),
    );
  });

  it("fingerprints agree exactly when normalised texts agree (ASCII and Unicode paths alike)", () => {
    expect(textFingerprint("Fine grind!")).toBe(textFingerprint("fine   GRIND"));
    expect(textFingerprint("ﬁne grind")).toBe(textFingerprint("fine grind"));
    expect(textFingerprint("fine grind")).not.toBe(textFingerprint("fine grinds"));
    const piece = fc.constantFrom("a", "B", " ", "-", "é", "É", "ﬁ", "1", "!", "\u00a0", "x");
    const text = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(""));
    fc.assert(
      fc.property(text, text, (left, right) => {
        expect(textFingerprint(left) === textFingerprint(right)).toBe(normalizeText(left) === normalizeText(right));
      }),
      { numRuns: 2000 },
    );
  });
});
