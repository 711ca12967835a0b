import { linkSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { BadOptionError, HardnegError } from "@hardneg/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineFilesOf, refuseEngineFileOutput } from "./engine-files.js";
import { temporaryFolder } from "./test-support.js";

const folder = temporaryFolder();
const database = join(folder.path, "sample.db");
const lance = join(folder.path, "lance");
const local = `local:${database}`;

beforeAll(() => {
  // What an opened local engine leaves on disk, plus links a user (or someone else) may make.
  for (const suffix of ["", "-wal", "-shm"]) writeFileSync(database + suffix, "engine bytes");
  mkdirSync(`${database}.bm25`);
  mkdirSync(join(folder.path, "sub"));
  mkdirSync(join(folder.path, "elsewhere", "deeper"), { recursive: true });
  mkdirSync(lance);
  symlinkSync(database, join(folder.path, "link-to-database.db"));
  symlinkSync(folder.path, join(folder.path, "elsewhere", "link-to-folder"));
  linkSync(database, join(folder.path, "hard-link.db"));
});
afterAll(() => folder.remove());

/** The error `refuseEngineFileOutput` throws, or undefined when it accepts the output. */
async function refusalOf(output: string, engines: string[] = [local]): Promise<Error | undefined> {
  try {
    await refuseEngineFileOutput("--output", output, engines);
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

describe("engineFilesOf", () => {
  it("names the local database, SQLite's companion files and the backend's <db>.bm25 folder", async () => {
    expect((await engineFilesOf(local)).map(({ role, path, folder: isFolder }) => ({ role, path, isFolder }))).toEqual([
      { role: "database file", path: database, isFolder: false },
      { role: "write-ahead log", path: `${database}-wal`, isFolder: false },
      { role: "shared-memory index of the write-ahead log", path: `${database}-shm`, isFolder: false },
      { role: "rollback journal", path: `${database}-journal`, isFolder: false },
      { role: "BM25 index and vector folder", path: `${database}.bm25`, isFolder: true },
    ]);
  });

  it("names a LanceDB folder (also as a file: URL), and nothing for in-memory, remote or server engines", async () => {
    expect((await engineFilesOf(`lancedb:${lance}`)).map(({ role, path, folder: isFolder }) => ({ role, path, isFolder }))).toEqual([
      { role: "LanceDB folder", path: lance, isFolder: true },
    ]);
    expect((await engineFilesOf(`lancedb:${pathToFileURL(lance).href}`)).map((file) => file.path)).toEqual([lance]);
    for (const engine of [
      "local::memory:",
      "lancedb:s3://bucket/data",
      "weaviate:http://localhost:8080",
      "elastic:http://localhost:9200",
      "qdrant:http://localhost:6333",
    ]) {
      expect(await engineFilesOf(engine)).toEqual([]);
    }
  });
});

describe("refuseEngineFileOutput", () => {
  it("refuses each of the local engine's files with a BadOptionError on the option, naming the output and the file", async () => {
    const index = `${database}.bm25`;
    for (const [output, role, file] of [
      [database, "is the database file", database],
      [`${database}-wal`, "is the write-ahead log", `${database}-wal`],
      [`${database}-shm`, "is the shared-memory index of the write-ahead log", `${database}-shm`],
      [`${database}-journal`, "is the rollback journal", `${database}-journal`],
      [index, "is the BM25 index and vector folder", index],
      [join(index, "export.jsonl"), "is inside the BM25 index and vector folder", index],
      [join(index, "new", "export.jsonl"), "is inside the BM25 index and vector folder", index],
    ] as const) {
      const error = await refusalOf(output);
      expect(error, output).toBeInstanceOf(BadOptionError);
      expect(HardnegError.isInstance(error) && error.isUserError).toBe(true);
      expect(error!.message).toBe(
        `[hardneg] option --output: ${JSON.stringify(output)} ${role} of --engine ${local} ` +
          `(${file}); writing it would destroy the engine's data, choose another file`,
      );
    }
  });

  it("shows control characters of the output path as escapes: the message is printed as it is", async () => {
    const message = (await refusalOf(join(`${database}.bm25`, "\u202eevil\u001b[2J.jsonl")))!.message;
    expect(message).toContain("\\u202eevil\\u001b[2J.jsonl");
    expect(message).not.toMatch(/[\u001b\u202e]/);
  });

  it("sees through relative paths, '..', symlinks to the database or its folder, and hard links", async () => {
    const previous = process.cwd();
    process.chdir(join(folder.path, "sub"));
    try {
      expect(await refusalOf("../sample.db")).toBeInstanceOf(BadOptionError);
      expect(await refusalOf("../sub/../sample.db-wal")).toBeInstanceOf(BadOptionError);
      expect(await refusalOf("./x.jsonl", ["local:../sub/x.jsonl"])).toBeInstanceOf(BadOptionError);
    } finally {
      process.chdir(previous);
    }
    // "elsewhere/deeper/.." is "elsewhere"; through the folder link it is the engine's folder.
    expect(await refusalOf(join(folder.path, "elsewhere", "link-to-folder", "sample.db"))).toBeInstanceOf(BadOptionError);
    expect(await refusalOf(join(folder.path, "elsewhere", "link-to-folder", "sample.db.bm25", "x.jsonl"))).toBeInstanceOf(BadOptionError);
    expect(await refusalOf(join(folder.path, "elsewhere", "deeper", "..", "link-to-folder", "sample.db"))).toBeInstanceOf(BadOptionError);
    // The output is a link to the database; the engine is named through a link.
    expect(await refusalOf(join(folder.path, "link-to-database.db"))).toBeInstanceOf(BadOptionError);
    expect((await refusalOf(database, [`local:${join(folder.path, "link-to-database.db")}`]))?.message).toContain("is the database file");
    // SQLite puts the WAL beside the link's target.
    expect(await refusalOf(`${database}-wal`, [`local:${join(folder.path, "link-to-database.db")}`])).toBeInstanceOf(BadOptionError);
    expect(await refusalOf(join(folder.path, "hard-link.db"))).toBeInstanceOf(BadOptionError);
  });

  it("refuses the LanceDB folder and anything inside it, for any of several engines", async () => {
    const engines = [local, `lancedb:${relative(process.cwd(), lance)}`];
    expect((await refusalOf(lance, engines))?.message).toContain("is the LanceDB folder of --engine lancedb:");
    expect((await refusalOf(join(lance, "docs.lance", "export.jsonl"), engines))?.message).toContain("is inside the LanceDB folder");
    expect(await refusalOf(join(folder.path, "elsewhere", "link-to-folder", "lance", "x"), engines)).toBeInstanceOf(BadOptionError);
  });

  it("accepts outputs that only look alike, and any output for engines without local files", async () => {
    for (const output of [
      `${database}.jsonl`,
      `${database}x`,
      `${database}-walx`,
      `${database}.bm25x`,
      join(folder.path, "sub", "sample.db"),
      `${lance}2`,
      join(folder.path, "lance.jsonl"),
    ]) {
      expect(await refusalOf(output, [local, `lancedb:${lance}`]), output).toBeUndefined();
    }
    expect(await refusalOf(database, ["local::memory:", "weaviate:http://localhost:8080"])).toBeUndefined();
  });
});
