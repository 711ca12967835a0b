import { readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openLocalBackend } from "@hardneg/backend-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliConcurrently, temporaryFolder } from "./test-support.js";

const folder = temporaryFolder();
const database = join(folder.path, "exports.db");
const engine = ["--engine", `local:${database}`];
/** Two collections, different in rows and length (12 and 9 MB of JSONL), so a mix of their exports shows. */
const COLLECTIONS = { first: 20_000, second: 15_000 } as const;
afterAll(() => folder.remove());

beforeAll(async () => {
  const store = await openLocalBackend(database);
  try {
    for (const [name, rows] of Object.entries(COLLECTIONS)) {
      await store.createCollection({ name, kind: "hard-negatives" });
      for (let start = 0; start < rows; start += 2500) {
        await store.upsert(
          name,
          Array.from({ length: 2500 }, (_, offset) => {
            const index = start + offset;
            return {
              id: `${name}-${index}`,
              properties: {
                query_id: `q${index % 500}`,
                query: `query ${index % 500}`,
                hard_negative_id: `d${index}`,
                hard_negative_doc: `${name} document ${index} `.repeat(30),
                rank: 1 + (index % 50),
              },
            };
          }),
        );
      }
    }
  } finally {
    await store.close();
  }
});

/** The rows of a seed export, checking that every line is one whole row and none repeats. */
function exportedRowIds(file: string): string[] {
  const text = readFileSync(file, "utf8");
  expect(text.endsWith("\n")).toBe(true);
  const ids = text
    .slice(0, -1)
    .split("\n")
    .map((line) => (JSON.parse(line) as { id: string }).id);
  expect(new Set(ids).size).toBe(ids.length);
  return ids;
}

describe("hardneg export writes through a temporary file of its own", () => {
  it("leaves exactly one complete, valid export when two exports to the same output run at once", async () => {
    for (let round = 0; round < 4; round += 1) {
      const output = join(folder.path, `race-${round}.jsonl`);
      const exportOf = (collection: string) => ["export", "--collection", collection, "--format", "seed", "--output", output, ...engine];
      const results = await Promise.all([
        runCliConcurrently(exportOf("first"), folder.path),
        runCliConcurrently(exportOf("second"), folder.path),
      ]);
      // Whichever rename came last, the file is that export, whole: every line parses, in order, nothing of the other.
      const ids = exportedRowIds(output);
      const winner = ids[0]!.startsWith("first-") ? "first" : "second";
      expect(ids).toEqual(Array.from({ length: COLLECTIONS[winner] }, (_, index) => `${winner}-${index}`));
      // Both succeed: each renamed its own complete temporary file.
      for (const result of results) expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
    }
    expect(
      readdirSync(folder.path)
        .filter((name) => name.startsWith("race-"))
        .sort(),
    ).toEqual(["race-0.jsonl", "race-1.jsonl", "race-2.jsonl", "race-3.jsonl"]);
  });

  it("never writes through a symlink planted at <output>.tmp (the old fixed temporary name)", () => {
    const victim = join(folder.path, "victim.txt");
    writeFileSync(victim, "not yours to overwrite\n");
    const output = join(folder.path, "planted.jsonl");
    symlinkSync(victim, `${output}.tmp`);
    const result = runCli(["export", "--collection", "second", "--format", "seed", "--output", output, ...engine], folder.path);
    expect(result.status).toBe(0);
    expect(readFileSync(victim, "utf8")).toBe("not yours to overwrite\n");
    expect(readlinkSync(`${output}.tmp`)).toBe(victim);
    expect(exportedRowIds(output)).toHaveLength(COLLECTIONS.second);
  });
});
