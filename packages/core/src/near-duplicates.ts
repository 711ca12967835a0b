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
  if (NON_ASCII.test(text)) {
    const normalized = normalizeText(text);
    builder.reset(normalized.length);
    const window = new ShingleWindow(builder);
    for (let index = 0; index < normalized.length; index++) window.push(normalized.charCodeAt(index));
    return builder.build();
  }
  // ASCII text (most benchmark text) is normalised on the fly, as textFingerprint does: building
  // the normalised string first costs as much again as the shingles. Normalising never lengthens
  // ASCII text, so it has at most one shingle per character.
  builder.reset(text.length);
  const window = new ShingleWindow(builder);
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
  return builder.build();
}

const NON_ASCII = /[^\x00-\x7f]/;

/** The last five characters of a text read one at a time, and the set of every full window's hash. */
class ShingleWindow {
  /** Characters pushed so far. */
  length = 0;
  // The window, oldest first (five fields, not an array: this runs once per character of every candidate).
  private first = 0;
  private second = 0;
  private third = 0;
  private fourth = 0;

  constructor(private readonly builder: ShingleBuilder) {}

  push(code: number): void {
    this.length++;
    if (this.length >= SHINGLE_LENGTH) {
      // FNV-1a over the window's UTF-16 code units (a character outside the BMP counts as two).
      let hash = Math.imul(0x811c9dc5 ^ this.first, 0x01000193);
      hash = Math.imul(hash ^ this.second, 0x01000193);
      hash = Math.imul(hash ^ this.third, 0x01000193);
      hash = Math.imul(hash ^ this.fourth, 0x01000193);
      hash = Math.imul(hash ^ code, 0x01000193);
      this.builder.add(hash & 0x3fffffff);
    }
    this.first = this.second;
    this.second = this.third;
    this.third = this.fourth;
    this.fourth = code;
  }
}

/** The smallest power of two at least twice `entries` (at least 16): a table at most half full. */
function capacityFor(entries: number): number {
  let capacity = 16;
  // Stryker disable next-line EqualityOperator: equivalent, a larger table holds the same set
  while (capacity < 2 * entries) capacity *= 2;
  return capacity;
}

/**
 * Collects one text's distinct shingles in a table reused from text to text, then hands them over
 * as a {@link ShingleSet} sized to what the text holds. A text has at most one shingle per
 * character, so a table sized by its length never fills; sizing the kept set by the distinct
 * count instead keeps a few times less memory per text, which lets a whole run keep its sets.
 */
class ShingleBuilder {
  private slots = new Int32Array(16);
  /** The distinct shingles so far, in the order first seen, and where each sits in `slots`. */
  private distinct = new Int32Array(8);
  private used = new Int32Array(8);
  private size = 0;

  /** Starts a text of at most `maxEntries` shingles. */
  reset(maxEntries: number): void {
    // Only the previous text's slots are cleared, not the whole table.
    for (let index = 0; index < this.size; index++) this.slots[this.used[index]!] = 0;
    this.size = 0;
    if (this.slots.length < capacityFor(maxEntries)) this.slots = new Int32Array(capacityFor(maxEntries));
    if (this.distinct.length < maxEntries) {
      this.distinct = new Int32Array(maxEntries);
      this.used = new Int32Array(maxEntries);
    }
  }

  add(shingle: number): void {
    const mask = this.slots.length - 1;
    for (let slot = shingle & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]!;
      if (held === shingle + 1) return;
      if (held === 0) {
        this.slots[slot] = shingle + 1;
        this.used[this.size] = slot;
        this.distinct[this.size++] = shingle;
        return;
      }
    }
  }

  /** The text's shingles as a set of their own (the builder is then free for the next text). */
  build(): ShingleSet {
    return new ShingleSet(this.distinct.slice(0, this.size));
  }
}

const builder = new ShingleBuilder();

/**
 * A set of distinct 30-bit numbers (open addressing in a typed array, at most half full): several
 * times faster to build and to query than a `Set<number>`, which matters because every candidate
 * the scan reaches is shingled.
 */
class ShingleSet implements Shingles {
  readonly size: number;
  /** Shingle + 1 in each used slot (0 marks a free one). */
  private readonly slots: Int32Array;

  /** @param distinct Distinct shingles; the set keeps the array. */
  constructor(private readonly distinct: Int32Array) {
    this.size = distinct.length;
    this.slots = new Int32Array(capacityFor(distinct.length));
    const mask = this.slots.length - 1;
    for (const shingle of distinct) {
      let slot = shingle & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = shingle + 1;
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
 * What a {@link ShingleCache} holds at most by default, 32 MiB: on SciFact (5,183 documents) a
 * whole run's texts fit (about 3,300 of them are met), on larger corpora the cache starts over.
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
