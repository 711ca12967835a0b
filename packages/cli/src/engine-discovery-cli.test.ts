import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DocsCollection, HardNegativesCollection, ingestDocuments, ingestQueries, mine, openBeir, QueriesCollection } from "@hardneg/core";
import { afterAll, describe, expect, it } from "vitest";
import { openEngine } from "./engine.js";
import { repoRoot, runCli, runCliJson, sampleFolder, temporaryFolder } from "./test-support.js";

/**
 * The CLI opens engines by convention (README, "Engines"): an installed package named
 * `@hardneg/backend-<engine>` or `hardneg-backend-<engine>` exporting `openEngine` is usable as
 * `--engine <engine>:<location>` and listed by `--help`, with no change to the CLI.
 */
const folder = temporaryFolder();
afterAll(() => folder.remove());

describe("engines found by convention", () => {
  it("an adapter installed in the working directory only is listed by --help and runs a command", () => {
    // A third-party package in the user's project: here it re-exports the MiniSearch adapter's opener.
    const project = join(folder.path, "project");
    const adapter = join(project, "node_modules", "hardneg-backend-thirdparty");
    mkdirSync(adapter, { recursive: true });
    const manifest = { name: "hardneg-backend-thirdparty", type: "module", exports: "./index.js" };
    writeFileSync(join(adapter, "package.json"), JSON.stringify(manifest));
    const minisearch = pathToFileURL(join(repoRoot, "packages/backend-minisearch/dist/index.js")).href;
    writeFileSync(join(adapter, "index.js"), `export { openEngine } from ${JSON.stringify(minisearch)};\n`);

    const help = runCli(["--help"], project);
    expect(help.status).toBe(0);
    expect(help.stdout, "listed with its package").toMatch(/^ {2}thirdparty +hardneg-backend-thirdparty$/m);
    const loaded = runCliJson(["load", "beir", sampleFolder, "--engine", "thirdparty:demo"], project);
    expect(loaded, "the command ran on the discovered engine").toMatchObject({ documents: 300, queries: 48, unknown_gold_ids: 0 });

    const elsewhere = runCli(["--help"], folder.path);
    expect(elsewhere.stdout, "not listed outside that project").not.toContain("thirdparty");
  });

  it("the bundled MiniSearch adapter is listed, in the --engine descriptions too, and loads the sample", () => {
    const help = runCli(["--help"], folder.path);
    expect(help.stdout).toMatch(/^ {2}minisearch +@hardneg\/backend-minisearch$/m);
    const mineHelp = runCli(["mine", "--help"], folder.path);
    expect(mineHelp.stdout.replace(/\s+/g, " "), "--engine's description lists the installed engines").toMatch(
      /--engine <spec> engine to use, <engine>:<location> \(installed: [a-z, -]*minisearch/,
    );
    const loaded = runCliJson(["load", "beir", sampleFolder, "--engine", "minisearch:demo"], folder.path);
    expect(loaded).toMatchObject({ documents: 300, queries: 48 });
  });

  it("an adapter's engineFiles export protects its files: an export over them is refused, exit 2", () => {
    // A third-party embedded engine declaring one file of its own; the CLI knows nothing else about it.
    const project = join(folder.path, "files-project");
    const adapter = join(project, "node_modules", "hardneg-backend-filed");
    mkdirSync(adapter, { recursive: true });
    writeFileSync(join(adapter, "package.json"), JSON.stringify({ name: "hardneg-backend-filed", type: "module", exports: "./index.js" }));
    const minisearch = pathToFileURL(join(repoRoot, "packages/backend-minisearch/dist/index.js")).href;
    writeFileSync(
      join(adapter, "index.js"),
      [
        `export { openEngine } from ${JSON.stringify(minisearch)};`,
        `import { resolve } from "node:path";`,
        `export const engineFiles = (location) => [{ path: resolve(location + ".data"), role: "data file", folder: false }];`,
      ].join("\n"),
    );
    const exportTo = (output: string) =>
      runCli(["export", "--collection", "c", "--format", "seed", "--output", output, "--engine", "filed:store"], project);
    const refused = exportTo("store.data");
    expect(refused.status, "refused as bad option").toBe(2);
    expect(refused.stderr, "names the adapter's file and role").toContain('"store.data" is the data file of --engine filed:store');
    expect(
      exportTo("other.jsonl").stderr,
      "another output passes the file check (and fails later: the in-memory engine is empty)",
    ).not.toContain("data file");
  });

  it("an engine nobody installed: one line naming both packages, exit 2", () => {
    const result = runCli(["eval", "--docs-collection", "d", "--queries-collection", "q", "--engine", "nosuch:x"], folder.path);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split("\n"), "one line").toHaveLength(1);
    expect(result.stderr).toContain("install @hardneg/backend-nosuch or hardneg-backend-nosuch");
  });

  it("the CLI's openEngine opens MiniSearch; mined with a second engine as the store, the negatives land only there", async () => {
    const engine = await openEngine("minisearch:search", { access: "create" });
    const store = await openEngine("minisearch:store", { access: "create" });
    try {
      const dataset = await openBeir(sampleFolder, { split: "test" });
      const docs = new DocsCollection({ collectionName: "sample", idKey: "doc_id", contentKey: "text", titleKey: "title" });
      const queries = new QueriesCollection({ collectionName: "sample-test" });
      await ingestDocuments(engine, docs, dataset.documents());
      await ingestQueries(store, queries, dataset.queries());
      const out = new HardNegativesCollection({ collectionName: "negatives" });
      const report = await mine({
        backend: engine,
        store,
        docsCollection: docs,
        queriesCollection: queries,
        hardNegativesCollection: out,
        negativesPerQuery: 3,
      });
      expect(report, "every query mined with BM25").toMatchObject({ mode: "bm25", queries: 48, queries_mined: 48, rows_written: 144 });
      expect(await store.count("negatives"), "rows in the store").toBe(144);
      expect(await engine.hasCollection("negatives"), "nothing written to the searched engine").toBe(false);
    } finally {
      await engine.close?.();
      await store.close?.();
    }
  });
});
