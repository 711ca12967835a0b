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

  it("the Unicode path agrees with the regex definition on any text (astral letters, lone surrogates, marks, digits of any script)", () => {
    const piece = fc.constantFrom(
      "a",
      "Z",
      "é",
      "ß",
      "İ",
      "ﬁ",
      "٣",
      "𝔘",
      "𝟘",
      "\ud800",
      "\udfff",
      "e\u0301",
      "中",
      "。",
      " ",
      "-",
      "\u00a0",
      "_",
    );
    const text = fc.array(fc.oneof(piece, fc.string({ unit: "grapheme" })), { maxLength: 20 }).map((pieces) => pieces.join(""));
    fc.assert(
      fc.property(text, (sample) => {
        expect(normalizeText(sample), JSON.stringify(sample)).toBe(unicodePath(sample));
      }),
      { numRuns: 3000 },
    );
  });

  it("normalises text with no ASCII character at all, and trims it", () => {
    expect(normalizeText("ΚΑΦΕΣ"), "Greek only").toBe("καφες");
    expect(normalizeText("\u00a0¡Olé, CAFÉ!\u00a0"), "padded with non-ASCII space and punctuation").toBe("olé café");
  });

  it("an ASCII text's fingerprint (fast path) equals that of the same text made non-ASCII by a trailing no-break space", () => {
    // The no-break space is dropped by normalisation, so both texts normalise alike; the second one takes the Unicode path.
    const viaUnicode = (text: string) => textFingerprint(`${text}\u00a0`);
    for (const text of ["AZaz09", "Zebra 9", "@[`{/:", "a@b[c`d{e/f:g", "  0 - 9  "]) {
      expect(textFingerprint(text), JSON.stringify(text)).toBe(viaUnicode(text));
    }
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii" }), (text) => {
        expect(textFingerprint(text), JSON.stringify(text)).toBe(viaUnicode(text));
      }),
    );
  });
});
