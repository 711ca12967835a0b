import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { HardnegError } from "@hardneg/core";
import { describe, expect, it } from "vitest";
import { FixtureEmbedder } from "@hardneg/core/testkit";
import { useTemporaryDirectories } from "./__fixtures__/temporary-directory.js";
import { openEngine } from "./index.js";
import { openLocalBackend } from "./local-backend.js";

const temporaryDirectory = useTemporaryDirectories();
const target = { collection: "corpus", idKey: "doc_id", contentKey: "text" };

async function loadedDatabase(): Promise<string> {
  const path = join(temporaryDirectory(), "loaded.db");
  const backend = await openLocalBackend(path);
  await backend.createCollection({ name: "corpus", kind: "documents" });
  await backend.upsert("corpus", [
    { id: "a", properties: { doc_id: "a", text: "red apples" } },
    { id: "b", properties: { doc_id: "b", text: "green pears" } },
  ]);
  await backend.close();
  return path;
}

describe("opening modes", () => {
  it(
    "create: false and readOnly on a missing file throw " + "MissingDatabaseError naming the path, and create neither file nor folder",
    async () => {
      const parent = temporaryDirectory();
      for (const options of [{ create: false }, { readOnly: true }]) {
        for (const path of [join(parent, "missing.db"), join(parent, "missing-folder", "missing.db")]) {
          const error = await openLocalBackend(path, options).then(
            () => undefined,
            (caught: unknown) => caught,
          );
          expect(HardnegError.isInstance(error)).toBe(true);
          expect(error).toMatchObject({ name: "MissingDatabaseError", code: "BAD_OPTION", path });
          expect((error as Error).message).toContain(`no hardneg database at ${path}`);
        }
      }
      expect(readdirSync(parent)).toEqual([]);
    },
  );

  it("create: false opens an existing database for reading and writing", async () => {
    const path = await loadedDatabase();
    const backend = await openLocalBackend(path, { create: false });
    await backend.upsert("corpus", [{ id: "c", properties: { doc_id: "c", text: "yellow bananas" } }]);
    expect(await backend.count("corpus")).toBe(3);
    await backend.close();
  });

  it("readOnly reads and searches, refuses every write with BadOptionError, and leaves the database file as it was", async () => {
    const path = await loadedDatabase();
    const before = readFileSync(path);
    const backend = await openLocalBackend(path, { readOnly: true });
    expect(await backend.count("corpus")).toBe(2);
    const [hits] = await backend.search(target, [{ text: "apples" }], { mode: "bm25", k: 5 });
    expect(hits!.map((hit) => hit.id)).toEqual(["a"]);
    for (const write of [
      () => backend.upsert("corpus", [{ id: "c", properties: { doc_id: "c", text: "x" } }]),
      () => backend.createCollection({ name: "other", kind: "records" }),
      () => backend.deleteCollection("corpus"),
    ]) {
      await expect(write()).rejects.toMatchObject({ name: "BadOptionError", code: "BAD_OPTION" });
    }
    await backend.close();
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("without create, a SQLite file that is not a hardneg database is refused untouched; a file that is not SQLite is named", async () => {
    const folder = temporaryDirectory();
    const foreign = join(folder, "foreign.db");
    const database = new Database(foreign);
    database.exec("CREATE TABLE notes (text TEXT)");
    database.close();
    const before = readFileSync(foreign);
    for (const options of [{ create: false }, { readOnly: true }]) {
      await expect(openLocalBackend(foreign, options)).rejects.toMatchObject({ name: "MissingDatabaseError", path: foreign });
    }
    expect(readFileSync(foreign).equals(before)).toBe(true);

    const text = join(folder, "corpus.jsonl");
    writeFileSync(text, `${JSON.stringify({ _id: "1", text: "not a database" }).repeat(20)}\n`);
    for (const options of [{}, { create: false }, { readOnly: true }]) {
      await expect(openLocalBackend(text, options)).rejects.toMatchObject({
        code: "BAD_OPTION",
        message: expect.stringContaining(`${text} is not a SQLite database`),
      });
    }
    expect(existsSync(`${text}-wal`)).toBe(false);
  });

  it("refuses non-boolean create and readOnly, and a read-only in-memory database", async () => {
    await expect(openLocalBackend(":memory:", { create: "no" as unknown as boolean })).rejects.toMatchObject({ code: "BAD_OPTION" });
    await expect(openLocalBackend(":memory:", { readOnly: true })).rejects.toMatchObject({ code: "BAD_OPTION" });
    const backend = await openLocalBackend(":memory:", { create: false });
    expect(await backend.hasCollection("corpus")).toBe(false);
    await backend.close();
  });

  it("openEngine (the CLI's convention) passes create, readOnly, busyTimeoutMs and embedder on, and ignores unknown options", async () => {
    const parent = temporaryDirectory();
    const missing = join(parent, "missing.db");
    await expect(openEngine(missing, { create: false, readOnly: false }), "create: false on a missing file").rejects.toMatchObject({
      name: "MissingDatabaseError",
    });
    await expect(openEngine(missing, { create: true, readOnly: true }), "readOnly on a missing file").rejects.toMatchObject({
      name: "MissingDatabaseError",
    });
    expect(readdirSync(parent), "nothing created by the refused opens").toEqual([]);
    await expect(
      openEngine(missing, { create: true, readOnly: false, busyTimeoutMs: -1 }),
      "busyTimeoutMs reaches the backend",
    ).rejects.toMatchObject({ code: "BAD_OPTION" });
    const options = { create: true, readOnly: false, futureOption: "ignored" };
    const engine = await openEngine(missing, options);
    expect(engine.capabilities().modes, "modes without an embedder").toEqual(["bm25"]);
    await engine.close?.();
    const embedding = await openEngine(missing, { create: false, readOnly: true, embedder: new FixtureEmbedder() });
    expect(embedding.capabilities().modes, "modes with an embedder").toEqual(["bm25", "vector", "hybrid"]);
    expect(embedding.embedderId, "the embedder's id").toBe(new FixtureEmbedder().id);
    await embedding.close?.();
  });
});
