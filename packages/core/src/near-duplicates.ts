/**
 * Near-duplicate text detection by character shingles: the text is normalised (`normalizeText`:
 * case, punctuation and spacing ignored), cut into every run of {@link SHINGLE_LENGTH}
 * characters, and each run hashed to a 32-bit number. Characters, not words, so it works the
 * same for scripts written without spaces (Chinese, Japanese, Thai).
 */
import { normalizeText } from "./text.js";

/**
 * Characters per shingle. Five is long enough that two unrelated texts in one language share few
 * shingles, and short enough that a small edit changes only the few shingles that cover it.
 */
export const SHINGLE_LENGTH = 5;

/** A set of shingles: what the comparisons read (a `Set<number>` is one). */
export interface Shingles {
  readonly size: number;
  has(shingle: number): boolean;
  values(): Iterable<number>;
}

/**
 * The hashed character 5-grams of `normalizeText(text)`, as 30-bit numbers. Empty when the
 * normalised text is shorter than one shingle: such texts can only be compared exactly.
 */
export function shinglesOf(text: string): Shingles {
  // Stryker disable next-line ConditionalExpression: equivalent, normalizeText's output is plain ASCII too and shingles the same
  if (NON_ASCII.test(text)) {
    const normalized = normalizeText(text);
    const window = new ShingleWindow(normalized.length);
    for (let index = 0; index < normalized.length; index++) window.push(normalized.charCodeAt(index));
    return window.set;
  }
  // ASCII text (most benchmark text) is normalised on the fly, as textFingerprint does: building
  // the normalised string first costs as much again as the shingles. Normalising never lengthens
  // ASCII text, so it has at most one shingle per character.
  const window = new ShingleWindow(text.length);
  // Stryker disable next-line BooleanLiteral: a space pending before the first letter is never written (length > 0 guards it)
  let pendingSpace = false;
  // Stryker disable next-line EqualityOperator: equivalent, charCodeAt past the end is NaN, which only sets a trailing pending space
  for (let index = 0; index < text.length; index++) {
    let code = text.charCodeAt(index);
    if (code >= 65 && code <= 90) code += 32;
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) {
      // One space for each run of other characters between two letters or digits, none at the ends.
      if (pendingSpace && window.length > 0) window.push(32);
      pendingSpace = false;
      window.push(code);
    } else {
      pendingSpace = true;
    }
  }
  return window.set;
}

const NON_ASCII = /[^\x00-\x7f]/;

/** The last five characters of a text read one at a time, and the set of every full window's hash. */
class ShingleWindow {
  /** Characters pushed so far. */
  length = 0;
  readonly set: ShingleSet;
  // The window, oldest first (five fields, not an array: this runs once per character of every candidate).
  private first = 0;
  private second = 0;
  private third = 0;
  private fourth = 0;

  constructor(maxCharacters: number) {
    this.set = new ShingleSet(maxCharacters);
  }

  push(code: number): void {
    this.length++;
    if (this.length >= SHINGLE_LENGTH) {
      // FNV-1a over the window's UTF-16 code units (a character outside the BMP counts as two).
      let hash = Math.imul(0x811c9dc5 ^ this.first, 0x01000193);
      hash = Math.imul(hash ^ this.second, 0x01000193);
      hash = Math.imul(hash ^ this.third, 0x01000193);
      hash = Math.imul(hash ^ this.fourth, 0x01000193);
      hash = Math.imul(hash ^ code, 0x01000193);
      this.set.add(hash & 0x3fffffff);
    }
    this.first = this.second;
    this.second = this.third;
    this.third = this.fourth;
    this.fourth = code;
  }
}

/**
 * A fixed-capacity set of 30-bit numbers (open addressing in a typed array, at most half full):
 * several times faster to build than a `Set<number>`, which matters because every candidate the
 * scan reaches is shingled.
 */
class ShingleSet implements Shingles {
  size = 0;
  /** Shingle + 1 in each used slot (0 marks a free one). */
  private readonly slots: Int32Array;
  private readonly distinct: Int32Array;

  constructor(maxEntries: number) {
    let capacity = 16;
    // Stryker disable next-line EqualityOperator: equivalent, a larger table holds the same set
    while (capacity < 2 * maxEntries) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.distinct = new Int32Array(maxEntries);
  }

  add(shingle: number): void {
    const mask = this.slots.length - 1;
    for (let slot = shingle & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]!;
      if (held === shingle + 1) return;
      if (held === 0) {
        this.slots[slot] = shingle + 1;
        this.distinct[this.size++] = shingle;
        return;
      }
    }
  }

  has(shingle: number): boolean {
    const mask = this.slots.length - 1;
    for (let slot = shingle & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]!;
      if (held === shingle + 1) return true;
      if (held === 0) return false;
    }
  }

  values(): Iterable<number> {
    return this.distinct.subarray(0, this.size);
  }
}

/**
 * True when at least `threshold` (0 to 1) of `part`'s shingles are also in `whole`: the share of a
 * candidate that is text of the query. False for an empty `part` (a text too short to compare).
 * Stops at the first miss that makes the threshold unreachable, so unrelated texts cost little.
 */
export function shareAtLeast(part: Shingles, whole: Shingles, threshold: number): boolean {
  if (part.size === 0) return false;
  let misses = 0;
  for (const shingle of part.values()) {
    if (whole.has(shingle)) continue;
    misses++;
    if ((part.size - misses) / part.size < threshold) return false;
  }
  return true;
}

/**
 * True when the smaller of two shingle sets is contained in the larger for at least `threshold`
 * of its shingles, |A∩B| / min(|A|, |B|) ≥ threshold: a copy with a header line added, a
 * truncated copy and a lightly edited copy all score close to 1, whichever of the two is longer.
 */
export function containedAtLeast(left: Shingles, right: Shingles, threshold: number): boolean {
  // Stryker disable next-line EqualityOperator: equivalent, sets of equal size share the same share of each other
  return left.size <= right.size ? shareAtLeast(left, right, threshold) : shareAtLeast(right, left, threshold);
}

/**
 * Shingle sets by text, so a text met several times while one query's negatives are chosen
 * (the query, its golds, every kept candidate, selection run again) is shingled once.
 */
export class ShingleCache {
  private readonly byText = new Map<string, Shingles>();

  of(text: string): Shingles {
    let shingles = this.byText.get(text);
    if (shingles === undefined) {
      shingles = shinglesOf(text);
      this.byText.set(text, shingles);
    }
    return shingles;
  }

  /** How many distinct texts were shingled (lets tests see that work is lazy). */
  get size(): number {
    return this.byText.size;
  }
}
