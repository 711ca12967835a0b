import { closeSync } from "node:fs";
import { alignUp, headerBlock, HEADER_PREFIX_BYTES, LITTLE_ENDIAN, openIfReadable, readFully, readHeader, writeFileAtomically } from "../binary-file.js";

/** First bytes of every document-vectors file; the digits are the format version. */
const MAGIC = "HNVEC001";

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
  const head = headerBlock(MAGIC, { ...header, littleEndian: LITTLE_ENDIAN });
  writeFileAtomically(file, (append) => {
    append(head);
    append(new Uint8Array(matrix.buffer, matrix.byteOffset, matrix.byteLength));
  });
}

/** Reads a vectors file if it exists, is whole and matches `expected`; otherwise undefined (then it is recomputed). */
export function readVectorFile(file: string, expected: Omit<VectorFileHeader, "dimension" | "documentCount" | "littleEndian">): { header: VectorFileHeader; matrix: Float32Array } | undefined {
  const descriptor = openIfReadable(file);
  if (descriptor === undefined) return undefined;
  try {
    const read = readHeader<VectorFileHeader>(descriptor, MAGIC);
    if (read === undefined) return undefined;
    const { header } = read;
    if (header.littleEndian !== LITTLE_ENDIAN || header.key !== expected.key || header.databaseId !== expected.databaseId
      || header.collectionVersion !== expected.collectionVersion || header.embedderId !== expected.embedderId) return undefined;
    const matrix = new Float32Array(header.dimension * header.documentCount);
    // A file shorter than its header says is stale: recomputed, not trusted.
    if (!readFully(descriptor, new Uint8Array(matrix.buffer), alignUp(HEADER_PREFIX_BYTES + read.jsonBytes))) return undefined;
    return { header, matrix };
  } catch {
    return undefined;
  } finally {
    closeSync(descriptor);
  }
}
