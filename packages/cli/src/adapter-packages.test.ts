import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HardnegError } from "@hardneg/core";
import { afterAll, describe, expect, it } from "vitest";
import { adapterPackageNames, findAdapterPackage, installedAdapters, loadOpener, lookupFolders } from "./adapter-packages.js";
import { temporaryFolder } from "./test-support.js";

/** Discovery against fake packages in temporary node_modules folders: which package wins, what is listed, what is refused. */
const root = temporaryFolder();
afterAll(() => root.remove());

/** Writes a package `name` into `folder` with `files` (package.json included). */
function fakePackage(folder: string, name: string, files: Record<string, string>): string {
  const directory = join(folder, name);
  mkdirSync(directory, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(directory, file, ".."), { recursive: true });
    writeFileSync(join(directory, file), text);
  }
  return realpathSync(directory);
}

const OPENER = `export const openEngine = async (location) => ({ location, search() {}, upsert() {}, capabilities() {} });\n`;
const manifest = (fields: object) => JSON.stringify({ type: "module", ...fields });

const first = join(root.path, "first", "node_modules");
const second = join(root.path, "second", "node_modules");
const both = fakePackage(first, "@hardneg/backend-both", {
  "package.json": manifest({ exports: { ".": { types: "./x.d.ts", import: "./dist/index.js" } } }),
  "dist/index.js": OPENER,
});
fakePackage(first, "hardneg-backend-both", { "package.json": manifest({ main: "index.js" }), "index.js": OPENER });
const plain = fakePackage(second, "hardneg-backend-plain", { "package.json": manifest({ exports: "./main.js" }), "main.js": OPENER });
const _nested = fakePackage(second, "hardneg-backend-nested", {
  "package.json": manifest({ exports: { require: "./nope.cjs", node: { import: "./esm.js" } } }),
  "esm.js": OPENER,
});
fakePackage(second, "@hardneg/backend-both", { "package.json": manifest({ main: "index.js" }), "index.js": OPENER });
const withMain = (index: string) => ({ "package.json": manifest({ main: "index.js" }), "index.js": index });
fakePackage(second, "hardneg-backend-noexport", withMain("export const open = async () => ({});\n"));
fakePackage(second, "hardneg-backend-broken", withMain("throw new Error('native binding missing');\n"));
fakePackage(second, "hardneg-backend-notengine", withMain("export const openEngine = async () => ({ hello: 1 });\n"));
fakePackage(second, "hardneg-backend-Upper", { "package.json": manifest({ main: "index.js" }), "index.js": OPENER });
fakePackage(second, "@hardneg/core", { "package.json": manifest({ main: "index.js" }), "index.js": "" });
const folders = [first, second];

describe("finding an adapter package", () => {
  it("names @hardneg/backend-<scheme>, then hardneg-backend-<scheme>", () => {
    expect(adapterPackageNames("x")).toEqual(["@hardneg/backend-x", "hardneg-backend-x"]);
  });

  it("prefers the scoped name, and within a name the first folder", () => {
    expect(findAdapterPackage("both", folders), "scoped, in the first folder").toEqual({
      scheme: "both",
      packageName: "@hardneg/backend-both",
      directory: both,
    });
    expect(findAdapterPackage("plain", folders), "only the unscoped name exists").toEqual({
      scheme: "plain",
      packageName: "hardneg-backend-plain",
      directory: plain,
    });
    expect(findAdapterPackage("absent", folders), "nothing installed").toBeUndefined();
  });

  it("lists installed adapters by scheme, sorted, without importing them (a broken one is listed too)", () => {
    expect(
      installedAdapters(folders).map((adapter) => adapter.scheme),
      "core and an uppercase name are not engines",
    ).toEqual(["both", "broken", "nested", "noexport", "notengine", "plain"]);
  });

  it("looks in the node_modules folders of the CLI's installation and of the working directory", () => {
    const lookup = lookupFolders();
    const cliFolder = lookup.indexOf(join(realpathSync(join(import.meta.dirname, "..")), "node_modules"));
    const workingFolder = lookup.indexOf(join(process.cwd(), "node_modules"));
    expect(cliFolder, "the CLI package's node_modules").toBeGreaterThanOrEqual(0);
    expect(workingFolder, "the working directory's node_modules").toBeGreaterThanOrEqual(0);
  });
});

describe("loading an adapter's opener", () => {
  it("imports the package's import entry (exports conditions, a string export, main) and returns its openEngine", async () => {
    for (const scheme of ["both", "plain", "nested"]) {
      const open = await loadOpener(scheme, folders);
      expect(await open("somewhere", { create: false, readOnly: true }), `${scheme}'s opener ran`).toMatchObject({ location: "somewhere" });
    }
  });

  it("refuses a scheme nobody installed, naming both packages to install (exit 2)", async () => {
    const error = await loadOpener("absent", folders).catch((caught: unknown) => caught);
    expect(HardnegError.isInstance(error) && error.code, "a BadOptionError").toBe("BAD_OPTION");
    expect((error as Error).message).toContain("install @hardneg/backend-absent or hardneg-backend-absent");
    expect((error as Error).message.split("\n"), "one line").toHaveLength(1);
  });

  it("refuses a package without openEngine, naming the package and the export (exit 2)", async () => {
    const error = await loadOpener("noexport", folders).catch((caught: unknown) => caught);
    expect(HardnegError.isInstance(error) && error.code).toBe("BAD_OPTION");
    expect((error as Error).message).toMatch(/hardneg-backend-noexport .* does not export openEngine/);
  });

  it("reports a package that fails to load as a failure naming it (exit 1), and an opener that returns no engine", async () => {
    const broken = await loadOpener("broken", folders).catch((caught: unknown) => caught);
    expect(HardnegError.isInstance(broken) && broken.code).toBe("INTERNAL");
    expect((broken as Error).message).toMatch(/could not load hardneg-backend-broken .*native binding missing/);
    const open = await loadOpener("notengine", folders);
    await expect(open("x", { create: false, readOnly: false }), "an opener answering { hello: 1 }").rejects.toThrow(
      "hardneg-backend-notengine's openEngine did not return an engine",
    );
  });
});
