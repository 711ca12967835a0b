import { BadOptionError, type Engine } from "@hardneg/core";

/** An engine named on the command line: `local:<path>`, later `lancedb:<path>`, `qdrant:<url>` ... */
export interface EngineSpec {
  scheme: string;
  location: string;
}

/** The database file `--engine` defaults to: in the working directory. */
export const DEFAULT_ENGINE = "local:hardneg.db";

/** Adapter packages the CLI knows, and the function each exports to open an engine. */
const ADAPTERS: Record<string, { packageName: string; opener: string }> = {
  local: { packageName: "@hardneg/backend-local", opener: "openLocalBackend" },
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

/** Opens an engine by loading its adapter package, which must be installed next to the CLI. */
export async function openEngine(text: string): Promise<Engine> {
  const spec = parseEngineSpec(text);
  const adapter = ADAPTERS[spec.scheme]!;
  let module: Record<string, unknown>;
  try {
    module = (await import(adapter.packageName)) as Record<string, unknown>;
  } catch (error) {
    throw new BadOptionError("--engine", `engine "${spec.scheme}" needs the package ${adapter.packageName}; install it next to @hardneg/cli`, { cause: error });
  }
  const open = module[adapter.opener] as (location: string) => Promise<Engine>;
  return open(spec.location);
}
