import { join } from "node:path";
import {
  BadInputError,
  DocsCollection,
  HardNegativesCollection,
  ingestDocuments,
  LOADS_COLLECTION,
  mine,
  QueriesCollection,
  ingestQueries,
  type Doc,
  type StoredRecord,
} from "@hardneg/core";
import { expectHardnegRejection } from "@hardneg/core/testkit";
import type Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { useTemporaryDirectories } from "./__fixtures__/temporary-directory.js";
import type { EngineOf } from "@hardneg/core/adapter";
import { openLocalBackend, type LocalBackend } from "./local-backend.js";

const temporaryDirectory = useTemporaryDirectories();
const docs = new DocsCollection({ collectionName: "corpus", idKey: "doc_id", contentKey: "text" });

async function* documents(count: number, version: string, failAt?: number): AsyncGenerator<Doc> {
  for (let position = 1; position <= count; position++) {
    if (position === failAt) throw new BadInputError("bad JSON", { file: "docs.jsonl", line: position });
    yield { id: `d${position}`, text: `${version} document ${position} about espresso and grinders` };
  }
}

async function contents(backend: EngineOf<LocalBackend>, collection: string): Promise<Map<string, unknown>> {
  const records = new Map<string, unknown>();
  for await (const batch of backend.iterate(collection)) for (const record of batch) records.set(record.id, record.properties.text);
  return records;
}

/** The SQLite connection behind a local backend (tests only: to make its "disk" full). */
function databaseOf(backend: EngineOf<LocalBackend>): Database.Database {
  return (backend.driver as unknown as { store: { database: Database.Database } }).store.database;
}

describe("all-or-nothing loads on the local engine", () => {
  it("a re-load that fails at item 2,501 leaves the collection exactly as it was, and no staging collection", async () => {
    const backend = await openLocalBackend(join(temporaryDirectory(), "load.db"));
    await ingestDocuments(backend, docs, documents(3000, "old"));
    const before = await contents(backend, "corpus");
    const error = await expectHardnegRejection(ingestDocuments(backend, docs, documents(3000, "new", 2501)));
    expect(error.message).toContain("docs.jsonl:2501");
    expect(await contents(backend, "corpus")).toEqual(before);
    // The staging collection was dropped: its record says so.
    for await (const batch of backend.iterate(LOADS_COLLECTION)) {
      for (const record of batch) expect(record.properties.type, JSON.stringify(record.properties)).toBe("staging-done");
    }
    await backend.close();
  });

  it("a successful re-load replaces the collection's content (not a merge) and the index follows", async () => {
    const backend = await openLocalBackend(join(temporaryDirectory(), "replace.db"));
    await ingestDocuments(backend, docs, documents(50, "old"));
    await backend.search(docs.target, [{ text: "espresso" }], { mode: "bm25", k: 5 });
    await ingestDocuments(
      backend,
      docs,
      (async function* () {
        yield { id: "only", text: "a single tea document" };
      })(),
    );
    expect([...(await contents(backend, "corpus")).keys()]).toEqual(["only"]);
    const [hits] = await backend.search(docs.target, [{ text: "tea" }], { mode: "bm25", k: 5 });
    expect(hits!.map((hit) => hit.id)).toEqual(["only"]);
    await backend.close();
  });

  it("a full disk during a re-load reports SQLite's own error and leaves the collection as it was", async () => {
    const backend = await openLocalBackend(join(temporaryDirectory(), "full.db"));
    await ingestDocuments(backend, docs, documents(200, "old"));
    const before = await contents(backend, "corpus");
    const database = databaseOf(backend);
    // SQLite reports SQLITE_FULL once the file would grow past max_page_count: a full disk, for real.
    const pages = Number(database.pragma("page_count", { simple: true }));
    database.pragma(`max_page_count = ${pages + 4}`);
    const failure = await ingestDocuments(backend, docs, documents(5000, "new")).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((failure as { code?: string }).code).toBe("SQLITE_FULL");
    expect((failure as Error).message).toMatch(/database or disk is full/);
    database.pragma(`max_page_count = 1073741823`);
    expect(await contents(backend, "corpus")).toEqual(before);
    await backend.close();
  });

  it("upsertTogether writes every collection or none", async () => {
    const backend = await openLocalBackend(":memory:");
    await backend.createCollection({ name: "rows", kind: "records" });
    await backend.createCollection({ name: "progress", kind: "records" });
    const good: StoredRecord[] = [{ id: "a", properties: { n: 1 } }];
    await backend.upsertTogether([
      { collection: "rows", records: good },
      { collection: "progress", records: [{ id: "p", properties: { done: 1 } }] },
    ]);
    expect([await backend.count("rows"), await backend.count("progress")]).toEqual([1, 1]);
    const bad = [{ id: "", properties: {} }] as StoredRecord[];
    await expectHardnegRejection(
      backend.upsertTogether([
        { collection: "rows", records: [{ id: "b", properties: { n: 2 } }] },
        { collection: "progress", records: bad },
      ]),
    );
    await expectHardnegRejection(
      backend.upsertTogether([
        { collection: "rows", records: [{ id: "c", properties: { n: 3 } }] },
        { collection: "missing", records: good },
      ]),
    );
    expect([await backend.count("rows"), await backend.count("progress")]).toEqual([1, 1]);
    await backend.close();
  });

  it("a mining batch's rows and its progress record are one commit: rows present are exactly the committed batches'", async () => {
    const path = join(temporaryDirectory(), "mine.db");
    const backend = await openLocalBackend(path);
    await ingestDocuments(backend, docs, documents(40, "doc"));
    const queries = new QueriesCollection({ collectionName: "queries" });
    await ingestQueries(
      backend,
      queries,
      (async function* () {
        for (let position = 1; position <= 12; position++)
          yield { id: `q${position}`, text: `espresso document ${position}`, goldIds: [`d${position}`] };
      })(),
    );
    // The commit of the third batch fails after its rows were written, on the progress record (a
    // trigger refuses it, as a full disk would): none of the rows may stay.
    let commits = 0;
    const original = backend.upsertTogether.bind(backend);
    backend.upsertTogether = async (writes) => {
      if (++commits === 3) {
        databaseOf(backend).exec(
          "CREATE TEMP TRIGGER refuse_progress BEFORE INSERT ON records WHEN NEW.collection = 'hardneg_runs' " +
            "BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
        );
      }
      return original(writes);
    };
    const out = new HardNegativesCollection({ collectionName: "negatives" });
    await expect(
      mine({
        backend,
        docsCollection: docs,
        queriesCollection: queries,
        hardNegativesCollection: out,
        negativesPerQuery: 2,
        batchSize: 2,
        concurrency: 1,
      }),
    ).rejects.toThrow();
    databaseOf(backend).exec("DROP TRIGGER refuse_progress");
    let batchRecords = 0;
    for await (const batch of backend.iterate("hardneg_runs"))
      batchRecords += batch.filter((record) => record.properties.type === "batch").length;
    expect(batchRecords).toBe(2);
    expect(await backend.count("negatives")).toBe(2 * 2 * 2);
    await backend.close();
  });
});
