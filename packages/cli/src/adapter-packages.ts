import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BadOptionError, HardnegError, type Engine } from "@hardneg/core";
import type { EngineFile, EngineFilesOf, EngineOpener } from "@hardneg/core/adapter";

/**
 * How the CLI finds engines: THE one place the convention is written down in code.
 *
 * `--engine <scheme>:<location>` opens the first installed package of
 * {@link adapterPackageNames}`(scheme)` (`@hardneg/backend-<scheme>`, else
 * `hardneg-backend-<scheme>`), each looked up in the `node_modules` folders Node would search
 * from the CLI's own file and then from the working directory, and calls its export
 * {@link OPENER_EXPORT} (an `EngineOpener` from `@hardneg/core/adapter`). Nothing else about
 * an adapter is known to the CLI, so installing a package is all it takes to add an engine.
 */

/** The export an adapter package must provide: `openEngine(location, options)`. */
export const OPENER_EXPORT = "openEngine";

/** What a scheme may be: a lowercase npm name part, so it always forms a valid package name. */
export const SCHEME_PATTERN = /^[a-z][a-z0-9-]*$/;

/** The packages that may serve `scheme`, in the order they are tried. */
export function adapterPackageNames(scheme: string): [scoped: string, unscoped: string] {
  return [`@hardneg/backend-${scheme}`, `hardneg-backend-${scheme}`];
}

/** An adapter package found on disk (not loaded). */
export interface AdapterPackage {
  scheme: string;
  packageName: string;
  /** The package folder, symlinks resolved. */
  directory: string;
}

/**
 * The `node_modules` folders searched, in order: those of the CLI's installation (Node's own
 * list from this file's folder up), then those of the working directory. A working directory
 * that no longer exists is skipped.
 */
export function lookupFolders(): string[] {
  const bases = [import.meta.url];
  try {
    bases.push(join(process.cwd(), "noop.js"));
  } catch {
    // process.cwd() throws when the working directory was removed: only the CLI's own folders remain.
  }
  return [...new Set(bases.flatMap((base) => createRequire(base).resolve.paths("x") ?? []))];
}

/** The package serving `scheme`, or undefined when none of its names is installed. */
export function findAdapterPackage(scheme: string, folders: readonly string[] = lookupFolders()): AdapterPackage | undefined {
  for (const packageName of adapterPackageNames(scheme)) {
    for (const folder of folders) {
      const directory = join(folder, packageName);
      if (existsSync(join(directory, "package.json"))) return { scheme, packageName, directory: realpathSync(directory) };
    }
  }
  return undefined;
}

/**
 * Every installed adapter, by scheme (sorted), found by listing the lookup folders: nothing is
 * imported, so `--help` stays fast and a broken adapter cannot break it.
 */
export function installedAdapters(folders: readonly string[] = lookupFolders()): AdapterPackage[] {
  const schemes = new Set<string>();
  for (const folder of folders) {
    for (const [parent, prefix] of [
      [join(folder, "@hardneg"), "backend-"],
      [folder, "hardneg-backend-"],
    ] as const) {
      for (const name of namesIn(parent)) {
        const scheme = name.slice(prefix.length);
        if (name.startsWith(prefix) && SCHEME_PATTERN.test(scheme)) schemes.add(scheme);
      }
    }
  }
  return [...schemes].sort().flatMap((scheme) => findAdapterPackage(scheme, folders) ?? []);
}

/** The export listing an embedded engine's files (`EngineFilesOf`, optional): the CLI never writes outputs over them. */
export const ENGINE_FILES_EXPORT = "engineFiles";

/**
 * Imports the adapter serving `scheme` and returns its opener.
 *
 * @throws BadOptionError ("--engine") when no package serves the scheme (naming both package
 * names) or the package found has no `openEngine` function (naming the package and the export).
 * @throws HardnegError (INTERNAL, exit 1) when the package is there but fails to load.
 */
