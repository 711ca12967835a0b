import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { containedAtLeast, SHINGLE_LENGTH, ShingleCache, type Shingles, shareAtLeast, shinglesOf } from "./near-duplicates.js";
import { seededRandom } from "./random.js";
import { normalizeText, textFingerprint } from "./text.js";

/** A set of the numbers from..to-1: sets with a known overlap. */
const range = (from: number, to: number) => new Set(Array.from({ length: to - from }, (_, index) => from + index));

/** A shingle set's members, sorted: what two sets holding the same shingles agree on. */
const members = (shingles: Shingles) => [...shingles.values()].sort((left, right) => left - right);

/** The definition, written plainly: FNV-1a of every five code units of the normalised text, kept to 30 bits. */
function referenceShingles(text: string): number[] {
  const normalized = normalizeText(text);
  const shingles = new Set<number>();
  for (let start = 0; start + 5 <= normalized.length; start++) {
    let hash = 0x811c9dc5;
    for (const character of normalized.slice(start, start + 5)) hash = Math.imul(hash ^ character.charCodeAt(0), 0x01000193);
    shingles.add(hash & 0x3fffffff);
  }
  return [...shingles].sort((left, right) => left - right);
}

describe("shinglesOf", () => {
  it("cuts the normalised text into every run of five characters", () => {
    expect(SHINGLE_LENGTH).toBe(5);
    expect(shinglesOf("abcdef").size, "two runs: abcde, bcdef").toBe(2);
    expect(shinglesOf("abcde").size, "one run").toBe(1);
    expect(shinglesOf("abcdefghij").size, "length - 4 distinct runs").toBe(6);
    expect(shinglesOf("aaaaaaaa").size, "repeated runs count once").toBe(1);
  });

  it("ignores case, punctuation and spacing (it shingles normalizeText)", () => {
    expect(members(shinglesOf("Hard  NEGATIVES, mined!"))).toEqual(members(shinglesOf("hard negatives mined")));
    expect(members(shinglesOf("hard negatives"))).not.toEqual(members(shinglesOf("hard negative")));
  });

  it("agrees with the definition, on the ASCII fast path and the Unicode path alike", () => {
    expect(members(shinglesOf("  Fine-grind, ESPRESSO!  "))).toEqual(referenceShingles("fine grind espresso"));
    expect(members(shinglesOf("Ｆｉｎｅ ｇｒｉｎｄ"))).toEqual(referenceShingles("fine grind"));
    // ASCII neighbours of the letter and digit ranges ("@", "[", "`", "{", "/", ":") are separators.
    const ascii = ["a", "B", "z", "0", "9", " ", "-", "!", "\t", "x", "Z", "@", "[", "`", "{", "~", "/", ":"];
    const texts = fc.oneof(
      fc.array(fc.constantFrom(...ascii), { maxLength: 40 }),
      fc.array(fc.constantFrom(...ascii, "é", "ﬁ", "中"), { maxLength: 40 }),
    );
    fc.assert(
      fc.property(texts, (pieces) => {
        const text = pieces.join("");
        expect(members(shinglesOf(text))).toEqual(referenceShingles(text));
        expect(shinglesOf(text).size).toBe(referenceShingles(text).length);
      }),
      { numRuns: 2000 },
    );
  });

  it("gives each text its own set, whatever texts of whatever length were shingled before", () => {
    // The sets are built in one table reused from text to text (grown for long texts): no shingle
    // of an earlier text may leak into a later one, nor be missing from a set built earlier.
    const texts = fc.array(fc.stringMatching(/^[ab c.é]{0,300}$/), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(texts, (list) => {
        const sets = list.map((text) => shinglesOf(text));
        const everyShingle = new Set(list.flatMap((text) => referenceShingles(text)));
        list.forEach((text, index) => {
          const expected = referenceShingles(text);
          expect(members(sets[index]!)).toEqual(expected);
          for (const shingle of everyShingle) expect(sets[index]!.has(shingle)).toBe(expected.includes(shingle));
        });
      }),
      { numRuns: 300 },
    );
  });

  it("gives texts of growing length, one after another, each its full set", () => {
    // Each text is longer than any shingled before (here or in earlier tests) and its shingles are
    // nearly all distinct, so the reused table and its lists must grow with every text.
    const random = seededRandom(1);
    const letter = () => String.fromCharCode(97 + Math.floor(random() * 26));
    for (let length = 1000; length <= 20_000; length = Math.ceil(length * 1.3)) {
      const text = Array.from({ length }, letter).join("");
      const shingles = shinglesOf(text);
      const expected = referenceShingles(text);
      expect(members(shingles)).toEqual(expected);
      expect(expected.every((shingle) => shingles.has(shingle))).toBe(true);
    }
  });

  it("answers membership for every shingle it holds and for no other", () => {
    const text = "a long enough text to fill the set past its first sixteen slots, with repeats repeats repeats";
    const shingles = shinglesOf(text);
    const held = referenceShingles(text);
    for (const shingle of held) expect(shingles.has(shingle)).toBe(true);
    const others = referenceShingles("quick brown foxes jumping over lazy dogs").filter((shingle) => !held.includes(shingle));
    expect(others.length).toBeGreaterThan(10);
    for (const shingle of others) expect(shingles.has(shingle)).toBe(false);
  });

  it("gives texts shorter than one shingle no shingles, so they compare only exactly", () => {
    expect(shinglesOf("abcd").size).toBe(0);
    expect(shinglesOf("  a.b,c!d ").size, "normalised to 'a b c d', seven characters").toBe(3);
    expect(shinglesOf("?!").size).toBe(0);
  });

  it("works for scripts written without spaces", () => {
    const chinese = "硬负样本挖掘需要排除近似重复的文档";
    expect(shinglesOf(chinese).size).toBe(chinese.length - 4);
    expect(containedAtLeast(shinglesOf(chinese), shinglesOf(`标题：${chinese}`), 1)).toBe(true);
    expect(containedAtLeast(shinglesOf(chinese), shinglesOf("检索评测基准中的查询与相关文档标注"), 0.1)).toBe(false);
  });
});

