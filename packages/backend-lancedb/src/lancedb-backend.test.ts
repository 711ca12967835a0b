import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HardnegError, type DocumentTarget } from "@hardneg/core";
import { afterAll, describe, expect, it } from "vitest";
import { openLanceDbBackend, type LanceDbBackend, type LanceDbBackendOptions } from "./lancedb-backend.js";

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function newFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "hardneg-lancedb-"));
  folders.push(folder);
  return folder;
}

const target: DocumentTarget = { collection: "corpus", idKey: "doc_id", contentKey: "text" };

async function backendWith(documents: Array<Record<string, unknown>>, options: LanceDbBackendOptions = {}, path = join(newFolder(), "db")): Promise<LanceDbBackend> {
  const backend = await openLanceDbBackend(path, options);
  await backend.createCollection({ name: "corpus", kind: "documents", target: { idKey: "doc_id", contentKey: "text" } });
  await backend.upsert("corpus", documents.map((properties, position) => ({ id: `record-${position}`, properties })));
  return backend;
}

async function codeOf(action: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await action();
    return undefined;
  } catch (error) {
    return HardnegError.isInstance(error) ? error.code : `not a HardnegError: ${String(error)}`;
  }
}

describe("LanceDB backend", () => {
  it("builds the FTS index once when the first searches arrive concurrently (reopened engine)", async () => {
    const path = join(newFolder(), "db");
    const documents = Array.from({ length: 50 }, (_, index) => ({ doc_id: `d${index}`, text: `espresso grind ${index} coffee ${index % 7}` }));
    await (await backendWith(documents, {}, path)).close();
    // A fresh process: no index yet, and mining sends two batches at once.
    const reopened = await openLanceDbBackend(path);
    const batches = await Promise.all([0, 1, 2].map((offset) =>
      reopened.search(target, [{ text: `coffee ${offset}` }, { text: "espresso grind" }], { mode: "bm25", k: 5 })));
    for (const hits of batches) expect(hits[1]).toHaveLength(5);
    await reopened.close();
  });

  it("offers vector and hybrid only with an embedder", async () => {
    const plain = await backendWith([{ doc_id: "a", text: "apple" }]);
    const embedding = await backendWith([{ doc_id: "a", text: "apple" }], { embedder: { embedQueries: async (texts) => texts.map(() => [1, 0]) } });
    expect(plain.capabilities()).toEqual({ modes: ["bm25"], scoreDocuments: true, scoreDocumentsModes: ["bm25"], maxBatchSize: 256 });
    expect(embedding.capabilities()).toMatchObject({ modes: ["bm25", "vector", "hybrid"], scoreDocumentsModes: ["bm25", "vector"] });
    await Promise.all([plain.close(), embedding.close()]);
  });

  it("serves vector requests that carry vectors, refuses those without one, and collections without vectors", async () => {
    const backend = await backendWith([{ doc_id: "a", text: "apple", vector: [1, 0] }, { doc_id: "b", text: "banana", vector: [0, 1] }]);
    const [hits] = await backend.search(target, [{ text: "fruit", vector: [0.1, 0.9] }], { mode: "vector", k: 2 });
    expect(hits!.map((hit) => hit.id)).toEqual(["b", "a"]);
    expect(hits![0]!.score).toBeCloseTo(0.9 / Math.hypot(0.1, 0.9), 5);
    expect(await codeOf(() => backend.search(target, [{ text: "fruit" }], { mode: "vector", k: 2 }))).toBe("BAD_INPUT");
    expect(await codeOf(() => backend.search(target, [{ text: "fruit", vector: [1, 0, 0] }], { mode: "vector", k: 2 }))).toBe("BAD_INPUT");
    expect(await codeOf(() => backend.search(target, [{ text: "fruit", vector: [1, 0] }], { mode: "hybrid", k: 2 }))).toBe("BAD_OPTION");
    expect(await codeOf(() => backend.scoreDocuments(target, { text: "fruit", vector: [1, 0] }, ["a"], { mode: "hybrid", k: 2, alpha: 0.5, fusion: "rrf" }))).toBe("UNSUPPORTED_CAPABILITY");
    const textOnly = await backendWith([{ doc_id: "a", text: "apple" }]);
    expect(await codeOf(() => textOnly.search(target, [{ text: "apple", vector: [1, 0] }], { mode: "vector", k: 2 }))).toBe("UNSUPPORTED_CAPABILITY");
    await Promise.all([backend.close(), textOnly.close()]);
  });

  it("refreshes the FTS index after writes, so scores equal those of a fresh index", async () => {
    const path = join(newFolder(), "db");
    const backend = await backendWith([{ doc_id: "a", text: "apple banana" }, { doc_id: "b", text: "cherry" }], {}, path);
    const before = await backend.search(target, [{ text: "apple" }], { mode: "bm25", k: 5 });
    expect(before[0]!.map((hit) => hit.id)).toEqual(["a"]);
    await backend.upsert("corpus", [{ id: "record-2", properties: { doc_id: "c", text: "apple apple pie" } }, { id: "record-1", properties: { doc_id: "b", text: "apple crumble" } }]);
    const [after] = await backend.search(target, [{ text: "apple" }], { mode: "bm25", k: 5 });
    expect(after!.map((hit) => hit.id).sort()).toEqual(["a", "b", "c"]);
    await backend.close();
    // Reopened: the index on disk covers every row, and the same query gives the same hits.
    const reopened = await openLanceDbBackend(path);
    expect(await reopened.count("corpus")).toBe(3);
    expect((await reopened.search(target, [{ text: "apple" }], { mode: "bm25", k: 5 }))[0]).toEqual(after);
    // An updated record kept its insertion position.
    const order: string[] = [];
    for await (const batch of reopened.iterate("corpus", { batchSize: 2 })) order.push(...batch.map((record) => record.id));
    expect(order).toEqual(["record-0", "record-1", "record-2"]);
    await reopened.close();
  });

  it("escapes quotes in ids and takes query text with full-text query syntax as plain words", async () => {
    const backend = await backendWith([{ doc_id: "it's", text: "o'clock (AND) \"quoted\" OR: title:x" }, { doc_id: "plain", text: "nothing here" }]);
    expect([...(await backend.getDocuments(target, ["it's", "x') OR ('1'='1"])).keys()]).toEqual(["it's"]);
    const [hits] = await backend.search(target, [{ text: "o'clock \"quoted\" AND title:x (" }], { mode: "bm25", k: 5 });
    expect(hits![0]?.id).toBe("it's");
    await backend.close();
  });

  it("refuses a search target whose keys differ from the collection's", async () => {
    const backend = await backendWith([{ doc_id: "a", text: "apple" }]);
    expect(await codeOf(() => backend.search({ ...target, contentKey: "body" }, [{ text: "apple" }], { mode: "bm25", k: 5 }))).toBe("BAD_OPTION");
    expect(await codeOf(() => backend.search({ ...target, collection: "not_there" }, [{ text: "apple" }], { mode: "bm25", k: 5 }))).toBe("MISSING_COLLECTION");
    await backend.createCollection({ name: "rows", kind: "records" });
    expect(await codeOf(() => backend.search({ ...target, collection: "rows" }, [{ text: "apple" }], { mode: "bm25", k: 5 }))).toBe("BAD_OPTION");
    expect(await codeOf(() => backend.createCollection({ name: "rows", kind: "queries" }))).toBe("BAD_OPTION");
    await backend.close();
  });

  it("answers an empty documents collection with empty hit lists", async () => {
    const backend = await backendWith([]);
    expect(await backend.search(target, [{ text: "apple" }, { text: "pear" }], { mode: "bm25", k: 5 })).toEqual([[], []]);
    await backend.close();
  });
});
