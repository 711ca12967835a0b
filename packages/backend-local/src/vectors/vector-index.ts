import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { availableParallelism } from "node:os";
import { crc32 } from "node:zlib";
import { readFully, writeFileAtomically } from "../binary-file.js";
import type { RankedDocuments } from "../bm25/top-k.js";
import { temporaryFileFor } from "../temporary-files.js";
import { dotAt } from "./vector-search.js";

/**
 * The HNSW graph's parameters (usearch): `connectivity` (M, links per node), `expansionAdd`
 * (efConstruction), `expansionSearch` (efSearch, raised to k when k is larger), `quantization`
 * (how the index stores its copy of the vectors; candidates are rescored exactly from the
 * float32 vectors, so it only affects which documents are found, never their scores).
 * Chosen from benchmarks/vector-bench.mjs (see benchmarks/README.md).
 */
export const VECTOR_INDEX_PARAMETERS = {
  connectivity: 16,
  expansionAdd: 128,
  // 512, not 256: at 1M × 384 (structured vectors) 256 finds 0.887 of the exact top 100, 512 finds 0.966 at 368 q/s.
  expansionSearch: 512,
  quantization: "f16",
} as const;

export type VectorIndexParameters = {
  connectivity: number;
  expansionAdd: number;
  expansionSearch: number;
  quantization: "f32" | "f16" | "i8";
};

/** Version of the header written beside usearch's own file; another version is rebuilt silently. */
const FORMAT = "hardneg-ann-1";

/** What an index file was built from; it is only used while all of it still matches. */
export interface VectorIndexHeader {
  format: string;
  /** The vectors file's key (collection, target keys, embedder). */
  key: string;
  databaseId: string;
  collectionVersion: number;
  embedderId: string;
  documentCount: number;
  dimension: number;
  connectivity: number;
  expansionAdd: number;
  quantization: string;
  usearchVersion: string;
  /** Byte length and CRC-32 of the usearch file: checked before usearch reads it. */
  bytes: number;
  checksum: number;
}

/** The part of a header that must match for an index file to be used. */
export type VectorIndexIdentity = Pick<
  VectorIndexHeader,
  "key" | "databaseId" | "collectionVersion" | "embedderId" | "documentCount" | "dimension"
>;

interface UsearchMatches {
  keys: BigUint64Array;
  distances: Float32Array;
  counts: BigUint64Array;
}
interface UsearchIndex {
  add(keys: BigUint64Array, vectors: Float32Array, threads?: number): void;
  search(vectors: Float32Array[], k: number, threads: number): UsearchMatches;
  save(path: string): void;
  load(path: string): void;
  size(): number;
}
interface UsearchModule {
  Index: new (config: {
    dimensions: number;
    metric: string;
    quantization: string;
    connectivity: number;
    expansion_add: number;
    expansion_search: number;
    multi: boolean;
  }) => UsearchIndex;
}

let usearchModule: { module: UsearchModule; version: string } | Error | undefined;

/** usearch, loaded on first use (exact search never needs it); an Error when it cannot load here. */
export function loadUsearch(): { module: UsearchModule; version: string } | Error {
  if (usearchModule === undefined) {
    try {
      const require = createRequire(import.meta.url);
      const module = require("usearch") as UsearchModule;
      usearchModule = { module, version: packageVersion(require.resolve("usearch")) };
    } catch (error) {
      usearchModule = error instanceof Error ? error : new Error(String(error));
    }
  }
  return usearchModule;
}

/** The version in the package.json of the package holding `entry` (usearch exports no package.json). */
function packageVersion(entry: string): string {
  for (let folder = dirname(entry); folder !== dirname(folder); folder = dirname(folder)) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as { name?: string; version?: string };
      if (manifest.name === "usearch" && typeof manifest.version === "string") return manifest.version;
    } catch {
      // No manifest here: look further up.
    }
  }
  return "unknown";
}

function usearch(): { module: UsearchModule; version: string } {
  const loaded = loadUsearch();
  if (loaded instanceof Error) throw loaded;
  return loaded;
}

const threads = () => Math.max(1, availableParallelism());

/** Vectors added to the graph per step of a build: a progress line each, for builds of minutes to an hour. */
export const VECTORS_PER_BUILD_STEP = 50_000;

/**
 * An approximate nearest-neighbour index (HNSW, from usearch) over unit document vectors: row i
 * is key i. Candidates it finds are rescored with {@link dotAt} on the float32 matrix, so a
 * document's score is the exact search's to the bit; only which documents are found may differ.
 */
export class VectorIndex {
  private constructor(
    private readonly index: UsearchIndex,
    readonly parameters: VectorIndexParameters,
    readonly documentCount: number,
  ) {}

  /**
   * Builds the graph over `documentCount` rows of `matrix` (all cores), adding
   * {@link VECTORS_PER_BUILD_STEP} vectors at a time and telling `onProgress` how many are in.
   */
  static build(
    matrix: Float32Array,
    dimension: number,
    documentCount: number,
    parameters: VectorIndexParameters = VECTOR_INDEX_PARAMETERS,
    onProgress?: (added: number) => void,
  ): VectorIndex {
    const index = VectorIndex.create(dimension, parameters);
    for (let first = 0; first < documentCount; first += VECTORS_PER_BUILD_STEP) {
      const end = Math.min(documentCount, first + VECTORS_PER_BUILD_STEP);
      const keys = new BigUint64Array(end - first);
      for (let document = first; document < end; document++) keys[document - first] = BigInt(document);
      index.add(keys, matrix.subarray(first * dimension, end * dimension), threads());
      onProgress?.(end);
    }
    return new VectorIndex(index, parameters, documentCount);
  }

