import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HardnegError, type DocumentTarget, type Embedder, type EngineOf } from "@hardneg/core/adapter";
import { afterAll, describe, expect, it } from "vitest";
import { openEngine } from "./index.js";
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

/** An embedder that gives every query the same vector. */
function constantEmbedder(vector: readonly number[]): Embedder {
  const embed = async (texts: readonly string[]) => texts.map(() => Float32Array.from(vector));
  return { id: `constant:${vector.join(",")}`, dimension: vector.length, embedQueries: embed, embedDocuments: embed };
}

async function backendWith(
  documents: Array<Record<string, unknown>>,
  options: LanceDbBackendOptions = {},
  path = join(newFolder(), "db"),
): Promise<EngineOf<LanceDbBackend>> {
  const backend = await openLanceDbBackend(path, options);
  await backend.createCollection({ name: "corpus", kind: "documents", target: { idKey: "doc_id", contentKey: "text" } });
  await backend.upsert(
    "corpus",
    documents.map((properties, position) => ({ id: `record-${position}`, properties })),
  );
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
    const documents = Array.from({ length: 50 }, (_, index) => ({
      doc_id: `d${index}`,
      text: `espresso grind ${index} coffee ${index % 7}`,
    }));
    await (await backendWith(documents, {}, path)).close();
    // A fresh process: no index yet, and mining sends two batches at once.
    const reopened = await openLanceDbBackend(path);
    const batches = await Promise.all(
      [0, 1, 2].map((offset) =>
        reopened.search(target, [{ text: `coffee ${offset}` }, { text: "espresso grind" }], { mode: "bm25", k: 5 }),
      ),
    );
    for (const hits of batches) expect(hits[1]).toHaveLength(5);
    await reopened.close();
  });

  it("offers vector and hybrid only with an embedder, scoreDocuments in bm25 and vector, and records the embedder's id", async () => {
    const plain = await backendWith([{ doc_id: "a", text: "apple" }]);
    const embedding = await backendWith([{ doc_id: "a", text: "apple" }], { embedder: constantEmbedder([1, 0]) });
    expect(plain.capabilities(), "without an embedder").toEqual({ modes: ["bm25"], scoreDocumentsModes: ["bm25"], maxBatchSize: 256 });
    expect(embedding.capabilities(), "with an embedder").toEqual({
      modes: ["bm25", "vector", "hybrid"],
      scoreDocumentsModes: ["bm25", "vector"],
      maxBatchSize: 256,
    });
    expect(plain.embedderId, "no embedder, no id").toBeUndefined();
    expect(embedding.embedderId, "the embedder's id").toBe("constant:1,0");
    await expect(
      openLanceDbBackend(join(newFolder(), "db"), { embedder: { embedQueries: async () => [] } as unknown as Embedder }),
      "an embedder without id",
    ).rejects.toMatchObject({ code: "BAD_OPTION", message: expect.stringContaining("embedder") });
    await Promise.all([plain.close(), embedding.close()]);
  });

  it(
    "searches vectors from the request or the embedder, " + "and refuses wrong dimensions, hybrid scores and collections without vectors",
    async () => {
      const documents = [
        { doc_id: "a", text: "apple", vector: [1, 0] },
        { doc_id: "b", text: "banana", vector: [0, 1] },
      ];
      const backend = await backendWith(documents, { embedder: constantEmbedder([1, 0]) });
      const [hits, embedded] = await backend.search(target, [{ text: "fruit", vector: [0.1, 0.9] }, { text: "fruit" }], {
        mode: "vector",
        k: 2,
      });
      expect(
        hits!.map((hit) => hit.id),
        "the request's own vector",
      ).toEqual(["b", "a"]);
      expect(hits![0]!.score, "cosine similarity").toBeCloseTo(0.9 / Math.hypot(0.1, 0.9), 5);
      expect(
        embedded!.map((hit) => hit.id),
        "the embedder's vector [1, 0]",
      ).toEqual(["a", "b"]);
      expect(
        await codeOf(() => backend.search(target, [{ text: "fruit", vector: [1, 0, 0] }], { mode: "vector", k: 2 })),
        "a 3-dimensional query",
      ).toBe("BAD_INPUT");
      const wrongEmbedder = await backendWith(documents, { embedder: constantEmbedder([1, 0, 0]) });
      expect(
        await codeOf(() => wrongEmbedder.search(target, [{ text: "fruit" }], { mode: "vector", k: 2 })),
        "an embedder of another dimension",
      ).toBe("BAD_INPUT");
      expect(
        await codeOf(() => backend.search(target, [{ text: "fruit", vector: [1, 0] }], { mode: "hybrid", k: 2 })),
        "hybrid without alpha",
      ).toBe("BAD_OPTION");
      const hybridScore = () =>
        backend.scoreDocuments(target, { text: "fruit", vector: [1, 0] }, ["a"], { mode: "hybrid", k: 2, alpha: 0.5, fusion: "rrf" });
      expect(await codeOf(hybridScore), "a hybrid score").toBe("UNSUPPORTED_CAPABILITY");
      const textOnly = await backendWith([{ doc_id: "a", text: "apple" }], { embedder: constantEmbedder([1, 0]) });
      expect(
        await codeOf(() => textOnly.search(target, [{ text: "apple", vector: [1, 0] }], { mode: "vector", k: 2 })),
        "a collection without vectors",
      ).toBe("UNSUPPORTED_CAPABILITY");
      // Without an embedder the vector modes are not offered, even to requests that carry a vector.
      const plain = await backendWith(documents);
      expect(
        await codeOf(() => plain.search(target, [{ text: "fruit", vector: [0.1, 0.9] }], { mode: "vector", k: 2 })),
        "no embedder",
      ).toBe("UNSUPPORTED_CAPABILITY");
      await Promise.all([backend.close(), wrongEmbedder.close(), textOnly.close(), plain.close()]);
    },
  );

  it("refreshes the FTS index after writes, so scores equal those of a fresh index", async () => {
    const path = join(newFolder(), "db");
    const backend = await backendWith(
      [
        { doc_id: "a", text: "apple banana" },
        { doc_id: "b", text: "cherry" },
      ],
      {},
      path,
    );
    const before = await backend.search(target, [{ text: "apple" }], { mode: "bm25", k: 5 });
    expect(before[0]!.map((hit) => hit.id)).toEqual(["a"]);
    await backend.upsert("corpus", [
      { id: "record-2", properties: { doc_id: "c", text: "apple apple pie" } },
      { id: "record-1", properties: { doc_id: "b", text: "apple crumble" } },
    ]);
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
    const backend = await backendWith([
      { doc_id: "it's", text: 'o\'clock (AND) "quoted" OR: title:x' },
      { doc_id: "plain", text: "nothing here" },
    ]);
    expect([...(await backend.getDocuments(target, ["it's", "x') OR ('1'='1"])).keys()]).toEqual(["it's"]);
    const [hits] = await backend.search(target, [{ text: 'o\'clock "quoted" AND title:x (' }], { mode: "bm25", k: 5 });
    expect(hits![0]?.id).toBe("it's");
    await backend.close();
  });

  it("refuses a search target whose keys differ from the collection's", async () => {
    const backend = await backendWith([{ doc_id: "a", text: "apple" }]);
    expect(await codeOf(() => backend.search({ ...target, contentKey: "body" }, [{ text: "apple" }], { mode: "bm25", k: 5 }))).toBe(
      "BAD_OPTION",
    );
    expect(await codeOf(() => backend.search({ ...target, collection: "not_there" }, [{ text: "apple" }], { mode: "bm25", k: 5 }))).toBe(
      "MISSING_COLLECTION",
    );
    await backend.createCollection({ name: "rows", kind: "records" });
    expect(await codeOf(() => backend.search({ ...target, collection: "rows" }, [{ text: "apple" }], { mode: "bm25", k: 5 }))).toBe(
      "BAD_OPTION",
    );
    expect(await codeOf(() => backend.createCollection({ name: "rows", kind: "queries" }))).toBe("BAD_OPTION");
    await backend.close();
  });

  it("openEngine (the CLI's convention) passes create and readOnly on and ignores options it does not know", async () => {
    const missing = join(newFolder(), "missing");
    await expect(openEngine(missing, { create: false, readOnly: false }), "create: false").rejects.toMatchObject({
      name: "MissingDatabaseError",
    });
    await expect(openEngine(missing, { create: true, readOnly: true }), "readOnly").rejects.toMatchObject({ name: "MissingDatabaseError" });
    const engine = await openEngine(missing, { create: true, readOnly: false, busyTimeoutMs: 10, embedder: constantEmbedder([1, 0]) });
    expect(engine.capabilities().modes, "modes with the embedder").toEqual(["bm25", "vector", "hybrid"]);
    await engine.close?.();
    const reopened = await openEngine(missing, { create: false, readOnly: true });
    expect(await reopened.hasCollection("corpus"), "hasCollection, derived by core").toBe(false);
    await reopened.close?.();
  });

  it("answers an empty documents collection with empty hit lists", async () => {
    const backend = await backendWith([]);
    expect(await backend.search(target, [{ text: "apple" }, { text: "pear" }], { mode: "bm25", k: 5 })).toEqual([[], []]);
    await backend.close();
  });
});

describe("listCollections", () => {
  it("lists the tables hardneg made, not its spec table nor a table of the user's; another process's collections show", async () => {
    const path = join(newFolder(), "db");
    const backend = await backendWith([{ doc_id: "a", text: "alpha" }], {}, path);
    try {
      await backend.createCollection({ name: "hardneg_runs", kind: "records" });
      const lancedb = await import("@lancedb/lancedb");
      const connection = await lancedb.connect(path);
      await connection.createTable("users_own", [{ x: 1 }]);
      const other = await openLanceDbBackend(path);
      await other.createCollection({ name: "from_elsewhere", kind: "records" });
      await other.close!();
      connection.close();
      expect((await backend.listCollections()).sort(), "hardneg's collections only").toEqual(["corpus", "from_elsewhere", "hardneg_runs"]);
    } finally {
      await backend.close();
    }
  });
});
