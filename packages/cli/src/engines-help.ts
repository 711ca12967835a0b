import { adapterPackageNames, installedAdapters, OPENER_EXPORT, type AdapterPackage } from "./adapter-packages.js";
import { DEFAULT_ENGINE } from "./engine.js";

/** Listed once per process: several option descriptions and the help text share the list. */
let installed: AdapterPackage[] | undefined;

function adapters(): AdapterPackage[] {
  installed ??= installedAdapters();
  return installed;
}

/** The installed engines' names, comma-separated ("none" when none), for `--engine` descriptions. */
export function installedSchemes(): string {
  return (
    adapters()
      .map((adapter) => adapter.scheme)
      .join(", ") || "none"
  );
}

/** The engine section of `hardneg --help`: each installed engine with its package, then how to add one. */
export function enginesHelp(): string {
  const found = adapters();
  const width = Math.max(0, ...found.map((adapter) => adapter.scheme.length));
  const [scoped, unscoped] = adapterPackageNames("<engine>");
  return [
    "",
    `Engines (--engine <engine>:<location>, default ${DEFAULT_ENGINE}), found installed:`,
    ...(found.length === 0 ? ["  none"] : found.map((adapter) => `  ${adapter.scheme.padEnd(width)}  ${adapter.packageName}`)),
    `An engine is a package exporting ${OPENER_EXPORT}, named ${scoped} or`,
    `${unscoped}, installed next to hardneg or in the working directory.`,
  ].join("\n");
}
