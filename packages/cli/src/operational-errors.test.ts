import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { BadInputError } from "@hardneg/core";
import { afterAll, describe, expect, it } from "vitest";
import { describeOperationalError, EngineFailure, nameEngine } from "./operational-errors.js";
import { repoRoot, temporaryFolder } from "./test-support.js";

const folder = temporaryFolder();
afterAll(() => folder.remove());

/** better-sqlite3, as the local backend loads it (the CLI itself does not depend on it). */
const Database = createRequire(join(repoRoot, "packages/backend-local/package.json"))("better-sqlite3") as new (
  file: string,
) => {
  pragma(text: string): unknown;
  exec(sql: string): void;
  prepare(sql: string): { run(...values: unknown[]): unknown };
  close(): void;
};

/** The error `action` throws; fails the test when it throws nothing. */
function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected the action to throw");
}

function expectOneLine(message: string | undefined): void {
  expect(message).toBeDefined();
  expect(message!.split("\n")).toHaveLength(1);
  expect(message).not.toMatch(/^\s+at /m);
}

describe("describeOperationalError", () => {
  it("names the engine of a real SQLITE_FULL (a database stopped by max_page_count), exit 1", () => {
    const file = join(folder.path, "full.db");
    const database = new Database(file);
    try {
      database.exec("CREATE TABLE filler (text TEXT)");
      database.pragma("max_page_count = 4");
      const insert = database.prepare("INSERT INTO filler VALUES (?)");
      const error = thrownBy(() => {
        for (let row = 0; row < 1000; row += 1) insert.run("x".repeat(1000));
      });
      expect((error as { code?: string }).code).toBe("SQLITE_FULL");
      const failure = describeOperationalError(nameEngine(error, `local:${file}`));
      expect(failure?.exitCode).toBe(1);
      expect(failure?.message).toBe(
        `[hardneg] local:${file}: the database or its disk is full (SQLITE_FULL: database or disk is full); ` +
          `free space on the disk, then run the command again`,
      );
      expectOneLine(failure?.message);
    } finally {
      database.close();
    }
  });

  it("maps SQLite's codes, extended ones included, to one line naming the engine", () => {
    const cases: Array<[code: string, phrase: string, exitCode: 1 | 2]> = [
      ["SQLITE_BUSY", "the database is locked by another process", 1],
      ["SQLITE_BUSY_SNAPSHOT", "the database is locked by another process", 1],
      ["SQLITE_CANTOPEN", "cannot open the database file", 1],
      ["SQLITE_READONLY_DBMOVED", "the database is read-only", 1],
      ["SQLITE_IOERR_WRITE", "disk I/O error", 1],
      ["SQLITE_IOERR", "disk I/O error", 1],
      ["SQLITE_NOTADB", "is not a SQLite database", 2],
    ];
    for (const [code, phrase, exitCode] of cases) {
      const error = Object.assign(new Error("sqlite says no"), { name: "SqliteError", code });
      const failure = describeOperationalError(nameEngine(error, "local:/data/hardneg.db"));
      expect(failure?.exitCode, code).toBe(exitCode);
      expect(failure?.message).toContain(`[hardneg] local:/data/hardneg.db: ${phrase}`);
      expect(failure?.message).toContain(`(${code}: sqlite says no)`);
      expectOneLine(failure?.message);
    }
    // Without the CLI's engine tag the line still says what failed.
    expect(describeOperationalError(Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" }))?.message).toMatch(
      /^\[hardneg\] the SQLite database: the database is locked/,
    );
  });

  it("maps real file-system errors: EISDIR and ENOTDIR are the user's path (exit 2), ENOENT on rename is not", () => {
    const directory = join(folder.path, "a-folder");
    mkdirSync(directory);
    const file = join(folder.path, "a-file.txt");
    writeFileSync(file, "x");

    const intoFolder = describeOperationalError(thrownBy(() => renameSync(file, directory)));
    expect(intoFolder).toEqual({
      exitCode: 2,
      message: `[hardneg] ${directory}: is a folder, expected a file (EISDIR, rename from ${file}); give a file path`,
    });

    const underFile = describeOperationalError(thrownBy(() => writeFileSync(join(file, "inside.txt"), "x")));
    expect(underFile?.exitCode).toBe(2);
    expect(underFile?.message).toBe(
      `[hardneg] ${join(file, "inside.txt")}: a part of the path is a file, not a folder (ENOTDIR, open); check the path`,
    );

    const missing = describeOperationalError(thrownBy(() => readFileSync(join(folder.path, "absent.txt"))));
    expect(missing?.exitCode).toBe(2);
    expect(missing?.message).toContain(`${join(folder.path, "absent.txt")}: no such file or folder (ENOENT, open)`);

    const vanished = describeOperationalError(thrownBy(() => renameSync(join(folder.path, "gone.tmp"), join(folder.path, "out.jsonl"))));
    expect(vanished?.exitCode).toBe(1);
    expect(vanished?.message).toContain(`[hardneg] ${join(folder.path, "out.jsonl")}: could not move the finished file into place`);
    expect(vanished?.message).toContain(`(ENOENT, rename from ${join(folder.path, "gone.tmp")})`);

    const fileInTheWay = describeOperationalError(thrownBy(() => mkdirSync(join(file), { recursive: true })));
    expect(fileInTheWay?.exitCode).toBe(2);
    expect(fileInTheWay?.message).toContain(`${file}: is a file, but a folder is needed there (EEXIST, mkdir)`);
  });

  it("maps the machine's refusals to exit 1, naming the file, or the engine when the error names none", () => {
    const cases: Array<[code: string, phrase: string]> = [
      ["ENOSPC", "no space left on the device"],
      ["EROFS", "the file system is read-only"],
      ["EACCES", "permission denied"],
      ["EPERM", "operation not permitted"],
    ];
    for (const [code, phrase] of cases) {
      const error = Object.assign(new Error(`${code}: system says no`), { code, syscall: "open", path: "/data/out.jsonl", errno: -1 });
      expect(describeOperationalError(error)).toEqual({
        exitCode: 1,
        message: expect.stringMatching(new RegExp(`^\\[hardneg\\] /data/out\\.jsonl: ${phrase} \\(${code}, open\\); `)),
      });
    }
    // A write on an open file descriptor names no path: the engine is the best lead.
    const write = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", syscall: "write", errno: -28 });
    expect(describeOperationalError(nameEngine(write, "local:/data/hardneg.db"))?.message).toMatch(
      /^\[hardneg\] local:\/data\/hardneg\.db: no space left on the device \(ENOSPC, write\)/,
    );
  });

  it("keeps the messages of the errors that wrapped the failure, outermost first", () => {
    const cause = Object.assign(new Error("ENOSPC: no space left on device, write"), {
      code: "ENOSPC",
      syscall: "write",
      path: "/data/index.bin",
    });
    const wrapped = new Error("saving the BM25 index", { cause: new Error("writing postings", { cause }) });
    expect(describeOperationalError(nameEngine(wrapped, "local:/data/hardneg.db"))?.message).toBe(
      "[hardneg] /data/index.bin: saving the BM25 index: writing postings: " +
        "no space left on the device (ENOSPC, write); free space on the disk, then run the command again",
    );
  });

  it("leaves everything else alone: hardneg's errors, bugs, look-alike codes, cycles", () => {
    const input = new BadInputError("file not found; check the path", {
      file: "x.jsonl",
      cause: Object.assign(new Error("ENOENT"), { code: "ENOENT", syscall: "open" }),
    });
    expect(describeOperationalError(input)).toBeUndefined();
    expect(nameEngine(input, "local:x.db")).toBe(input);
    const bug = new TypeError("cannot read properties of undefined");
    expect(describeOperationalError(bug)).toBeUndefined();
    expect(nameEngine(bug, "local:x.db")).toBe(bug);
    expect(describeOperationalError(Object.assign(new Error("not a system error"), { code: "ENOENT" }))).toBeUndefined();
    expect(describeOperationalError(Object.assign(new Error("constraint"), { code: "SQLITE_CONSTRAINT_UNIQUE" }))).toBeUndefined();
    const cyclic: Error & { cause?: unknown } = new Error("a");
    cyclic.cause = new Error("b", { cause: cyclic });
    expect(describeOperationalError(cyclic)).toBeUndefined();
    expect(nameEngine(Object.assign(new Error("x"), { code: "SQLITE_BUSY" }), "local:x.db")).toBeInstanceOf(EngineFailure);
  });
});
