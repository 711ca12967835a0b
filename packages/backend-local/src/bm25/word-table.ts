/**
 * Word → integer map keyed by a range of a larger string, probed without creating the word as a
 * string (open addressing on the scanner's hash). Index building looks up every corpus token
 * here; a `Map<string, number>` would need a fresh substring per token and cost about 3x more.
 */
export class WordTable {
  private slots = new Int32Array(1 << 16);
  private readonly words: string[] = [];
  private hashes = new Int32Array(1 << 15);
  private values = new Int32Array(1 << 15);

  get size(): number {
    return this.words.length;
  }

  /** The value stored for `text[start .. end)`, or undefined. */
  get(text: string, start: number, end: number, hash: number): number | undefined {
    const mask = this.slots.length - 1;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]! - 1;
      if (entry < 0) return undefined;
      if (this.hashes[entry] !== (hash | 0)) continue;
      const word = this.words[entry]!;
      if (word.length !== length) continue;
      let same = true;
      for (let offset = 0; offset < length; offset++) {
        if (word.charCodeAt(offset) !== text.charCodeAt(start + offset)) {
          same = false;
          break;
        }
      }
      if (same) return this.values[entry]!;
    }
  }

  /** Stores `value` for `word` (which must not be present yet), hashed as the scanner hashes it. */
  add(word: string, hash: number, value: number): void {
    const entry = this.words.length;
    if (entry === this.hashes.length) {
      this.hashes = grown(this.hashes);
      this.values = grown(this.values);
    }
    this.words.push(word);
    this.hashes[entry] = hash | 0;
    this.values[entry] = value;
    // Keep the table at most half full so probes stay short.
    if (this.words.length * 2 > this.slots.length) this.rehash();
    else this.place(entry);
  }

  private place(entry: number): void {
    const mask = this.slots.length - 1;
    let slot = this.hashes[entry]! & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = entry + 1;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let entry = 0; entry < this.words.length; entry++) this.place(entry);
  }
}

function grown(array: Int32Array): Int32Array<ArrayBuffer> {
  const larger = new Int32Array(array.length * 2);
  larger.set(array);
  return larger;
}
