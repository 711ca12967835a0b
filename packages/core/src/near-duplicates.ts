/**
 * Near-duplicate text detection by character shingles: the text is normalised (`normalizeText`:
 * case, punctuation and spacing ignored), cut into every run of {@link SHINGLE_LENGTH}
 * characters, and each run hashed to a 32-bit number. Characters, not words, so it works the
 * same for scripts written without spaces (Chinese, Japanese, Thai).
 */
import { normalizeText, textFingerprint } from "./text.js";

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
  return shingleSetOf(text);
}

function shingleSetOf(text: string): ShingleSet {
  // Stryker disable next-line ConditionalExpression: equivalent, normalizeText's output is plain ASCII too and shingles the same
  if (NON_ASCII.test(text)) return shinglesOfNormalized(normalizeText(text));
  return shinglesOfAscii(text);
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Shingles of ASCII text, normalised on the fly as textFingerprint does: building the normalised
 * string first costs as much again as the shingles. Normalising never lengthens ASCII text, so it
 * has at most one shingle per character. The window is four locals, not an array or an object:
 * this runs once per character of every text a check reaches.
 */
function shinglesOfAscii(text: string): ShingleSet {
  const table = new ShingleTable(text.length);
  let written = 0;
  let first = 0;
  let second = 0;
  let third = 0;
  let fourth = 0;
  // Stryker disable next-line BooleanLiteral: a space pending before the first letter is never written (written > 0 guards it)
  let pendingSpace = false;
  // Stryker disable next-line EqualityOperator: equivalent, charCodeAt past the end is NaN, which only sets a trailing pending space
  for (let index = 0; index < text.length; index++) {
    let code = text.charCodeAt(index);
    if (code >= 65 && code <= 90) code += 32;
    if (!((code >= 97 && code <= 122) || (code >= 48 && code <= 57))) {
      pendingSpace = true;
      continue;
    }
    // One space for each run of other characters between two letters or digits, none at the ends:
    // the space goes in first, and this character is read again.
    if (pendingSpace && written > 0) {
      code = 32;
      index--;
    }
    pendingSpace = false;
    if (++written >= SHINGLE_LENGTH) table.add(shingleHash(first, second, third, fourth, code));
    first = second;
    second = third;
    third = fourth;
    fourth = code;
  }
  return table.toSet();
}

/** Shingles of text already normalised (`normalizeText`): every code unit counts. */
function shinglesOfNormalized(normalized: string): ShingleSet {
  const table = new ShingleTable(normalized.length);
  let first = normalized.charCodeAt(0);
  let second = normalized.charCodeAt(1);
  let third = normalized.charCodeAt(2);
  let fourth = normalized.charCodeAt(3);
  for (let index = SHINGLE_LENGTH - 1; index < normalized.length; index++) {
    const code = normalized.charCodeAt(index);
    table.add(shingleHash(first, second, third, fourth, code));
    first = second;
    second = third;
    third = fourth;
    fourth = code;
  }
  return table.toSet();
}

/** FNV-1a over a window's five UTF-16 code units (a character outside the BMP counts as two), as a 30-bit number. */
function shingleHash(first: number, second: number, third: number, fourth: number, fifth: number): number {
  let hash = Math.imul(0x811c9dc5 ^ first, 0x01000193);
  hash = Math.imul(hash ^ second, 0x01000193);
  hash = Math.imul(hash ^ third, 0x01000193);
  hash = Math.imul(hash ^ fourth, 0x01000193);
  hash = Math.imul(hash ^ fifth, 0x01000193);
  return hash & 0x3fffffff;
}

/** The smallest power of two at least twice `entries` (at least 16): a table at most half full. */
function capacityFor(entries: number): number {
  let capacity = 16;
  // Stryker disable next-line EqualityOperator: equivalent, a larger table holds the same set
  while (capacity < 2 * entries) capacity *= 2;
  return capacity;
}

/** The distinct shingles of the text being shingled, in first-seen order; reused from text to text. */
let distinctScratch = new Int32Array(1024);

/**
 * Collects one text's distinct shingles into an open-addressing table sized for the most a text
 * of its length can hold (one per character). The {@link ShingleSet} keeps that table when the
 * distinct count needs one as large, else a smaller copy: a run caches its sets, so each stays
 * sized by what it holds.
 */
class ShingleTable {
  /** Shingle + 1 in each used slot (0 marks a free one). */
  private readonly slots: Int32Array;
  private size = 0;

  constructor(maxEntries: number) {
    this.slots = new Int32Array(capacityFor(maxEntries));
    if (distinctScratch.length < maxEntries) distinctScratch = new Int32Array(maxEntries);
  }

  add(shingle: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let slot = shingle & mask; ; slot = (slot + 1) & mask) {
      const held = slots[slot]!;
      if (held === shingle + 1) return;
      if (held === 0) {
        slots[slot] = shingle + 1;
        distinctScratch[this.size++] = shingle;
        return;
      }
    }
  }

  /** The text's shingles as a set. */
  toSet(): ShingleSet {
    const distinct = distinctScratch.slice(0, this.size);
    const capacity = capacityFor(this.size);
    if (capacity === this.slots.length) return new ShingleSet(distinct, this.slots);
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    for (const shingle of distinct) {
      let slot = shingle & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = shingle + 1;
    }
    return new ShingleSet(distinct, slots);
  }
}

