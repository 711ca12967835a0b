import { closeSync, openSync } from "node:fs";
import { alignUp, headerBlock, HEADER_PREFIX_BYTES, LITTLE_ENDIAN, openIfReadable, readFully, readHeader, writeFileAtomically } from "../binary-file.js";
import { Bm25Index, type Bm25Parameters } from "./bm25-index.js";

/** First bytes of every index file; the digit is the format version. */
const MAGIC = "HNBM25v1";

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
  const headerSlotBytes = alignUp(Buffer.byteLength(JSON.stringify({ ...header, sections: Object.fromEntries(sections.map(([name]) => [name, [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]])) })) + HEADER_PREFIX_BYTES);
  let offset = headerSlotBytes;
  for (const [name, bytes] of sections) {
    header.sections[name] = [offset, bytes.byteLength];
    offset = alignUp(offset + bytes.byteLength);
  }
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

/** Reads only the header, to decide cheaply whether the file is still valid. Undefined if unreadable. */
export function readIndexFileHeader(file: string): IndexFileHeader | undefined {
  const descriptor = openIfReadable(file);
  if (descriptor === undefined) return undefined;
  try {
    const header = readHeader<IndexFileHeader>(descriptor, MAGIC)?.header;
    return header?.littleEndian === LITTLE_ENDIAN ? header : undefined;
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
    if (!readFully(descriptor, new Uint8Array(buffer), 0)) throw new Error(`index file ${file} is shorter than its header says`);
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