describe("shareAtLeast", () => {
  it("is true exactly when the share of part's shingles found in whole reaches the threshold", () => {
    const part = range(0, 10);
    const whole = range(1, 100); // 9 of part's 10 shingles: a share of 0.9
    expect(shareAtLeast(part, whole, 0.89), "just below").toBe(true);
    expect(shareAtLeast(part, whole, 0.9), "at").toBe(true);
    expect(shareAtLeast(part, whole, 0.91), "just above").toBe(false);
    expect(shareAtLeast(part, part, 1), "a set is all of itself").toBe(true);
  });

  it("is false for an empty part, whatever the threshold", () => {
    expect(shareAtLeast(new Set(), range(0, 5), 0.1)).toBe(false);
  });

  it("agrees with the share computed in full", () => {
    const set = fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 30 }).map((items) => new Set(items));
    fc.assert(
      fc.property(set, set, fc.double({ min: 0.01, max: 1, noNaN: true }), (part, whole, threshold) => {
        const shared = [...part].filter((shingle) => whole.has(shingle)).length;
        expect(shareAtLeast(part, whole, threshold)).toBe(part.size > 0 && shared / part.size >= threshold);
      }),
    );
  });
});

describe("containedAtLeast", () => {
  it("measures the smaller set inside the larger, in either order", () => {
    const small = range(0, 10);
    const large = range(1, 100);
    for (const [left, right] of [
      [small, large],
      [large, small],
    ] as const) {
      expect(containedAtLeast(left, right, 0.9)).toBe(true);
      expect(containedAtLeast(left, right, 0.91)).toBe(false);
    }
  });

  it("never matches an empty set (a text too short to compare)", () => {
    expect(containedAtLeast(new Set(), range(0, 5), 0.1)).toBe(false);
    expect(containedAtLeast(range(0, 5), new Set(), 0.1)).toBe(false);
  });

  it("with equal sizes, either way round gives the same share", () => {
    expect(containedAtLeast(range(0, 10), range(5, 15), 0.5)).toBe(true);
    expect(containedAtLeast(range(0, 10), range(5, 15), 0.51)).toBe(false);
  });
});

describe("ShingleCache", () => {
  it("shingles each text once", () => {
    const cache = new ShingleCache();
    const first = cache.of("a text of some length");
    expect(cache.of("a text of some length"), "the same set again").toBe(first);
    expect(members(first)).toEqual(members(shinglesOf("a text of some length")));
    cache.of("another text");
    expect(cache.size).toBe(2);
  });

  it("remembers each text's fingerprint", () => {
    const cache = new ShingleCache();
    for (const text of ["Hard  negatives!", "hard negatives", "Crème brûlée", "Hard  negatives!"]) {
      expect(cache.fingerprint(text)).toBe(textFingerprint(text));
    }
  });

  it("starts over past its size limit, and answers the same after", () => {
    const texts = Array.from({ length: 20 }, (_, index) => `text number ${index} with a few words of its own`);
    const cache = new ShingleCache(4096);
    for (const text of texts) cache.of(text);
    expect(cache.size, "far fewer than the 20 texts are kept").toBeLessThan(10);
    for (const text of texts) {
      expect(members(cache.of(text))).toEqual(referenceShingles(text));
      expect(cache.fingerprint(text)).toBe(textFingerprint(text));
    }
  });
});
