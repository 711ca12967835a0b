import { closeSync, fstatSync, openSync } from "node:fs";
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
import { Bm25Index, type Bm25Parameters } from "./bm25-index.js";

/** First bytes of every index file; the digit is the format version (2: with a checksum; 3: with term max scores). */
const MAGIC = "HNBM25v3";
/** The magic without its version: a file starting so is an older index, not a damaged one. */
const MAGIC_FAMILY = "HNBM25v";

/** What an index was built from; a file is only used when all of it still matches. */
export interface IndexFileIdentity {
  /** Hash of collection, target keys and analyser/BM25 options. */
  key: string;
  /** Random id of the database, so an index folder copied next to another database is not trusted. */
  databaseId: string;
  /** The collection's write version when the index was built. */
  collectionVersion: number;
}

/** The header of an index file: its identity, sizes, and where each section lies. */
export interface IndexFileHeader extends IndexFileIdentity {
  collection: string;
  littleEndian: boolean;
  documentCount: number;
  termCount: number;
  postingCount: number;
  averageDocumentLength: number;
  parameters: Bm25Parameters;
  /** Section name → [byte offset from file start, byte length]; every offset is 8-byte aligned. */
  sections: Record<SectionName, [number, number]>;
  /** CRC-32 of the rest of this header and of every section, in {@link SECTION_ORDER}. */
  checksum: number;
}

/** What {@link readIndexFileHeader} found: a usable header, no file, an older format, or damage. */
export type IndexFileHeaderRead =
  | { status: "read"; header: IndexFileHeader }
  | { status: "missing" | "other-version" }
  | { status: "damaged"; reason: string };

type SectionName = "termOffsets" | "postingDocuments" | "postingScores" | "termMaxScores" | "recordRowIds" | "vocabulary" | "documentIds";

/** The order sections are written in, and checksummed in. */
const SECTION_ORDER: readonly SectionName[] = [
  "termOffsets",
  "postingDocuments",
  "postingScores",
  "termMaxScores",
  "recordRowIds",
  "vocabulary",
  "documentIds",
];

/** A file whose content does not match its checksum or its own header: it is rebuilt, with a warning. */
export class DamagedIndexFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`index file ${file} is damaged: ${reason}`);
    this.name = "DamagedIndexFileError";
  }
}

/**
 * Writes the index atomically: into a temporary file in the same folder, flushed, then renamed
 * over `file`, so a reader sees either the old complete file or the new one, never a torn write.
 * Typed arrays go to disk as their raw bytes; strings as one UTF-8 JSON array per section.
 */
export function writeIndexFile(file: string, index: Bm25Index, identity: IndexFileIdentity): void {
  const { data } = index;
  const bytesBySection: Record<SectionName, Uint8Array> = {
    termOffsets: bytesOf(data.termOffsets),
    postingDocuments: bytesOf(data.postingDocuments),
    postingScores: bytesOf(data.postingScores),
    termMaxScores: bytesOf(data.termMaxScores),
    recordRowIds: bytesOf(data.recordRowIds),
    vocabulary: Buffer.from(JSON.stringify(data.vocabulary), "utf8"),
    documentIds: Buffer.from(JSON.stringify(data.documentIds), "utf8"),
  };
  const sections = SECTION_ORDER.map((name) => [name, bytesBySection[name]] as const);
  const header: Omit<IndexFileHeader, "checksum"> & { checksum?: number } = {
    ...identity,
    collection: index.collection,
    littleEndian: LITTLE_ENDIAN,
    documentCount: index.documentCount,
    termCount: index.termCount,
    postingCount: index.postingCount,
    averageDocumentLength: data.averageDocumentLength,
    parameters: data.parameters,
    sections: {} as IndexFileHeader["sections"],
  };
  // The header holds the section offsets, which depend on the header's own length: reserve a
  // generous fixed-size slot (offsets are small integers, the checksum a uint32) and pad the JSON into it.
  const widest = {
    ...header,
    sections: Object.fromEntries(sections.map(([name]) => [name, [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]])),
    checksum: 0xffffffff,
  };
  const headerSlotBytes = alignUp(Buffer.byteLength(JSON.stringify(widest)) + HEADER_PREFIX_BYTES);
  let offset = headerSlotBytes;
  for (const [name, bytes] of sections) {
    header.sections[name] = [offset, bytes.byteLength];
    offset = alignUp(offset + bytes.byteLength);
  }
  header.checksum = checksumOf([checksummedHeader(header), ...sections.map(([, bytes]) => bytes)]);
  const headerBytes = headerBlock(MAGIC, header, headerSlotBytes);

  writeFileAtomically(file, (append) => {
    append(headerBytes);
    let written = headerSlotBytes;
    for (const [name, bytes] of sections) {
      const [sectionOffset] = header.sections[name];
      if (sectionOffset > written) append(Buffer.alloc(sectionOffset - written));
      append(bytes);
      written = sectionOffset + bytes.byteLength;
    }
  });
}

