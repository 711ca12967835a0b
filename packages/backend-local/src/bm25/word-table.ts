/** Int32 fields per slot: the word's hash, its value, where its characters start in the pool, its length (0: empty slot). */
const SLOT_FIELDS = 4;
const HASH = 0;
const VALUE = 1;
const START = 2;
const LENGTH = 3;

/**
 * Word → integer map keyed by a range of a larger string, probed without creating the word as a
 * string (open addressing on the scanner's hash). Index building looks up every corpus token
 * here; a `Map<string, number>` would need a fresh substring per token and cost about 3x more.
 *
 * A slot holds everything a probe compares (hash, length, value) in 16 bytes, and the words'
 * characters sit together in one pool, so a hit costs about two cache misses on a large
 * vocabulary rather than one per array and one per string object.
 */
export class WordTable {
  private slots = new Int32Array(SLOT_FIELDS << 16);
  private characters = new Uint16Array(1 << 16);
  private charactersUsed = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The value stored for `text[start .. end)`, or undefined. */
  get(text: string, start: number, end: number, hash: number): number | undefined {
    const slots = this.slots;
    const mask = slots.length / SLOT_FIELDS - 1;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = slot * SLOT_FIELDS;
      const slotLength = slots[at + LENGTH]!;
      if (slotLength === 0) return undefined;
      if (slotLength !== length || slots[at + HASH] !== (hash | 0)) continue;
      const characters = this.characters;
      const first = slots[at + START]!;
      let offset = 0;
      while (offset < length && characters[first + offset] === text.charCodeAt(start + offset)) offset++;
      if (offset === length) return slots[at + VALUE]!;
    }
  }

  /** Stores `value` for `word` (which must not be present yet, nor empty), hashed as the scanner hashes it. */
  add(word: string, hash: number, value: number): void {
    while (this.charactersUsed + word.length > this.characters.length) this.characters = grown(this.characters);
    const start = this.charactersUsed;
    for (let offset = 0; offset < word.length; offset++) this.characters[start + offset] = word.charCodeAt(offset);
    this.charactersUsed += word.length;
    this.count++;
    // Keep the table at most half full so probes stay short.
    if (this.count * 2 > this.slots.length / SLOT_FIELDS) this.rehash();
    this.place(hash | 0, value, start, word.length);
  }

  private place(hash: number, value: number, start: number, length: number): void {
    const slots = this.slots;
    const mask = slots.length / SLOT_FIELDS - 1;
    let slot = hash & mask;
    while (slots[slot * SLOT_FIELDS + LENGTH] !== 0) slot = (slot + 1) & mask;
    const at = slot * SLOT_FIELDS;
    slots[at + HASH] = hash;
    slots[at + VALUE] = value;
    slots[at + START] = start;
    slots[at + LENGTH] = length;
  }

  private rehash(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    for (let at = 0; at < old.length; at += SLOT_FIELDS) {
      if (old[at + LENGTH] !== 0) this.place(old[at + HASH]!, old[at + VALUE]!, old[at + START]!, old[at + LENGTH]!);
    }
  }
}

function grown(array: Uint16Array): Uint16Array<ArrayBuffer> {
  const larger = new Uint16Array(array.length * 2);
  larger.set(array);
  return larger;
}
