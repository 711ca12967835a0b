import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { HardnegError, type DocumentTarget, type Hit } from "@hardneg/core";
import { afterEach, describe, expect, it } from "vitest";
import { mountReadOnly, readOnlyMountProblem, type ReadOnlyMount } from "./__fixtures__/read-only-mount.js";
import { useTemporaryDirectories } from "./__fixtures__/temporary-directory.js";
import { openLocalBackend } from "./local-backend.js";

/**
 * A database on read-only media (a read-only bind mount, which stops even root): readable with
 * `readOnly`, searching from its fresh index file without writing anything. Skips loudly where
 * mounting is not permitted.
 */
const problem = readOnlyMountProblem();
if (problem !== undefined) console.warn(`[hardneg] read-only media tests skipped: ${problem}`);

const temporaryDirectory = useTemporaryDirectories();
const mounts: ReadOnlyMount[] = [];
afterEach(() => {
  for (const mount of mounts.splice(0)) mount.release();
});

const target: DocumentTarget = { collection: "corpus", idKey: "doc_id", contentKey: "text", titleKey: "title" };
const queries = [{ text: "red apples" }, { text: "green pears in winter" }, { text: "bananas" }];
const words = ["red", "green", "apples", "pears", "winter", "summer", "bananas", "market", "orchard", "harvest"];
const documents = Array.from({ length: 60 }, (_, position) => ({
  id: `r${position}`,
  properties: {
    doc_id: `d${position}`,
    title: words[position % words.length]!,
    text: words.filter((_, word) => (position + word) % 4 === 0).join(" "),
  },
}));

/**
 * A loaded database in a folder of its own; with `index`, its BM25 index file is written too.
 * Returns the folder and the search results.
 */
async function databaseFolder(index: boolean): Promise<{ folder: string; expected: Hit[][] }> {
  const folder = temporaryDirectory();
  const backend = await openLocalBackend(join(folder, "hardneg.db"));
  await backend.createCollection({ name: "corpus", kind: "documents" });
  await backend.upsert("corpus", documents);
  const expected = await backend.search(target, queries, { mode: "bm25", k: 5 });
  await backend.close();
  if (!index) rmSync(join(folder, "hardneg.db.bm25"), { recursive: true });
  return { folder, expected };
}

function readOnly(folder: string): string {
  const mount = mountReadOnly(folder);
  if ("problem" in mount) throw new Error(mount.problem);
  mounts.push(mount);
  return mount.path;
}

describe.skipIf(problem !== undefined)(`a database on read-only media${problem === undefined ? "" : ` (skipped: ${problem})`}`, () => {
  it("is searched with readOnly from its fresh index file, loaded, with no warning", async () => {
    const { folder, expected } = await databaseFolder(true);
    const warnings: string[] = [];
    const backend = await openLocalBackend(join(readOnly(folder), "hardneg.db"), {
      readOnly: true,
      onWarning: (line) => warnings.push(line),
    });
    expect(await backend.count("corpus")).toBe(60);
    expect(await backend.search(target, queries, { mode: "bm25", k: 5 })).toEqual(expected);
    expect(backend.driver.lastIndexSource).toBe("loaded");
    await backend.close();
    expect(warnings).toEqual([]);
  });

  it("is read as well when the -shm and -wal files lie beside it (copied while open)", async () => {
    const { folder, expected } = await databaseFolder(true);
    // A read-only connection on writable storage leaves both files behind, as a copy taken while open would have them.
    const leaving = new Database(join(folder, "hardneg.db"), { readonly: true });
    leaving.prepare("SELECT count(*) FROM records").get();
    leaving.close();
    const backend = await openLocalBackend(join(readOnly(folder), "hardneg.db"), { readOnly: true });
    expect(await backend.search(target, queries, { mode: "bm25", k: 5 })).toEqual(expected);
    await backend.close();
  });

  it("builds a missing index in memory, with one warning line that it could not be saved", async () => {
    const { folder, expected } = await databaseFolder(false);
    const warnings: string[] = [];
    const backend = await openLocalBackend(join(readOnly(folder), "hardneg.db"), {
      readOnly: true,
      onWarning: (line) => warnings.push(line),
    });
    expect(await backend.search(target, queries, { mode: "bm25", k: 5 })).toEqual(expected);
    expect(backend.driver.lastIndexSource).toBe("built");
    await backend.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^\[hardneg\] \[local\] warning: could not write BM25 index file .*searching from memory/);
    expect(warnings[0]).not.toContain("\n");
  });

  it("refuses, in one line naming the log, a database whose write-ahead log holds unmerged pages and has no -shm", async () => {
    const source = temporaryDirectory();
    const copy = join(temporaryDirectory(), "media");
    mkdirSync(copy);
    const writer = new Database(join(source, "hardneg.db"));
    writer.pragma("journal_mode = WAL");
    writer.pragma("wal_autocheckpoint = 0");
    writer.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID; INSERT INTO meta VALUES ('database_id', 'x')");
    // Copied while the writer is open: the pages live only in the log.
    copyFileSync(join(source, "hardneg.db"), join(copy, "hardneg.db"));
    copyFileSync(join(source, "hardneg.db-wal"), join(copy, "hardneg.db-wal"));
    writer.close();
    const path = join(readOnly(copy), "hardneg.db");
    await expect(openLocalBackend(path, { readOnly: true })).rejects.toMatchObject({
      code: "BAD_OPTION",
      message: expect.stringMatching(new RegExp(`unmerged write-ahead log \\(${path}-wal\\)`)),
    });
  });

  it(
    "is refused for writing with one clear line, " +
      "an operational failure keeping SQLite's code (commands that write open it read-write)",
    async () => {
      const { folder } = await databaseFolder(true);
      const path = join(readOnly(folder), "hardneg.db");
      const error = await openLocalBackend(path, { create: false }).then(
        () => undefined,
        (caught: unknown) => caught as Error,
      );
      expect(HardnegError.isInstance(error)).toBe(false);
      expect((error!.cause as { code?: string }).code).toMatch(/^SQLITE_(CANTOPEN|READONLY)/);
      expect(error!.message).toContain(path);
      expect(error!.message).toContain("read-only");
      expect(error!.message).not.toContain("\n");
    },
  );
});
