import { createHash } from "node:crypto";
import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { EmbeddingKind } from "./embedder.js";

/** First bytes of a cache file; the digits are the format version. */
const MAGIC = "HNEMB001";
/** Bytes of the text hash stored with each vector (128 bits of SHA-256). */
const KEY_BYTES = 16;
/** Records read per `readSync` when a file is opened. */
const SCAN_RECORDS = 4096;

/** The cache folder used when none is configured, relative to the working directory. */
export const DEFAULT_EMBEDDING_CACHE_DIRECTORY = ".hardneg-cache/embeddings";

/**
 * Writes a `.gitignore` that ignores everything into `createdFolder`, the outermost folder the
 * cache just created (as pytest does for its cache): it holds nothing but cache, so a user's
 * repository stays clean. A folder that existed before is the user's and is left alone.
 */
function ignoreInGit(createdFolder: string | undefined): void {
  if (createdFolder === undefined) return;
  try {
    writeFileSync(join(createdFolder, ".gitignore"), "# Written by hardneg: this folder is a cache.\n*\n", { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}

/**
 * An append-only on-disk cache of one embedder's vectors, keyed by a hash of (query|document,
 * text): re-mining, re-evaluating or re-loading never embeds a text twice.
 *
 * File layout (`<directory>/<embedder name>-<hash of embedder id>.bin`): the 8-byte magic, a
 * uint32 header length, a JSON header `{ embedderId, dimension }`, then fixed-size records of a
 * 16-byte key followed by `dimension` float32 values (platform byte order, little-endian in
 * practice). Appending whole records with one write is safe for several processes on a local
 * file system; a record torn by a crash is cut off the next time the file is opened. Only the
 * keys live in memory (with the record's offset); vectors are read from the file when asked.
 */
export class EmbeddingCache {
  readonly file: string;
  private offsets: Map<string, number> | undefined;
  /** Vectors appended by this process (their offsets are unknown if others append too). */
  private readonly appended = new Map<string, Float32Array>();
  private descriptor: number | undefined;
  private dimension = 0;
  private dataStart = 0;

  constructor(
    readonly embedderId: string,
    directory: string = DEFAULT_EMBEDDING_CACHE_DIRECTORY,
  ) {
    this.file = join(resolve(directory), `${fileStem(embedderId)}.bin`);
  }

  /** The cache key of a text: hex of the first 128 bits of SHA-256 over kind and text. */
  static keyOf(kind: EmbeddingKind, text: string): string {
    return createHash("sha256")
      .update(kind === "query" ? "q\u0000" : "d\u0000")
      .update(text)
      .digest("hex")
      .slice(0, KEY_BYTES * 2);
  }

  /** Cached vectors of the given keys; missing keys are absent. */
  get(keys: readonly string[]): Map<string, Float32Array> {
    this.open();
    const found = new Map<string, Float32Array>();
    for (const key of keys) {
      if (found.has(key)) continue;
      const fresh = this.appended.get(key);
      if (fresh !== undefined) {
        found.set(key, fresh);
        continue;
      }
      const offset = this.offsets!.get(key);
      if (offset === undefined) continue;
      const vector = new Float32Array(this.dimension);
      const bytes = new Uint8Array(vector.buffer);
      if (readSync(this.descriptor!, bytes, 0, bytes.byteLength, offset + KEY_BYTES) === bytes.byteLength) found.set(key, vector);
    }
    return found;
  }

  /** Appends vectors (one write). Vectors of another length than the file's are not cached. */
  put(entries: ReadonlyMap<string, Float32Array>): void {
    this.open();
    const fresh = [...entries].filter(([key, vector]) => !this.offsets!.has(key) && !this.appended.has(key) && vector.length > 0);
    if (fresh.length === 0) return;
    if (this.dimension === 0) this.writeHeader(fresh[0]![1].length);
    const recordBytes = KEY_BYTES + 4 * this.dimension;
    const usable = fresh.filter(([, vector]) => vector.length === this.dimension);
    const buffer = Buffer.alloc(recordBytes * usable.length);
    usable.forEach(([key, vector], position) => {
      const start = position * recordBytes;
      buffer.write(key, start, KEY_BYTES, "hex");
      Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(buffer, start + KEY_BYTES);
    });
    const position = fstatSync(this.descriptor!).size;
    for (let written = 0; written < buffer.byteLength; )
      written += writeSync(this.descriptor!, buffer, written, buffer.byteLength - written, position + written);
    for (const [key, vector] of usable) this.appended.set(key, vector);
  }

  /** Number of vectors cached (this process's appends included). */
  get size(): number {
    this.open();
    return this.offsets!.size + this.appended.size;
  }

  close(): void {
    if (this.descriptor !== undefined) closeSync(this.descriptor);
    this.descriptor = undefined;
    this.offsets = undefined;
    this.appended.clear();
  }

  /** Opens (creating) the file and indexes its keys, once. */
  private open(): void {
    if (this.offsets !== undefined) return;
    ignoreInGit(mkdirSync(dirname(this.file), { recursive: true }));
    this.descriptor = openSync(this.file, "a+");
    this.offsets = new Map();
    const size = fstatSync(this.descriptor).size;
    if (size === 0) return;
    const header = this.readHeader(size);
    if (header === undefined) {
      // Unreadable or written for another embedder (a hash collision of the file name): start over.
      ftruncateSync(this.descriptor, 0);
      return;
    }
    this.dimension = header.dimension;
    this.dataStart = header.dataStart;
    const recordBytes = KEY_BYTES + 4 * this.dimension;
    const records = Math.floor((size - this.dataStart) / recordBytes);
    const whole = this.dataStart + records * recordBytes;
    if (whole < size) ftruncateSync(this.descriptor, whole); // a record torn by a crash
    const chunk = Buffer.alloc(recordBytes * SCAN_RECORDS);
    for (let record = 0; record < records; record += SCAN_RECORDS) {
      const count = Math.min(SCAN_RECORDS, records - record);
      const start = this.dataStart + record * recordBytes;
      readSync(this.descriptor, chunk, 0, count * recordBytes, start);
      for (let index = 0; index < count; index++) {
        this.offsets.set(chunk.toString("hex", index * recordBytes, index * recordBytes + KEY_BYTES), start + index * recordBytes);
      }
    }
  }

  private readHeader(size: number): { dimension: number; dataStart: number } | undefined {
    if (size < 12) return undefined;
    const prefix = Buffer.alloc(12);
    readSync(this.descriptor!, prefix, 0, 12, 0);
    if (prefix.toString("latin1", 0, 8) !== MAGIC) return undefined;
    const length = prefix.readUInt32LE(8);
    if (length > 65_536 || 12 + length > size) return undefined;
    const json = Buffer.alloc(length);
    readSync(this.descriptor!, json, 0, length, 12);
    try {
      const header = JSON.parse(json.toString("utf8")) as { embedderId?: unknown; dimension?: unknown };
      if (header.embedderId !== this.embedderId || typeof header.dimension !== "number" || !(header.dimension > 0)) return undefined;
      return { dimension: header.dimension, dataStart: 12 + length };
    } catch {
      return undefined;
    }
  }

  private writeHeader(dimension: number): void {
    const json = Buffer.from(JSON.stringify({ embedderId: this.embedderId, dimension }), "utf8");
    const header = Buffer.alloc(12 + json.byteLength);
    header.write(MAGIC, 0, "latin1");
    header.writeUInt32LE(json.byteLength, 8);
    json.copy(header, 12);
    writeSync(this.descriptor!, header, 0, header.byteLength, 0);
    this.dimension = dimension;
    this.dataStart = header.byteLength;
  }
}

/** A file-name-safe stem: a readable part of the id plus a hash of all of it. */
function fileStem(embedderId: string): string {
  const readable = embedderId
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[_.]+/, "")
    .slice(0, 60);
  return `${readable}-${createHash("sha256").update(embedderId).digest("hex").slice(0, 16)}`;
}
