import { existsSync, realpathSync } from "node:fs";
import { resolve } from "node:path";
import type { EngineFile, EngineFilesOf } from "@hardneg/core/adapter";

/**
 * The files of the local engine at database `location`: SQLite's own (`-wal` and `-shm` in WAL
 * mode, `-journal` otherwise) and the folder `<db>.bm25` where `LocalBackend` keeps its BM25
 * index files and document vectors (its default `indexDirectory`). None for ":memory:".
 */
const FILES: ReadonlyArray<{ suffix: string; role: string; folder: boolean }> = [
  { suffix: "", role: "database file", folder: false },
  { suffix: "-wal", role: "write-ahead log", folder: false },
  { suffix: "-shm", role: "shared-memory index of the write-ahead log", folder: false },
  { suffix: "-journal", role: "rollback journal", folder: false },
  { suffix: ".bm25", role: "BM25 index and vector folder", folder: true },
];

/** What the CLI refuses to write over (the convention's `engineFiles` export). */
export const engineFiles: EngineFilesOf = (location) => {
  if (location === ":memory:" || location === "") return [];
  // SQLite puts its companion files beside the database's real file, not beside a symlink to it.
  const database = existsSync(location) ? realpathSync(location) : resolve(location);
  return FILES.map(
    ({ suffix, role, folder }): EngineFile => ({ path: resolve(location + suffix), role, folder, alsoAt: [database + suffix] }),
  );
};
