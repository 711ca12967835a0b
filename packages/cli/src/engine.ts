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

/** What `openEngine` passes to an adapter's opener besides the location. */
export interface OpenEngineOptions {
  /** Computes client-side vectors, for engines whose vector and hybrid modes need them. */
  embedder?: Embedder;
}

/**
 * Opens an engine by loading its adapter package, which must be installed next to the CLI.
 * The opener is called as `opener(location, { embedder })` when an embedder is given.
 */
export async function openEngine(text: string, options: OpenEngineOptions = {}): Promise<Engine> {
  const spec = parseEngineSpec(text);
  const adapter = ADAPTERS[spec.scheme]!;
  let module: Record<string, unknown>;
  try {
    module = (await import(adapter.packageName)) as Record<string, unknown>;
  } catch (error) {
    throw new BadOptionError("--engine", `engine "${spec.scheme}" needs the package ${adapter.packageName}; install it next to @hardneg/cli`, { cause: error });
  }
  const open = module[adapter.opener] as (location: string, options?: OpenEngineOptions) => Promise<Engine>;
  return options.embedder === undefined ? open(spec.location) : open(spec.location, { embedder: options.embedder });
}
