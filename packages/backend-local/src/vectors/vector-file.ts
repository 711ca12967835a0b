import { closeSync, fstatSync } from "node:fs";
import {
  alignUp,
  checksummedHeader,
  checksumOf,
  headerBlock,
  HEADER_PREFIX_BYTES,
  LITTLE_ENDIAN,
  openIfReadable,
  readFully,
  readHeader,
  writeFileAtomically,
} from "../binary-file.js";

/** First bytes of every document-vectors file; the digits are the format version (002: with a checksum). */
const MAGIC = "HNVEC002";
/** The magic without its version: a file starting so is an older vectors file, not a damaged one. */
const MAGIC_FAMILY = "HNVEC";

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
  /** CRC-32 of the rest of this header and of the vectors' bytes. */
  checksum: number;
}

/** What {@link readVectorFile} found: usable vectors, nothing usable (missing, stale, older format), or damage. */
export type VectorFileRead =
  | { status: "read"; header: VectorFileHeader; matrix: Float32Array }
  | { status: "missing" | "stale" | "other-version" }
  | { status: "damaged"; reason: string };

/**
 * Writes the document vectors (row-major float32, one row per BM25 document index) atomically:
 * a temporary file, flushed, renamed over `file`. Layout: magic, uint32 header length, JSON
 * header (with the checksum), padding to 8 bytes, raw floats.
 */
export function writeVectorFile(file: string, header: Omit<VectorFileHeader, "littleEndian" | "checksum">, matrix: Float32Array): void {
  const bytes = new Uint8Array(matrix.buffer, matrix.byteOffset, matrix.byteLength);
  const checked: Omit<VectorFileHeader, "checksum"> = { ...header, littleEndian: LITTLE_ENDIAN };
  const head = headerBlock(MAGIC, { ...checked, checksum: checksumOf([checksummedHeader(checked), bytes]) });
  writeFileAtomically(file, (append) => {
    append(head);
    append(bytes);
  });
}

/**
 * Reads a vectors file when it exists, matches `expected` and is intact (its checksum checked
 * over header and vectors: damaged vectors are never served, they are recomputed).
 */
export function readVectorFile(
  file: string,
  expected: Omit<VectorFileHeader, "dimension" | "documentCount" | "littleEndian" | "checksum">,
): VectorFileRead {
  const descriptor = openIfReadable(file);
  if (descriptor === undefined) return { status: "missing" };
  try {
    const read = readHeader<VectorFileHeader>(descriptor, MAGIC, MAGIC_FAMILY);
    if (read.status !== "read") return read;
    const { header } = read;
    if (header.littleEndian !== LITTLE_ENDIAN) return { status: "other-version" };
    if (
      header.key !== expected.key ||
      header.databaseId !== expected.databaseId ||
      header.collectionVersion !== expected.collectionVersion ||
      header.embedderId !== expected.embedderId
    )
      return { status: "stale" };
    const start = alignUp(HEADER_PREFIX_BYTES + read.jsonBytes);
    const values = header.dimension * header.documentCount;
    // Checked before allocating, so a damaged size cannot ask for gigabytes.
    if (!Number.isSafeInteger(values) || values < 0 || start + values * 4 > fstatSync(descriptor).size)
      return { status: "damaged", reason: "shorter than its header says" };
    const matrix = new Float32Array(values);
    const bytes = new Uint8Array(matrix.buffer);
    if (!readFully(descriptor, bytes, start)) return { status: "damaged", reason: "shorter than its header says" };
    if (checksumOf([checksummedHeader(header), bytes]) !== header.checksum) return { status: "damaged", reason: "checksum mismatch" };
    return { status: "read", header, matrix };
  } finally {
    closeSync(descriptor);
  }
}
