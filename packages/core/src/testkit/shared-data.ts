import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** A shared dataset or model folder, and whether it is there. */
export interface SharedData {
  path: string;
  available: boolean;
}

/**
 * Finds `../shared/<relativePath>` next to the repository that holds `testFileUrl` (its first
 * ancestor folder with a `pnpm-workspace.yaml`); `probe` is a file inside that must exist.
 * When it is absent, tests that need it should skip: this warns loudly, and when
 * `HARDNEG_REQUIRE_SHARED_DATA=1` (as in CI) it throws instead, so a missing dataset fails the
 * test file rather than passing as skipped.
 */
export function sharedData(relativePath: string, testFileUrl: string, probe: string): SharedData {
  const path = resolve(repositoryRootOf(fileURLToPath(testFileUrl)), "..", "shared", relativePath);
  const available = existsSync(join(path, probe));
  if (!available) {
    if (process.env["HARDNEG_REQUIRE_SHARED_DATA"] === "1") {
      throw new Error(`HARDNEG_REQUIRE_SHARED_DATA=1 but ${join(path, probe)} is missing`);
    }
    console.warn(`\n!!! SKIPPING tests that need ${path} (absent). Set HARDNEG_REQUIRE_SHARED_DATA=1 to make this a failure.\n`);
  }
  return { path, available };
}

function repositoryRootOf(file: string): string {
  for (let folder = dirname(file); ; folder = dirname(folder)) {
    if (existsSync(join(folder, "pnpm-workspace.yaml"))) return folder;
    if (dirname(folder) === folder) throw new Error(`no pnpm-workspace.yaml above ${file}`);
  }
}
