import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DocumentTarget } from "@hardneg/core";
import { describe, expect, it } from "vitest";
import { useTemporaryDirectories } from "../__fixtures__/temporary-directory.js";
import { openLocalBackend } from "../local-backend.js";

const temporaryDirectory = useTemporaryDirectories();
const target: DocumentTarget = { collection: "corpus", idKey: "doc_id", contentKey: "text", titleKey: "title" };
const options = { mode: "bm25", k: 5 } as const;
const queries = [{ text: "quick fox" }, { text: "lazy dogs sleeping" }, { text: "zebra" }];

function documents(count: number) {
  const words = ["quick", "brown", "fox", "lazy", "dog", "sleeps", "jumps", "over", "river", "zebra"];
  return Array.from({ length: count }, (_, position) => ({
    id: `r${position}`,
    properties: {
      doc_id: `d${position}`,
      title: words[position % words.length],
      text: words.filter((_, word) => (position + word) % 3 === 0).join(" "),
    },
  }));
}

describe("BM25 index persistence", () => {
  it("writes the index next to the database, reloads it after reopening, and rebuilds after a write", async () => {
    const path = join(temporaryDirectory(), "corpus.db");
    const first = await openLocalBackend(path);
    await first.createCollection({ name: "corpus", kind: "documents" });
    await first.upsert("corpus", documents(50));
    const before = await first.search(target, queries, options);
    expect(first.driver.lastIndexSource).toBe("built");
    await first.search(target, queries, options);
    expect(first.driver.lastIndexSource).toBe("cached");
    const files = readdirSync(`${path}.bm25`);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^corpus@[0-9a-f]+\.bm25$/);
    await first.close();

    const second = await openLocalBackend(path);
    const stats = await second.driver.prepareIndex(target);
    expect(stats).toMatchObject({ source: "loaded", documentCount: 50, file: join(`${path}.bm25`, files[0]!) });
    expect(await second.search(target, queries, options)).toEqual(before);
    expect(second.driver.lastIndexSource).toBe("cached");

    await second.upsert("corpus", [{ id: "r50", properties: { doc_id: "d50", title: "zebra", text: "zebra zebra zebra" } }]);
    const after = await second.search(target, queries, options);
    expect(second.driver.lastIndexSource).toBe("built");
    expect(after[2]![0]!.id).toBe("d50");
    expect((await second.driver.prepareIndex(target)).collectionVersion).toBeGreaterThan(stats.collectionVersion);
    await second.close();

    // The rebuilt file replaced the old one in place (same combination, same name).
    expect(readdirSync(`${path}.bm25`)).toEqual(files);
    const third = await openLocalBackend(path);
    expect(await third.search(target, queries, options)).toEqual(after);
    expect(third.driver.lastIndexSource).toBe("loaded");
    await third.close();
  });

  it("keeps one index per target and analyser, and deleting the collection removes them", async () => {
    const path = join(temporaryDirectory(), "corpus.db");
    const backend = await openLocalBackend(path);
    await backend.createCollection({ name: "corpus", kind: "documents" });
    await backend.upsert("corpus", documents(20));
    await backend.driver.prepareIndex(target);
    await backend.driver.prepareIndex({ ...target, titleKey: undefined });
    const unstemmed = await openLocalBackend(path, { bm25: { stemming: "none" } });
    expect((await unstemmed.driver.prepareIndex(target)).source).toBe("built");
    expect(readdirSync(`${path}.bm25`)).toHaveLength(3);
    await unstemmed.close();

    await backend.deleteCollection("corpus");
    expect(readdirSync(`${path}.bm25`)).toHaveLength(0);
    await backend.createCollection({ name: "corpus", kind: "documents" });
    await backend.upsert("corpus", documents(3));
    expect(await backend.driver.prepareIndex(target)).toMatchObject({ source: "built", documentCount: 3 });
    await backend.close();
  });

  it("keeps the index of an in-memory database in memory only", async () => {
    const backend = await openLocalBackend(":memory:");
    await backend.createCollection({ name: "corpus", kind: "documents" });
    await backend.upsert("corpus", documents(10));
    expect(await backend.driver.prepareIndex(target)).toMatchObject({ source: "built", file: undefined });
    expect(await backend.driver.prepareIndex(target)).toMatchObject({ source: "cached" });
    expect(existsSync(":memory:.bm25")).toBe(false);
    await backend.close();
  });

  it("rebuilds instead of trusting a corrupt index file", async () => {
    const path = join(temporaryDirectory(), "corpus.db");
    const first = await openLocalBackend(path);
    await first.createCollection({ name: "corpus", kind: "documents" });
    await first.upsert("corpus", documents(10));
    const { file } = await first.driver.prepareIndex(target);
    await first.close();
    const intact = readFileSync(file!);
    writeFileSync(file!, "not an index");
    const second = await openLocalBackend(path);
    expect(await second.driver.prepareIndex(target)).toMatchObject({ source: "built", documentCount: 10 });
    await second.close();
    // A file cut short keeps a valid header but lacks its sections.
    writeFileSync(file!, intact.subarray(0, intact.byteLength - 40));
    const third = await openLocalBackend(path);
    expect(await third.driver.prepareIndex(target)).toMatchObject({ source: "built", documentCount: 10 });
    await third.close();
  });
});
