import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { findAdapterPackage, loadOpener } from "./adapter-packages.js";
import { repoRoot, runCli } from "./test-support.js";

/**
 * The adapter check (CONTRIBUTING.md, "7. The adapter check"): every `packages/backend-<name>`
 * has the layout a newcomer copies and the CLI relies on, the way vercel/ai checks each of its
 * provider packages. A new adapter folder is checked as soon as it exists.
 */
const packagesFolder = join(repoRoot, "packages");
const adapterNames = readdirSync(packagesFolder)
  .filter((name) => name.startsWith("backend-"))
  .map((name) => name.slice("backend-".length));
const cliManifest = readJson(join(packagesFolder, "cli", "package.json"));

/** The rows every adapter README's capability table starts with, in this order (backticks ignored). */
const CAPABILITY_ROWS = [
  "--engine",
  "search modes",
  "scoreDocuments modes",
  "maxK",
  "maxBatchSize",
  "storage",
  "atomic loads (replaceCollection)",
  "atomic batch commits (upsertTogether)",
];

it("the check walks every adapter folder (local and minisearch at least)", () => {
  expect(adapterNames, "packages/backend-* folders found").toEqual(expect.arrayContaining(["local", "minisearch"]));
});

/** `hardneg --help`, run once: it lists the engines the built CLI finds. */
let help = "";
beforeAll(() => {
  help = runCli(["--help"], repoRoot).stdout;
});

describe.each(adapterNames)("adapter packages/backend-%s", (name) => {
  const folder = join(packagesFolder, `backend-${name}`);
  const manifest = readJson(join(folder, "package.json"));

  it("is the package @hardneg/backend-<name>, with core as a peer dependency (workspace:^), never a dependency", () => {
    expect(manifest["name"], "package name").toBe(`@hardneg/backend-${name}`);
    expect(manifest["peerDependencies"]?.["@hardneg/core"], "peerDependencies[@hardneg/core]").toBe("workspace:^");
    expect(manifest["dependencies"]?.["@hardneg/core"], "core in dependencies would install a second copy").toBeUndefined();
  });

  it("has src/<name>-backend.ts and a test file running describeConformance", () => {
    expect(existsSync(join(folder, "src", `${name}-backend.ts`)), `src/${name}-backend.ts exists`).toBe(true);
    const conformanceTests = testFilesIn(join(folder, "src")).filter((file) => readFileSync(file, "utf8").includes("describeConformance("));
    expect(conformanceTests.length, "test files calling describeConformance(").toBeGreaterThan(0);
  });

  it("has a README whose capability table starts with the standard rows, each filled in", () => {
    const table = capabilityTable(readFileSync(join(folder, "README.md"), "utf8"));
    expect(table, 'README.md: a "## Capabilities" section with a table').toBeDefined();
    expect(table!.header[0], "the table's first column header").toBe("capability");
    expect(
      table!.rows.slice(0, CAPABILITY_ROWS.length).map((row) => row[0]),
      "the first rows, in order",
    ).toEqual(CAPABILITY_ROWS);
    for (const row of table!.rows) expect(row[1] ?? "", `a value for "${row[0]}"`).not.toBe("");
  });

  it("exports openEngine from src/index.ts, and the CLI resolves this folder and its opener", async () => {
    const index = readFileSync(join(folder, "src", "index.ts"), "utf8");
    const exportsOpener = /export\s+(\{[^}]*\bopenEngine\b[^}]*\}|const\s+openEngine\b|(async\s+)?function\s+openEngine\b)/;
    expect(index, "src/index.ts exports openEngine").toMatch(exportsOpener);
    const dependencies = { ...cliManifest["dependencies"], ...cliManifest["optionalDependencies"] };
    expect(dependencies[`@hardneg/backend-${name}`], "an (optional) dependency of @hardneg/cli: an installed CLI has it").toBe(
      "workspace:^",
    );
    expect(findAdapterPackage(name)?.directory, `--engine ${name}:… resolves to this folder`).toBe(realpathSync(folder));
    // Resolving the opener imports the built package; opening is not asserted: servers need a live engine.
    expect(typeof (await loadOpener(name)), "the package's openEngine").toBe("function");
    expect(help, "hardneg --help lists it").toMatch(new RegExp(`^ {2}${name} +@hardneg/backend-${name}$`, "m"));
  });
});

/** The fields of a package.json these tests read. */
interface PackageManifest {
  name?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readJson(file: string): PackageManifest {
  return JSON.parse(readFileSync(file, "utf8")) as PackageManifest;
}

function testFilesIn(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".test.ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The first table after the "## Capabilities" heading (before the next heading): header cells and data rows, backticks removed. */
function capabilityTable(readme: string): { header: string[]; rows: string[][] } | undefined {
  const lines = readme.split("\n");
  const heading = lines.findIndex((line) => /^##\s+Capabilities\s*$/.test(line));
  if (heading === -1) return undefined;
  let start = heading + 1;
  while (start < lines.length && !lines[start]!.startsWith("|") && !lines[start]!.startsWith("#")) start += 1;
  const table: string[][] = [];
  for (let index = start; index < lines.length && lines[index]!.startsWith("|"); index += 1) table.push(cellsOf(lines[index]!));
  if (table.length < 2) return undefined;
  return { header: table[0]!, rows: table.slice(2) };
}

function cellsOf(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, "")
    .split("|")
    .map((cell) => cell.replaceAll("`", "").trim());
}