/** Reads only the header, to decide cheaply whether the file is still valid. */
export function readIndexFileHeader(file: string): IndexFileHeaderRead {
  const descriptor = openIfReadable(file);
  if (descriptor === undefined) return { status: "missing" };
  try {
    const read = readHeader<IndexFileHeader>(descriptor, MAGIC, MAGIC_FAMILY);
    if (read.status !== "read") return read;
    // Written on a machine of the other byte order: rebuilt, not misread, and not damaged.
    return read.header.littleEndian === LITTLE_ENDIAN ? { status: "read", header: read.header } : { status: "other-version" };
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Loads an index file: one read of the whole file into an 8-byte-aligned shared buffer, the checksum
 * checked over the header and every section (never serving a damaged posting), typed arrays as
 * views over the buffer (no per-posting parsing), two JSON parses for the strings. Throws
 * {@link DamagedIndexFileError} when anything does not match.
 */
export function readIndexFile(file: string, header: IndexFileHeader): Bm25Index {
  const { sections } = header;
  const fileBytes = Math.max(...Object.values(sections).map(([offset, length]) => offset + length));
  const descriptor = openSync(file, "r");
  // Shared memory, so search threads read the postings in place (bm25/search-threads.ts).
  let buffer: SharedArrayBuffer;
  try {
    // Checked before allocating, so a damaged offset cannot ask for gigabytes.
    if (!(fileBytes <= fstatSync(descriptor).size)) throw new DamagedIndexFileError(file, "shorter than its header says");
    buffer = new SharedArrayBuffer(fileBytes);
    if (!readFully(descriptor, new Uint8Array(buffer), 0)) throw new DamagedIndexFileError(file, "shorter than its header says");
  } finally {
    closeSync(descriptor);
  }
  const bytesOfSection = (name: SectionName) => new Uint8Array(buffer, sections[name][0], sections[name][1]);
  if (checksumOf([checksummedHeader(header), ...SECTION_ORDER.map(bytesOfSection)]) !== header.checksum) {
    throw new DamagedIndexFileError(file, "checksum mismatch");
  }
  const view = <T>(name: SectionName, make: (offset: number, length: number) => T): T => make(sections[name][0], sections[name][1]);
  const text = (name: SectionName) =>
    JSON.parse(view(name, (offset, length) => Buffer.from(buffer, offset, length).toString("utf8"))) as string[];
  const index = new Bm25Index({
    collection: header.collection,
    parameters: header.parameters,
    averageDocumentLength: header.averageDocumentLength,
    termOffsets: view("termOffsets", (offset, length) => new Uint32Array(buffer, offset, length / 4)),
    postingDocuments: view("postingDocuments", (offset, length) => new Uint32Array(buffer, offset, length / 4)),
    postingScores: view("postingScores", (offset, length) => new Float32Array(buffer, offset, length / 4)),
    termMaxScores: view("termMaxScores", (offset, length) => new Float32Array(buffer, offset, length / 4)),
    recordRowIds: view("recordRowIds", (offset, length) => new Float64Array(buffer, offset, length / 8)),
    vocabulary: text("vocabulary"),
    documentIds: text("documentIds"),
  });
  if (
    index.documentCount !== header.documentCount ||
    index.termCount !== header.termCount ||
    index.data.termMaxScores.length !== header.termCount
  )
    throw new DamagedIndexFileError(file, "sizes differ from its header");
  return index;
}

function bytesOf(array: Uint32Array | Float32Array | Float64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
