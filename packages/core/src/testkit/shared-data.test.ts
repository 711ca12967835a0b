import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sharedData } from "./shared-data.js";

const folders: string[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A workplace: `<root>/repo` with a pnpm workspace and a test file, `<root>/shared/<data>` beside it. */
function workplace(withData: boolean): string {
  const root = mkdtempSync(join(tmpdir(), "hardneg-shared-"));
  folders.push(root);
  mkdirSync(join(root, "repo/packages/x/src"), { recursive: true });
  writeFileSync(join(root, "repo/pnpm-workspace.yaml"), "packages: []\n");
  if (withData) {
    mkdirSync(join(root, "shared/datasets/tiny"), { recursive: true });
    writeFileSync(join(root, "shared/datasets/tiny/corpus.jsonl"), "{}\n");
  }
  return pathToFileURL(join(root, "repo/packages/x/src/some.test.ts")).href;
}

describe("sharedData", () => {
  it("finds ../shared next to the repository root", () => {
    const testFile = workplace(true);
    const data = sharedData("datasets/tiny", testFile, "corpus.jsonl");
    expect(data.available, "available").toBe(true);
    expect(data.path.endsWith(join("shared", "datasets", "tiny")), "path").toBe(true);
  });

  it("warns and reports absent data, or throws when HARDNEG_REQUIRE_SHARED_DATA=1", () => {
    const testFile = workplace(false);
    vi.stubEnv("HARDNEG_REQUIRE_SHARED_DATA", "");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(sharedData("datasets/tiny", testFile, "corpus.jsonl").available, "absent data").toBe(false);
    expect(warn, "the warning").toHaveBeenCalledWith(expect.stringContaining("SKIPPING"));
    vi.stubEnv("HARDNEG_REQUIRE_SHARED_DATA", "1");
    expect(() => sharedData("datasets/tiny", testFile, "corpus.jsonl"), "required data").toThrow(/HARDNEG_REQUIRE_SHARED_DATA=1/);
  });
});
