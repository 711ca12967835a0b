import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";

/** First bytes of every document-vectors file; the digits are the format version. */
const MAGIC = "HNVEC001";
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Large files are read in slices: one `readSync` is limited to 2 GiB. */
const READ_SLICE_BYTES = 1 << 30;

/** What a vectors file was computed from; it is only used while all of it still matches. */
export interface VectorFileHeader {
  /** Hash of collection, target keys and embedder id. */
  key: string;
  databaseId: string;
  /** The collection's write version the vectors were computed at: a write makes the file stale. */
  collectionVersion: number;
  embedderId: string;
  dimension: number;
  documentCount: number;
  littleEndian: boolean;
}

/**
 * Writes the document vectors (row-major float32, one row per BM25 document index) atomically:
 * a temporary file, flushed, renamed over `file`. Layout: magic, uint32 header length, JSON
 * header, padding to 8 bytes, raw floats.
 */
export function writeVectorFile(file: string, header: Omit<VectorFileHeader, "littleEndian">, matrix: Float32Array): void {
  const json = Buffer.from(JSON.stringify({ ...header, littleEndian: LITTLE_ENDIAN }), "utf8");
  const dataStart = Math.ceil((12 + json.byteLength) / 8) * 8;
  const head = Buffer.alloc(dataStart, 0x20);
  head.write(MAGIC, 0, "latin1");
  head.writeUInt32LE(json.byteLength, 8);
  json.copy(head, 12);
  const temporaryFile = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const descriptor = openSync(temporaryFile, "w");
  try {
    writeAll(descriptor, head);
    writeAll(descriptor, new Uint8Array(matrix.buffer, matrix.byteOffset, matrix.byteLength));
    fsyncSync(descriptor);
  } catch (error) {
    closeSync(descriptor);
    rmSync(temporaryFile, { force: true });
    throw error;
  }
  closeSync(descriptor);
  renameSync(temporaryFile, file);
}

/** Reads a vectors file if it exists, is whole and matches `expected`; otherwise undefined (then it is recomputed). */
export function readVectorFile(file: string, expected: Omit<VectorFileHeader, "dimension" | "documentCount" | "littleEndian">): { header: VectorFileHeader; matrix: Float32Array } | undefined {
  let descriptor: number;
  try {
    descriptor = openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const prefix = Buffer.alloc(12);
    if (readSync(descriptor, prefix, 0, 12, 0) !== 12 || prefix.toString("latin1", 0, 8) !== MAGIC) return undefined;
    const length = prefix.readUInt32LE(8);
    const json = Buffer.alloc(length);
    if (readSync(descriptor, json, 0, length, 12) !== length) return undefined;
    const header = JSON.parse(json.toString("utf8")) as VectorFileHeader;
    if (header.littleEndian !== LITTLE_ENDIAN || header.key !== expected.key || header.databaseId !== expected.databaseId
      || header.collectionVersion !== expected.collectionVersion || header.embedderId !== expected.embedderId) return undefined;
    const dataStart = Math.ceil((12 + length) / 8) * 8;
    const matrix = new Float32Array(header.dimension * header.documentCount);
    const bytes = new Uint8Array(matrix.buffer);
    for (let position = 0; position < bytes.byteLength; ) {
      const size = Math.min(READ_SLICE_BYTES, bytes.byteLength - position);
      const read = readSync(descriptor, bytes, position, size, dataStart + position);
      if (read === 0) return undefined; // shorter than its header says
      position += read;
    }
    return { header, matrix };
  } catch {
    return undefined;
  } finally {
    closeSync(descriptor);
  }
}

function writeAll(descriptor: number, bytes: Uint8Array): void {
  for (let position = 0; position < bytes.byteLength; ) position += writeSync(descriptor, bytes, position, bytes.byteLength - position);
}
