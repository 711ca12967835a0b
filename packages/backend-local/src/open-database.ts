import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { BadOptionError } from "@hardneg/core/adapter";
import { MissingDatabaseError } from "./missing-database-error.js";

/** How {@link openDatabase} opens the SQLite file. */
export interface DatabaseOpenMode {
  /** Create the file (and its folder) when missing. */
  create: boolean;
  /** Never write: open with SQLITE_OPEN_READONLY; works on read-only storage. */
  readOnly: boolean;
  /** How long a statement waits for another connection's lock, in milliseconds. */
  busyTimeoutMs: number;
}

/** A write-ahead log holding only its 32-byte header, or nothing, has no pages to merge. */
const EMPTY_WAL_BYTES = 32;

/**
 * Opens the SQLite file at `path` (or ":memory:") in `mode`. Without `create` nothing is ever
 * created: a missing file throws {@link MissingDatabaseError} before SQLite is called (and
 * `fileMustExist` guards the race). A file that is not SQLite throws `BadOptionError`.
 */
export function openDatabase(path: string, mode: DatabaseOpenMode): Database.Database {
  if (path === ":memory:") {
    if (mode.readOnly) throw new BadOptionError("readOnly", "an in-memory database cannot be read-only", { component: "local" });
    return new Database(":memory:");
  }
  const absolute = resolve(path);
  if (mode.create && !mode.readOnly) {
    return explainingWriteFailures(absolute, () => {
      mkdirSync(dirname(absolute), { recursive: true });
      return probed(new Database(path, { timeout: mode.busyTimeoutMs }), absolute);
    });
  }
  if (!existsSync(absolute)) throw new MissingDatabaseError(absolute);
  if (!statSync(absolute).isFile()) throw new MissingDatabaseError(absolute, "a folder, not a hardneg database file, is at");
  if (!mode.readOnly)
    return explainingWriteFailures(absolute, () =>
      probed(new Database(path, { fileMustExist: true, timeout: mode.busyTimeoutMs }), absolute),
    );
  const database = new Database(path, { readonly: true, fileMustExist: true, timeout: mode.busyTimeoutMs });
  try {
    return probed(database, absolute);
  } catch (error) {
    if ((error as { code?: unknown }).code !== "SQLITE_CANTOPEN") throw error;
    database.close();
    return inMemoryCopy(absolute);
  }
}

/**
 * Runs `open` (opening, or the first writes of a read-write connection) and turns SQLite's "cannot
 * open" and "read-only" failures, and the file system's, into one line naming the path: the
 * database sits on read-only storage or the user may not write it.
 */
export function explainingWriteFailures<T>(path: string, open: () => T): T {
  try {
    return open();
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? "");
    if (code === "SQLITE_CANTOPEN" || code.startsWith("SQLITE_READONLY") || code === "EROFS" || code === "EACCES" || code === "EPERM") {
      // The machine refuses, not the user's input: an operational failure (the CLI exits 1),
      // which keeps SQLite's or the system's code in its cause.
      throw new Error(
        `cannot open ${path} for writing (${code}: read-only storage or no permission to write it); ` +
          `only reading works there, with the backend's readOnly option (the CLI's eval, export and report use it)`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Reads the schema once, so a file that cannot be read fails here with a clear message rather
 * than at the first query: SQLITE_NOTADB becomes `BadOptionError`; SQLITE_CANTOPEN is rethrown
 * for the read-only fallback.
 */
function probed(database: Database.Database, path: string): Database.Database {
  try {
    database.prepare("SELECT count(*) FROM sqlite_master").pluck().get();
    return database;
  } catch (error) {
    database.close();
    if ((error as { code?: unknown }).code === "SQLITE_NOTADB") {
      throw new BadOptionError("path", `${path} is not a SQLite database (hardneg's local engine keeps its collections in one)`, {
        component: "local",
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * A WAL-mode database on read-only storage without its `-shm` file cannot be opened by SQLite
 * (it must create the shared-memory file, and better-sqlite3 is built without URI filenames, so
 * `?immutable=1` is not available). When no write-ahead log with pages lies beside it, the file
 * holds every committed page, so reading it into memory and opening that copy read-only is exact.
 * Costs memory equal to the file's size.
 */
function inMemoryCopy(path: string): Database.Database {
  const wal = `${path}-wal`;
  if (existsSync(wal) && statSync(wal).size > EMPTY_WAL_BYTES) {
    throw new BadOptionError(
      "path",
      `${path} is on read-only storage with an unmerged write-ahead log (${wal}) and no ${path}-shm, ` +
        `so SQLite cannot read it; open it once on writable storage (any hardneg command) to merge the log, then copy it back`,
      { component: "local" },
    );
  }
  const bytes = readFileSync(path);
  // Header bytes 18 and 19 are the read and write format versions, 2 for WAL mode. A deserialised
  // database cannot be in WAL mode; with no log to merge, the rollback-journal format (1) reads the same pages.
  if (bytes.byteLength >= 20 && bytes[18] === 2 && bytes[19] === 2) {
    bytes[18] = 1;
    bytes[19] = 1;
  }
  return probed(new Database(bytes, { readonly: true }), path);
}