/**
 * A set of distinct 30-bit numbers (open addressing in a typed array, at most half full): several
 * times faster to build and to query than a `Set<number>`, which matters because every candidate
 * the scan reaches is shingled.
 */
class ShingleSet implements Shingles {
  readonly size: number;
  /** Shingle + 1 in each used slot (0 marks a free one). */
  private readonly slots: Int32Array;

  /**
   * @param distinct The distinct shingles.
   * @param slots The same in an open-addressing table, shingle + 1 per used slot (the set keeps both arrays).
   */
  constructor(
    private readonly distinct: Int32Array,
    slots: Int32Array,
  ) {
    this.size = distinct.length;
    this.slots = slots;
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
    return this.distinct;
  }

  /** Bytes held by the set's arrays (what a cache of many sets counts). */
  get bytes(): number {
    return this.slots.byteLength + this.distinct.byteLength;
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
 * What a {@link ShingleCache} holds at most by default, 32 MiB, which bounds a run's memory: the
 * ~3,300 SciFact texts a run meets take about 59 MiB of sets, so even there it starts over once.
 */
export const SHINGLE_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * Shingle sets and fingerprints by text, kept for a whole mining run: the same documents come
 * back as golds and candidates of many queries, and a text met again is not normalised, shingled
 * or fingerprinted again. Everything is dropped at once when the cache holds more than `maxBytes`
 * (its texts and sets counted), which bounds its memory on large corpora.
 */
export class ShingleCache {
  private readonly byText = new Map<string, Shingles>();
  private readonly fingerprints = new Map<string, string>();
  private bytes = 0;

  /** @param maxBytes Default {@link SHINGLE_CACHE_BYTES}. */
  constructor(private readonly maxBytes = SHINGLE_CACHE_BYTES) {}

  of(text: string): Shingles {
    let shingles = this.byText.get(text);
    if (shingles === undefined) {
      const built = shingleSetOf(text);
      this.count(2 * text.length + built.bytes);
      this.byText.set(text, built);
      shingles = built;
    }
    return shingles;
  }

  /** `textFingerprint(text)`, remembered. */
  fingerprint(text: string): string {
    let fingerprint = this.fingerprints.get(text);
    if (fingerprint === undefined) {
      fingerprint = textFingerprint(text);
      this.count(2 * text.length);
      this.fingerprints.set(text, fingerprint);
    }
    return fingerprint;
  }

  /** How many distinct texts were shingled (lets tests see that work is lazy). */
  get size(): number {
    return this.byText.size;
  }

  private count(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes <= this.maxBytes) return;
    this.byText.clear();
    this.fingerprints.clear();
    this.bytes = bytes;
  }
}
