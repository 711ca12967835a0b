import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EmbeddingCache } from "./embedding-cache.js";

const folder = mkdtempSync(join(tmpdir(), "hardneg-embedding-cache-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("EmbeddingCache", () => {
  it("keeps vectors across instances, keyed by kind and text", () => {
    const first = new EmbeddingCache("model-a", folder);
    const queryKey = EmbeddingCache.keyOf("query", "hello");
    const documentKey = EmbeddingCache.keyOf("document", "hello");
    expect(queryKey).not.toBe(documentKey);
    first.put(
      new Map([
        [queryKey, Float32Array.of(1, 2, 3)],
        [documentKey, Float32Array.of(4, 5, 6)],
      ]),
    );
    expect([...first.get([queryKey]).get(queryKey)!]).toEqual([1, 2, 3]);
    first.close();

    const second = new EmbeddingCache("model-a", folder);
    const found = second.get([documentKey, queryKey, EmbeddingCache.keyOf("query", "absent")]);
    expect(found.size).toBe(2);
    expect([...found.get(documentKey)!]).toEqual([4, 5, 6]);
    expect(second.size).toBe(2);
    second.close();
  });

  it("keeps a folder it creates out of git (a .gitignore of *), and leaves an existing folder alone", () => {
    const created = new EmbeddingCache("model-a", join(folder, "new/.hardneg-cache/embeddings"));
    created.put(new Map([[EmbeddingCache.keyOf("query", "hello"), Float32Array.of(1)]]));
    created.close();
    expect(readFileSync(join(folder, "new/.gitignore"), "utf8"), "the outermost folder it created").toMatch(/^\*$/m);

    mkdirSync(join(folder, "mine"));
    const existing = new EmbeddingCache("model-a", join(folder, "mine"));
    existing.put(new Map([[EmbeddingCache.keyOf("query", "hello"), Float32Array.of(1)]]));
    existing.close();
    expect(existsSync(join(folder, "mine/.gitignore")), "the user's folder").toBe(false);
  });

  it("gives each embedder id its own file", () => {
    const other = new EmbeddingCache("model-b", folder);
    expect(other.get([EmbeddingCache.keyOf("query", "hello")]).size).toBe(0);
    expect(other.file).not.toBe(new EmbeddingCache("model-a", folder).file);
    other.close();
  });

  it("cuts off a record torn by a crash and keeps appending whole records", () => {
    const cache = new EmbeddingCache("model-torn", folder);
    const keys = ["one", "two"].map((text) => EmbeddingCache.keyOf("document", text));
    cache.put(
      new Map([
        [keys[0]!, Float32Array.of(1, 1)],
        [keys[1]!, Float32Array.of(2, 2)],
      ]),
    );
    cache.close();
    truncateSync(cache.file, statSync(cache.file).size - 3);

    const reopened = new EmbeddingCache("model-torn", folder);
    expect(reopened.get(keys).size).toBe(1);
    const third = EmbeddingCache.keyOf("document", "three");
    reopened.put(new Map([[third, Float32Array.of(3, 3)]]));
    reopened.close();
    const last = new EmbeddingCache("model-torn", folder);
    expect([...last.get([third]).get(third)!]).toEqual([3, 3]);
    expect([...last.get([keys[0]!]).get(keys[0]!)!]).toEqual([1, 1]);
    last.close();
  });
});
