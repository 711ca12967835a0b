import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { Bm25Index, type Bm25Parameters } from "./bm25-index.js";

/** First bytes of every index file; the digit is the format version. */
const MAGIC = "HNBM25v1";
/** Typed arrays are stored in the platform's byte order; files say which, so a foreign one is rebuilt. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Large files are read in slices, because one `readSync` is limited to 2 GiB. */
const READ_SLICE_BYTES = 1 << 30;

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
}

type SectionName = "termOffsets" | "postingDocuments" | "postingScores" | "recordRowIds" | "vocabulary" | "documentIds";

/**
 * Writes the index atomically: into a temporary file in the same folder, flushed, then renamed
 * over `file`, so a reader sees either the old complete file or the new one, never a torn write.
 * Typed arrays go to disk as their raw bytes; strings as one UTF-8 JSON array per section.
 */
export function writeIndexFile(file: string, index: Bm25Index, identity: IndexFileIdentity): void {
  const { data } = index;
  const sections: Array<[SectionName, Uint8Array]> = [
    ["termOffsets", bytesOf(data.termOffsets)],
    ["postingDocuments", bytesOf(data.postingDocuments)],
    ["postingScores", bytesOf(data.postingScores)],
    ["recordRowIds", bytesOf(data.recordRowIds)],
    ["vocabulary", Buffer.from(JSON.stringify(data.vocabulary), "utf8")],
    ["documentIds", Buffer.from(JSON.stringify(data.documentIds), "utf8")],
  ];
  const header: IndexFileHeader = {
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
  // generous fixed-size slot (offsets are small integers) and pad the JSON into it.
  const headerSlotBytes = alignUp(Buffer.byteLength(JSON.stringify({ ...header, sections: Object.fromEntries(sections.map(([name]) => [name, [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]])) })) + 12);
  let offset = headerSlotBytes;
  for (const [name, bytes] of sections) {
    header.sections[name] = [offset, bytes.byteLength];
    offset = alignUp(offset + bytes.byteLength);
  }
  const headerBytes = Buffer.alloc(headerSlotBytes, 0x20);
  headerBytes.write(MAGIC, 0, "latin1");
  const headerJson = Buffer.from(JSON.stringify(header), "utf8");
  headerBytes.writeUInt32LE(headerJson.byteLength, 8);
  headerJson.copy(headerBytes, 12);

  const temporaryFile = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const descriptor = openSync(temporaryFile, "w");
  try {
    writeAll(descriptor, headerBytes);
    let written = headerSlotBytes;
    for (const [name, bytes] of sections) {
      const [sectionOffset] = header.sections[name];
      if (sectionOffset > written) writeAll(descriptor, Buffer.alloc(sectionOffset - written));
      writeAll(descriptor, bytes);
      written = sectionOffset + bytes.byteLength;
    }
    fsyncSync(descriptor);
  } catch (error) {
    closeSync(descriptor);
    rmSync(temporaryFile, { force: true });
    throw error;
  }
  closeSync(descriptor);
  renameSync(temporaryFile, file);
}

/** Reads only the header, to decide cheaply whether the file is still valid. Undefined if unreadable. */
export function readIndexFileHeader(file: string): IndexFileHeader | undefined {
  let descriptor: number;
  try {
    descriptor = openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const prefix = Buffer.alloc(12);
    if (readSync(descriptor, prefix, 0, 12, 0) !== 12 || prefix.toString("latin1", 0, 8) !== MAGIC) return undefined;
    const headerLength = prefix.readUInt32LE(8);
    const headerJson = Buffer.alloc(headerLength);
    if (readSync(descriptor, headerJson, 0, headerLength, 12) !== headerLength) return undefined;
    const header = JSON.parse(headerJson.toString("utf8")) as IndexFileHeader;
    return header.littleEndian === LITTLE_ENDIAN ? header : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Loads an index file: one read of the whole file into an 8-byte-aligned buffer, typed arrays
 * as views over it (no per-posting parsing), two JSON parses for the strings.
 */
export function readIndexFile(file: string, header: IndexFileHeader): Bm25Index {
  const { sections } = header;
  const fileBytes = Math.max(...Object.values(sections).map(([offset, length]) => offset + length));
  const buffer = new ArrayBuffer(fileBytes);
  const descriptor = openSync(file, "r");
  try {
    for (let position = 0; position < fileBytes; ) {
      const read = readSync(descriptor, new Uint8Array(buffer, position, Math.min(READ_SLICE_BYTES, fileBytes - position)), 0, Math.min(READ_SLICE_BYTES, fileBytes - position), position);
      if (read === 0) throw new Error(`index file ${file} is shorter than its header says`);
      position += read;
    }
  } finally {
    closeSync(descriptor);
  }
  const view = <T>(name: SectionName, make: (offset: number, length: number) => T): T => make(sections[name][0], sections[name][1]);
  const text = (name: SectionName) => JSON.parse(view(name, (offset, length) => Buffer.from(buffer, offset, length).toString("utf8"))) as string[];
  return new Bm25Index({
    collection: header.collection,
    parameters: header.parameters,
    averageDocumentLength: header.averageDocumentLength,
    termOffsets: view("termOffsets", (offset, length) => new Uint32Array(buffer, offset, length / 4)),
    postingDocuments: view("postingDocuments", (offset, length) => new Uint32Array(buffer, offset, length / 4)),
    postingScores: view("postingScores", (offset, length) => new Float32Array(buffer, offset, length / 4)),
    recordRowIds: view("recordRowIds", (offset, length) => new Float64Array(buffer, offset, length / 8)),
    vocabulary: text("vocabulary"),
    documentIds: text("documentIds"),
  });
}

function bytesOf(array: Uint32Array | Float32Array | Float64Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function alignUp(offset: number): number {
  return Math.ceil(offset / 8) * 8;
}

function writeAll(descriptor: number, bytes: Uint8Array): void {
  for (let position = 0; position < bytes.byteLength; ) position += writeSync(descriptor, bytes, position, bytes.byteLength - position);
}
