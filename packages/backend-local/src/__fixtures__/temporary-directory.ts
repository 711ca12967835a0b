import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

/**
 * A fresh folder under the OS temp dir for each call, removed after the test that asked for it.
 * Call it inside a test (or beforeEach), never at module level.
 */
export function useTemporaryDirectories(): () => string {
  const created: string[] = [];
  afterEach(() => {
    for (const directory of created.splice(0)) rmSync(directory, { recursive: true, force: true });
  });
  return () => {
    const directory = mkdtempSync(join(tmpdir(), "hardneg-local-"));
    created.push(directory);
    return directory;
  };
}
