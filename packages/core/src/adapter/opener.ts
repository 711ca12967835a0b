import type { Engine } from "../backend.js";
import type { Embedder } from "../embedders/embedder.js";

/**
 * What the CLI passes an adapter's opener besides the location. Embedded engines honour
 * `create` and `readOnly`; servers may ignore them. Unknown options must be ignored, so the CLI
 * can add options without breaking adapters.
 */
export interface EngineOpenOptions {
  /** True only for `hardneg load`: a missing database may be created. Otherwise it must exist. */
  create: boolean;
  /** True for eval, export and report: nothing is written. */
  readOnly: boolean;
  /** Computes client-side vectors, when the user passed `--embedder`. */
  embedder?: Embedder;
  /** How long a local writer waits for another writer, in ms (`HARDNEG_BUSY_TIMEOUT_MS`). */
  busyTimeoutMs?: number;
  /**
   * `--vector-index`: how an engine that searches vectors itself finds the nearest documents
   * ("exact" over every document, "approximate" through an ANN index, "auto" by size). The
   * local engine honours it; others ignore it. Absent: the engine's default.
   */
  vectorIndex?: "auto" | "exact" | "approximate";
  /**
   * `--search-threads`: how many threads an engine that searches in-process (the local engine)
   * runs BM25 searches in, or "auto" (by index size). Results do not depend on it. Others ignore it.
   */
  searchThreads?: number | "auto";
}

/**
 * The function an adapter package exports as `openEngine`, so the CLI can open it as
 * `--engine <scheme>:<location>` with no change to the CLI. The package is named
 * `@hardneg/backend-<scheme>` or `hardneg-backend-<scheme>`.
 */
export type EngineOpener = (location: string, options: EngineOpenOptions) => Promise<Engine>;

/** A file or folder an embedded engine keeps on this machine; see {@link EngineFilesOf}. */
export interface EngineFile {
  /** Absolute path, as the engine names it from the location. */
  path: string;
  /** What it is, for messages, e.g. "database file". */
  role: string;
  /** True for a folder whose whole content belongs to the engine. */
  folder: boolean;
  /** Other paths the engine may use for the same file (e.g. beside a symlinked database's target). */
  alsoAt?: string[];
}

/**
 * What an adapter package of an embedded engine may export as `engineFiles`: the files the
 * engine keeps for `location`, so the CLI refuses to write an export or a report over them.
 * Server engines export nothing (default: no files).
 */
export type EngineFilesOf = (location: string) => EngineFile[];
