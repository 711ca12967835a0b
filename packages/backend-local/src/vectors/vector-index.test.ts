import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { seededRandom, type DocumentTarget, type Embedder } from "@hardneg/core";
import type { EngineOf } from "@hardneg/core/adapter";
import { describe, expect, it } from "vitest";
import { useTemporaryDirectories } from "../__fixtures__/temporary-directory.js";
import { openLocalBackend, type LocalBackend, type LocalBackendOptions } from "../local-backend.js";
import { VECTORS_PER_BUILD_STEP } from "./vector-index.js";
import { APPROXIMATE_SEARCH_THRESHOLD, usesApproximateIndex } from "./vector-manager.js";

const target: DocumentTarget = { collection: "corpus", idKey: "doc_id", contentKey: "text" };
const temporaryDirectory = useTemporaryDirectories();
const DIMENSION = 24;
const DOCUMENTS = 1500;

/** A seeded random vector per text (the same text, the same vector), so the corpus is a fixed random set. */
function randomVector(text: string): Float32Array {
  let seed = 7;
  for (const character of text) seed = Math.imul(seed ^ character.charCodeAt(0), 0x01000193) >>> 0;
  const next = seededRandom(seed);
  return Float32Array.from({ length: DIMENSION }, () => next() * 2 - 1);
}

const randomEmbedder: Embedder = {
  id: "test:random-24",
  dimension: DIMENSION,
  embedQueries: async (texts) => texts.map(randomVector),
  embedDocuments: async (texts) => texts.map(randomVector),
};

async function openWith(path: string, options: LocalBackendOptions = {}, documents = DOCUMENTS): Promise<EngineOf<LocalBackend>> {
  const backend = await openLocalBackend(path, { embedder: randomEmbedder, ...options });
  if (!(await backend.hasCollection("corpus"))) {
    await backend.createCollection({ name: "corpus", kind: "documents", target: { idKey: "doc_id", contentKey: "text" } });
    await backend.upsert(
      "corpus",
      Array.from({ length: documents }, (_, document) => ({
        id: `record-${document}`,
        properties: { doc_id: `d${document}`, text: `document number ${document}` },
      })),
    );
  }
  return backend;
}

/** Fixed query vectors, given with the requests (no embedding). */
function queries(count: number): Array<{ text: string; vector: number[] }> {
  return Array.from({ length: count }, (_, query) => ({ text: `query ${query}`, vector: Array.from(randomVector(`query ${query}`)) }));
}