export async function loadOpener(scheme: string, folders: readonly string[] = lookupFolders()): Promise<EngineOpener> {
  const { found, module } = await loadAdapter(scheme, folders);
  const opener = module[OPENER_EXPORT];
  if (typeof opener !== "function") {
    throw new BadOptionError(
      "--engine",
      `${found.packageName} (${found.directory}) does not export ${OPENER_EXPORT}: ` +
        `an adapter package exports \`${OPENER_EXPORT}(location, options)\` (EngineOpener, @hardneg/core/adapter)`,
    );
  }
  return checkedOpener(opener as EngineOpener, found.packageName);
}

/**
 * The files the engine serving `scheme` keeps for `location`: its package's `engineFiles`
 * export, or none when it has none (servers).
 *
 * @throws as {@link loadOpener} when the package is missing or fails to load.
 */
export async function loadEngineFiles(
  scheme: string,
  location: string,
  folders: readonly string[] = lookupFolders(),
): Promise<EngineFile[]> {
  const { found, module } = await loadAdapter(scheme, folders);
  const listFiles = module[ENGINE_FILES_EXPORT];
  if (listFiles === undefined) return [];
  const files: unknown = typeof listFiles === "function" ? (listFiles as EngineFilesOf)(location) : undefined;
  const valid =
    Array.isArray(files) && files.every((file: Partial<EngineFile>) => typeof file?.path === "string" && typeof file.role === "string");
  if (!valid)
    throw new HardnegError(
      "INTERNAL",
      `${found.packageName}'s ${ENGINE_FILES_EXPORT} must be a function returning [{ path, role, folder }]`,
    );
  return files as EngineFile[];
}

/** The package serving `scheme`, imported once per process. */
async function loadAdapter(
  scheme: string,
  folders: readonly string[],
): Promise<{ found: AdapterPackage; module: Record<string, unknown> }> {
  const found = findAdapterPackage(scheme, folders);
  if (found === undefined) {
    const [scoped, unscoped] = adapterPackageNames(scheme);
    const installed =
      installedAdapters(folders)
        .map((adapter) => adapter.scheme)
        .join(", ") || "none";
    throw new BadOptionError(
      "--engine",
      `no adapter for engine "${scheme}": install ${scoped} or ${unscoped} next to hardneg or in the working directory ` +
        `(installed: ${installed})`,
    );
  }
  try {
    const module = (await import(pathToFileURL(entryOf(found.directory)).href)) as Record<string, unknown>;
    return { found, module };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const message = `engine "${scheme}": could not load ${found.packageName} from ${found.directory}: ${reason}`;
    throw new HardnegError("INTERNAL", message, { cause: error });
  }
}

/** The opener, with its answer checked: an opener returning something else than an engine is named, not met later as a crash. */
function checkedOpener(opener: EngineOpener, packageName: string): EngineOpener {
  return async (location, options) => {
    const engine: Partial<Engine> | undefined = await opener(location, options);
    const isEngine = ["search", "upsert", "capabilities"].every((method) => typeof engine?.[method as keyof Engine] === "function");
    if (!isEngine) {
      const expected = "a search backend and store: createEngine(driver)";
      throw new HardnegError("INTERNAL", `${packageName}'s ${OPENER_EXPORT} did not return an engine (${expected})`);
    }
    return engine as Engine;
  };
}

/** The file `import(packageName)` would load: the package's `exports["."]` for Node's import conditions, else `main`, else index.js. */
function entryOf(directory: string): string {
  const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as { exports?: unknown; main?: unknown };
  const target = exportTarget(manifest.exports) ?? (typeof manifest.main === "string" ? manifest.main : "index.js");
  return realpathSync(join(directory, target));
}

const IMPORT_CONDITIONS = new Set(["node", "import", "default"]);

/** The target of the "." export, following conditions in the package's own order, as Node does. */
function exportTarget(exports: unknown): string | undefined {
  if (typeof exports === "string") return exports;
  if (Array.isArray(exports)) return exports.map(exportTarget).find((target) => target !== undefined);
  if (typeof exports !== "object" || exports === null) return undefined;
  const entries = Object.entries(exports);
  if (entries.some(([key]) => key.startsWith("."))) return exportTarget((exports as Record<string, unknown>)["."]);
  for (const [condition, target] of entries) {
    const resolved = IMPORT_CONDITIONS.has(condition) ? exportTarget(target) : undefined;
    if (resolved !== undefined) return resolved;
  }
  return undefined;
}

function namesIn(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}
