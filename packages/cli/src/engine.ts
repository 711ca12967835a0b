import { BadOptionError, type Embedder, type Engine } from "@hardneg/core";

/** An engine named on the command line: `local:<path>`, `lancedb:<path>`, `weaviate:<url>`, `elastic:<url>`, `qdrant:<url>`. */
export interface EngineSpec {
  scheme: string;
  location: string;
}

/** The database file `--engine` defaults to: in the working directory. */
export const DEFAULT_ENGINE = "local:hardneg.db";

/** Adapter packages the CLI knows, and the function each exports to open an engine. */
const ADAPTERS: Record<string, { packageName: string; opener: string }> = {
  local: { packageName: "@hardneg/backend-local", opener: "openLocalBackend" },
  lancedb: { packageName: "@hardneg/backend-lancedb", opener: "openLanceDbBackend" },
  weaviate: { packageName: "@hardneg/backend-weaviate", opener: "openWeaviateBackend" },
  elastic: { packageName: "@hardneg/backend-elastic", opener: "openElasticBackend" },
  qdrant: { packageName: "@hardneg/backend-qdrant", opener: "openQdrantBackend" },
};

/** The options every opener receives (the names backend-local and backend-lancedb document). */
interface AdapterOpenOptions {
  create: boolean;
  readOnly: boolean;
  embedder?: Embedder;
  /** The local engine's wait for another writer (from `HARDNEG_BUSY_TIMEOUT_MS`). */
  busyTimeoutMs?: number;
}

export function parseEngineSpec(text: string): EngineSpec {
  const separator = text.indexOf(":");
  const scheme = separator === -1 ? text : text.slice(0, separator);
  const location = separator === -1 ? "" : text.slice(separator + 1);
  if (!(scheme in ADAPTERS)) {
    throw new BadOptionError("--engine", `unknown engine "${scheme}"; use one of: ${Object.keys(ADAPTERS).map((name) => `${name}:<location>`).join(", ")}`);
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
 * - "read": eval, export, report; the database must exist and is opened read-only where the
 *   adapter can (the local engine), so it may sit on read-only storage.
 */
export type EngineAccess = "create" | "write" | "read";

/** What `openEngine` passes to an adapter's opener besides the location. */
export interface OpenEngineOptions {
  /** Computes client-side vectors, for engines whose vector and hybrid modes need them. */
  embedder?: Embedder;
  /** What the command does with the engine; no default, so no command creates a database by accident. */
  access: EngineAccess;
}

/**
 * Opens an engine by loading its adapter package, which must be installed next to the CLI.
 * The opener is called as `opener(location, { create, readOnly, embedder? })`: `create` is true
 * only for "create" access and `readOnly` only for "read". Embedded adapters (local, LanceDB)
 * honour them; servers ignore them, as adapters ignore options they do not know.
 */
export async function openEngine(text: string, options: OpenEngineOptions): Promise<Engine> {
  const spec = parseEngineSpec(text);
  const adapter = ADAPTERS[spec.scheme]!;
  let module: Record<string, unknown>;
  try {
    module = (await import(adapter.packageName)) as Record<string, unknown>;
  } catch (error) {
    throw new BadOptionError("--engine", `engine "${spec.scheme}" needs the package ${adapter.packageName}; install it next to @hardneg/cli`, { cause: error });
  }
  const open = module[adapter.opener] as (location: string, options: AdapterOpenOptions) => Promise<Engine>;
  const openOptions: AdapterOpenOptions = { create: options.access === "create", readOnly: options.access === "read" };
  if (options.embedder !== undefined) openOptions.embedder = options.embedder;
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
  if (!Number.isInteger(value) || value < 0) throw new BadOptionError("HARDNEG_BUSY_TIMEOUT_MS", `must be a whole number of milliseconds, got ${JSON.stringify(text)}`);
  return value;
}