describe("approximate vector index (usearch HNSW)", () => {
  it("auto is exact below the threshold and approximate from it; exact and approximate are so at any size", () => {
    expect(usesApproximateIndex("auto", APPROXIMATE_SEARCH_THRESHOLD - 1)).toBe(false);
    expect(usesApproximateIndex("auto", APPROXIMATE_SEARCH_THRESHOLD)).toBe(true);
    expect(usesApproximateIndex("exact", 10 * APPROXIMATE_SEARCH_THRESHOLD)).toBe(false);
    expect(usesApproximateIndex("approximate", 1)).toBe(true);
  });

  it("reports a build of more than one step, a line per 50,000 vectors and one at the end; a small build says nothing", async () => {
    const lines: string[] = [];
    const onProgress = (line: string) => lines.push(line);
    const small = await openWith(":memory:", { vectorIndex: "approximate", onProgress });
    await small.driver.prepareVectorIndex(target);
    await small.close();
    expect(lines).toEqual([]);
    const large = await openWith(":memory:", { vectorIndex: "approximate", onProgress }, VECTORS_PER_BUILD_STEP + 2_000);
    try {
      expect(await large.driver.prepareVectorIndex(target)).toMatchObject({ source: "built", documentCount: 52_000 });
    } finally {
      await large.close();
    }
    expect(lines).toEqual([
      expect.stringMatching(
        /^\[hardneg\] \[local\] building the approximate vector index of corpus: 50,000 of 52,000 vectors \(96%, \d+ s\)$/,
      ),
      expect.stringMatching(/: 52,000 of 52,000 vectors \(100%, \d+ s\)$/),
      expect.stringMatching(/^\[hardneg\] \[local\] building the approximate vector index of corpus: done in \d+\.\d s$/),
    ]);
  });

  it("refuses an unknown vectorIndex option, naming it and the choices", async () => {
    await expect(openLocalBackend(":memory:", { vectorIndex: "fast" as never })).rejects.toMatchObject({
      code: "BAD_OPTION",
      message: expect.stringMatching(/vectorIndex.*"auto", "exact" or "approximate".*"fast"/),
    });
  });

  it("finds the exact top k with high recall, scores every hit exactly, and hybrid uses the same list", async () => {
    const exact = await openWith(":memory:", { vectorIndex: "exact" });
    const approximate = await openWith(":memory:", { vectorIndex: "approximate" });
    expect(await exact.driver.prepareVectorIndex(target)).toBeUndefined();
    expect((await approximate.driver.prepareVectorIndex(target))?.source).toBe("built");
    const requests = queries(40);
    const k = 20;
    const truth = await exact.search(target, requests, { mode: "vector", k });
    const found = await approximate.search(target, requests, { mode: "vector", k });
    let hits = 0;
    found.forEach((list, position) => {
      const wanted = new Set(truth[position]!.map((hit) => hit.id));
      hits += list.filter((hit) => wanted.has(hit.id)).length;
      expect(list).toHaveLength(k);
      // Best first, scores as exact scoring gives them (to the bit).
      for (let rank = 1; rank < list.length; rank++) expect(list[rank]!.score).toBeLessThanOrEqual(list[rank - 1]!.score);
    });
    // Seeded data and efSearch ≥ k on 1,500 points: recall is ~1; 0.9 leaves room without flaking.
    expect(hits / (requests.length * k)).toBeGreaterThanOrEqual(0.9);
    const exactScores = await exact.scoreDocuments(
      target,
      requests[0]!,
      found[0]!.map((hit) => hit.id),
      { mode: "vector", k },
    );
    for (const hit of found[0]!) expect(hit.score).toBe(exactScores.get(hit.id));
    // A document outside the approximate list still gets its exact score (gold scoring).
    const outside = "d0" === found[0]![0]!.id ? "d1" : "d0";
    const [exactOutside, approximateOutside] = await Promise.all(
      [exact, approximate].map((backend) => backend.scoreDocuments(target, requests[0]!, [outside], { mode: "vector", k })),
    );
    expect(approximateOutside!.get(outside)).toBe(exactOutside!.get(outside));
    // Hybrid with alpha 1 ranks by the vector list alone: the approximate one.
    const hybrid = await approximate.search(target, requests.slice(0, 5), { mode: "hybrid", k, alpha: 1, fusion: "relative-score" });
    expect(hybrid.map((list) => list.map((hit) => hit.id))).toEqual(found.slice(0, 5).map((list) => list.map((hit) => hit.id)));
    await exact.close();
    await approximate.close();
  });

  it("an empty collection searches to nothing, with no index", async () => {
    const backend = await openWith(":memory:", { vectorIndex: "approximate" }, 0);
    expect(await backend.search(target, queries(2), { mode: "vector", k: 5 })).toEqual([[], []]);
    expect(await backend.driver.prepareVectorIndex(target)).toBeUndefined();
    await backend.close();
  });

  it('"exact" and "auto" below the threshold give the same results, with no index', async () => {
    const folder = temporaryDirectory();
    const exact = await openWith(join(folder, "exact.db"), { vectorIndex: "exact" }, 300);
    const auto = await openWith(join(folder, "auto.db"), {}, 300);
    const requests = queries(10);
    const options = { mode: "vector", k: 25 } as const;
    expect(await auto.search(target, requests, options)).toEqual(await exact.search(target, requests, options));
    expect(await auto.driver.prepareVectorIndex(target)).toBeUndefined();
    expect((await auto.driver.prepareVectors(target)).file).toBeDefined();
    expect(existsSync(`${(await auto.driver.prepareVectors(target)).file!.replace(/\.vectors$/, ".ann")}`)).toBe(false);
    await exact.close();
    await auto.close();
  });

  it("persists the index next to the vectors, reuses it in a new process, rebuilds it after a write and after damage", async () => {
    const path = join(temporaryDirectory(), "ann.db");
    const warnings: string[] = [];
    const options: LocalBackendOptions = { vectorIndex: "approximate", onWarning: (message) => warnings.push(message) };
    const requests = queries(5);
    const first = await openWith(path, options, 400);
    const built = await first.driver.prepareVectorIndex(target);
    expect(built?.source).toBe("built");
    const vectorsFile = (await first.driver.prepareVectors(target)).file!;
    expect(built!.file).toBe(vectorsFile.replace(/\.vectors$/, ".ann"));
    expect(existsSync(built!.file!)).toBe(true);
    expect(JSON.parse(readFileSync(`${built!.file}.json`, "utf8"))).toMatchObject({ documentCount: 400, dimension: DIMENSION });
    expect((await first.driver.prepareVectorIndex(target))?.source).toBe("cached");
    const results = await first.search(target, requests, { mode: "vector", k: 10 });
    await first.close();

    const second = await openWith(path, options);
    expect((await second.driver.prepareVectorIndex(target))?.source).toBe("loaded");
    expect(await second.search(target, requests, { mode: "vector", k: 10 })).toEqual(results);
    await second.upsert("corpus", [{ id: "record-new", properties: { doc_id: "new", text: "a new document" } }]);
    const rebuilt = await second.driver.prepareVectorIndex(target);
    expect(rebuilt).toMatchObject({ source: "built", documentCount: 401 });
    await second.close();
    expect(warnings).toEqual([]);

    // Damage in the graph file: caught by the checksum before usearch reads it; rebuilt, said once.
    const bytes = readFileSync(rebuilt!.file!);
    const middle = bytes.length >> 1;
    bytes[middle] = bytes[middle]! ^ 0xff;
    writeFileSync(rebuilt!.file!, bytes);
    const third = await openWith(path, options);
    expect((await third.driver.prepareVectorIndex(target))?.source).toBe("built");
    expect((await third.driver.prepareVectorIndex(target))?.source).toBe("cached");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/approximate vector index .*\.ann is damaged \(checksum mismatch\); rebuilding it/);
    await third.close();

    // A header that is no longer JSON, and a graph file cut short: each rebuilt with one warning.
    writeFileSync(`${rebuilt!.file}.json`, "{ not json");
    const fourth = await openWith(path, options);
    expect((await fourth.driver.prepareVectorIndex(target))?.source).toBe("built");
    await fourth.close();
    writeFileSync(rebuilt!.file!, readFileSync(rebuilt!.file!).subarray(0, 100));
    const fifth = await openWith(path, options);
    expect((await fifth.driver.prepareVectorIndex(target))?.source).toBe("built");
    expect((await fifth.driver.prepareVectorIndex(target))?.source).toBe("cached");
    await fifth.close();
    expect(warnings).toHaveLength(3);
    expect(warnings[1]).toMatch(/is damaged \(header is not valid JSON\)/);
    expect(warnings[2]).toMatch(/is damaged \(size 100 bytes, its header says \d+\)/);
    const sixth = await openWith(path, options);
    expect((await sixth.driver.prepareVectorIndex(target))?.source).toBe("loaded");
    await sixth.close();
    expect(warnings).toHaveLength(3);
  });
});