  private static create(dimension: number, parameters: VectorIndexParameters): UsearchIndex {
    return new (usearch().module.Index)({
      dimensions: dimension,
      metric: "ip",
      quantization: parameters.quantization,
      connectivity: parameters.connectivity,
      expansion_add: parameters.expansionAdd,
      expansion_search: parameters.expansionSearch,
      multi: false,
    });
  }

  /**
   * Writes the index as two files: usearch's own at `file` and, once that is in place, its
   * header (identity, size, CRC-32) at `file.json`, each through a temporary renamed over it.
   * A reader only trusts `file` when the header beside it matches it.
   */
  save(file: string, identity: VectorIndexIdentity): void {
    const temporary = temporaryFileFor(file);
    try {
      this.index.save(temporary);
      const bytes = statSync(temporary).size;
      const checksum = checksumOfFile(temporary, bytes);
      renameSync(temporary, file);
      const header: VectorIndexHeader = {
        format: FORMAT,
        ...identity,
        connectivity: this.parameters.connectivity,
        expansionAdd: this.parameters.expansionAdd,
        quantization: this.parameters.quantization,
        usearchVersion: usearch().version,
        bytes,
        checksum,
      };
      writeFileAtomically(`${file}.json`, (append) => append(Buffer.from(`${JSON.stringify(header)}\n`)));
    } finally {
      rmSync(temporary, { force: true });
    }
  }

  /**
   * Reads the index at `file` when its header says it was built from `identity` with
   * `parameters` and the file's size and checksum match (a damaged file never reaches usearch).
   */
  static load(
    file: string,
    identity: VectorIndexIdentity,
    parameters: VectorIndexParameters = VECTOR_INDEX_PARAMETERS,
  ): { status: "read"; index: VectorIndex } | { status: "missing" | "stale" } | { status: "damaged"; reason: string } {
    let text: string;
    try {
      text = readFileSync(`${file}.json`, "utf8");
    } catch {
      return { status: "missing" };
    }
    let header: VectorIndexHeader;
    try {
      header = JSON.parse(text) as VectorIndexHeader;
      if (header === null || typeof header !== "object") return { status: "damaged", reason: "header is not an object" };
    } catch {
      return { status: "damaged", reason: "header is not valid JSON" };
    }
    if (header.format !== FORMAT) return { status: "stale" };
    const expected: Record<string, unknown> = {
      ...identity,
      connectivity: parameters.connectivity,
      expansionAdd: parameters.expansionAdd,
      quantization: parameters.quantization,
      usearchVersion: usearch().version,
    };
    for (const [name, value] of Object.entries(expected)) {
      if ((header as unknown as Record<string, unknown>)[name] !== value) return { status: "stale" };
    }
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return { status: "damaged", reason: "its graph file is missing" };
    }
    if (size !== header.bytes) return { status: "damaged", reason: `size ${size} bytes, its header says ${header.bytes}` };
    if (checksumOfFile(file, size) !== header.checksum) return { status: "damaged", reason: "checksum mismatch" };
    const index = VectorIndex.create(identity.dimension, parameters);
    try {
      index.load(file);
    } catch (error) {
      return { status: "damaged", reason: (error as Error).message };
    }
    if (index.size() !== identity.documentCount)
      return { status: "damaged", reason: `holds ${index.size()} vectors, not ${identity.documentCount}` };
    return { status: "read", index: new VectorIndex(index, parameters, identity.documentCount) };
  }

  /**
   * The approximate top `k` of each query: the index's candidates (efSearch at least `k`),
   * rescored exactly on `matrix`, best first, ties by the lower document index.
   */
  search(matrix: Float32Array, dimension: number, queries: readonly Float32Array[], k: number): RankedDocuments[] {
    const count = Math.min(k, this.documentCount);
    if (count === 0 || queries.length === 0)
      return queries.map(() => ({ documentIndexes: new Uint32Array(0), scores: new Float32Array(0) }));
    // usearch searches with max(efSearch, k) candidates, so a deep k is not starved.
    const found = this.index.search([...queries], count, threads());
    return queries.map((query, position) => {
      const hits = Number(found.counts[position]);
      const candidates: Array<[number, number]> = [];
      for (let hit = 0; hit < hits; hit++) {
        const document = Number(found.keys[position * count + hit]);
        candidates.push([document, dotAt(matrix, document * dimension, query, dimension)]);
      }
      candidates.sort((left, right) => right[1] - left[1] || left[0] - right[0]);
      return {
        documentIndexes: Uint32Array.from(candidates, ([document]) => document),
        scores: Float32Array.from(candidates, ([, score]) => score),
      };
    });
  }
}

/** CRC-32 of a file's first `bytes` bytes, read in 64 MiB slices. */
function checksumOfFile(file: string, bytes: number): number {
  const descriptor = openSync(file, "r");
  try {
    const slice = new Uint8Array(Math.min(bytes, 64 * 2 ** 20));
    let checksum = 0;
    for (let position = 0; position < bytes; position += slice.byteLength) {
      const part = slice.subarray(0, Math.min(slice.byteLength, bytes - position));
      if (!readFully(descriptor, part, position)) throw new Error(`${file} ended early`);
      checksum = crc32(part, checksum);
    }
    return checksum;
  } finally {
    closeSync(descriptor);
  }
}
