import { BadOptionError, type Embedder, type Engine } from "@hardneg/core";
import type { EngineOpenOptions } from "@hardneg/core/adapter";
import { loadOpener, SCHEME_PATTERN } from "./adapter-packages.js";

/** An engine named on the command line, `<scheme>:<location>`; `adapter-packages.ts` says which package serves a scheme. */
export interface EngineSpec {
  scheme: string;
  /** Never empty: the adapter gets a location it need not check for absence. */
  location: string;
}

/** The database file `--engine` defaults to: in the working directory. */
export const DEFAULT_ENGINE = "local:hardneg.db";

/**
 * Splits `<scheme>:<location>` at the first ":". `local` alone (or `local:`) means the default
 * database; every other scheme needs a location. The scheme is not looked up here: this is
 * pure syntax, also used to find an engine's files before anything is opened.
 *
 * @throws BadOptionError ("--engine") for a scheme that cannot name a package, or a missing location.
 */
export function parseEngineSpec(text: string): EngineSpec {
  const separator = text.indexOf(":");
  const scheme = separator === -1 ? text : text.slice(0, separator);
  const location = separator === -1 ? "" : text.slice(separator + 1);
  if (!SCHEME_PATTERN.test(scheme)) {
    const example = "e.g. local:hardneg.db";
    throw new BadOptionError(
      "--engine",
      `expected <engine>:<location> with a lowercase engine name (${example}), got ${JSON.stringify(text)}`,
    );
  }
  if (location === "") {
    if (scheme === "local") return { scheme, location: DEFAULT_ENGINE.slice("local:".length) };
    throw new BadOptionError("--engine", `"${scheme}" needs a location, e.g. ${scheme}:<path or url>`);
  }
  return { scheme, location };
}

/**
 * What a command may do to the engine's storage, which decides how it is opened:
 * - "create": `load` only; a missing local database file or LanceDB folder is created.
 * - "write": mine, judge, compare; the database must exist (else a one-line error naming the
 *   path, exit 2, nothing created); collections in it are written.
 * - "read": eval, export, report, and the engine `mine --store` only searches; the database
 *   must exist and is opened read-only where the adapter can (the local engine), so it may sit
 *   on read-only storage.
 */
export type EngineAccess = "create" | "write" | "read";

/** How a command opens an engine. */
export interface OpenEngineOptions {
  /** Computes client-side vectors, for engines whose vector and hybrid modes need them. */
  embedder?: Embedder;
  /** What the command does with the engine; no default, so no command creates a database by accident. */
  access: EngineAccess;
  /** `--vector-index`, for engines that search vectors themselves (the local engine). */
  vectorIndex?: "auto" | "exact" | "approximate";
  /** `--search-threads`, for engines that run BM25 searches in-process (the local engine). */
  searchThreads?: number | "auto";
}

/**
 * Opens an engine through its adapter package's `openEngine(location, options)` (see
 * `adapter-packages.ts` for how the package is found). `options.create` is true only for
 * "create" access and `readOnly` only for "read"; `busyTimeoutMs` comes from
 * `HARDNEG_BUSY_TIMEOUT_MS`. Embedded adapters (local, LanceDB) honour them; servers ignore
 * them, as adapters ignore options they do not know.
 */
export async function openEngine(text: string, options: OpenEngineOptions): Promise<Engine> {
  const spec = parseEngineSpec(text);
  const open = await loadOpener(spec.scheme);
  const openOptions: EngineOpenOptions = { create: options.access === "create", readOnly: options.access === "read" };
  if (options.embedder !== undefined) openOptions.embedder = options.embedder;
  if (options.vectorIndex !== undefined) openOptions.vectorIndex = options.vectorIndex;
  if (options.searchThreads !== undefined) openOptions.searchThreads = options.searchThreads;
  const busyTimeoutMs = busyTimeoutFromEnvironment();
  if (busyTimeoutMs !== undefined) openOptions.busyTimeoutMs = busyTimeoutMs;
  return open(spec.location, openOptions);
}

/**
 * `HARDNEG_BUSY_TIMEOUT_MS`: how long a writer on the local engine waits for another writer of
 * the same database before giving up with SQLITE_BUSY. Unset: the backend's default (5 minutes).
 */
function busyTimeoutFromEnvironment(): number | undefined {
  const text = process.env["HARDNEG_BUSY_TIMEOUT_MS"];
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new BadOptionError("HARDNEG_BUSY_TIMEOUT_MS", `must be a whole number of milliseconds, got ${JSON.stringify(text)}`);
  return value;
}
