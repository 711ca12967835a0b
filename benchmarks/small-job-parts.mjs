// The parts of the small job that hardneg cannot skip, each timed once, cold, in this one
// process: what the job costs before stemming, index layout, candidate selection, GC or report.
// Run by `small-job-bench.mjs --parts`, which adds two CLI start-ups and sets the sum beside issue
// 12's target. Alone: `node small-job-parts.mjs <beir folder> <split> <work folder>`, where the
// work folder holds a `hardneg load beir` database; writes its times to parts.json there.
//
// Each part uses hardneg's own code where hardneg has it (the word scanner, the shingle cache),
// and otherwise the plainest code doing the same work (one prepared statement, one transaction):
// - read: read and parse corpus.jsonl;
// - insert: write the documents into a fresh SQLite file set up as hardneg's (16 KiB pages, WAL);
// - scan: find the words of every text (no stop words, stemming or counting);
// - rows: write 5 rows per query shaped as hardneg's (query, gold ids and texts, negative id and
//   text, rank, scores): each row carries its texts, as the original API's collection does;
// - reads: read back as many documents as a run reads (9,512 on SciFact train);
// - shingles: shingle and fingerprint as many distinct texts as the near-duplicate rule reaches
//   (3,346 on SciFact train);
// - search: the split's queries, a pool of 100 each, in batches of 64, from the database that
//   `hardneg load beir` left in the work folder (reading its index file included).
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { openLocalBackend } from "@hardneg/backend-local";
import { ShingleCache, chunked, openBeir, scanWords } from "@hardneg/core";

const DOCUMENTS_READ = 9_512;
const TEXTS_SHINGLED = 3_346;
const NEGATIVES_PER_QUERY = 5;
const POOL = 100;
const SEARCH_BATCH = 64;

const here = dirname(fileURLToPath(import.meta.url));
const Database = createRequire(resolve(here, "../packages/backend-local/package.json"))("better-sqlite3");
const [dataset, split, work] = process.argv.slice(2);
if (work === undefined) {
  console.error("usage: node small-job-parts.mjs <beir folder> <split> <work folder holding a `hardneg load beir` database>");
  process.exit(2);
}

const milliseconds = {};
async function timed(part, run) {
  const start = performance.now();
  const result = await run();
  milliseconds[part] = performance.now() - start;
  return result;
}

const documents = await timed("read", () =>
  readFileSync(join(dataset, "corpus.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line)),
);
const textOf = (document) => `${document.title ?? ""} ${document.text}`;

const file = join(work, "parts.db");
rmSync(file, { force: true });
const database = new Database(file);
database.pragma("page_size = 16384");
database.pragma("journal_mode = WAL");
database.pragma("synchronous = NORMAL");
database.exec("CREATE TABLE records (storage INTEGER NOT NULL, id TEXT NOT NULL, properties TEXT NOT NULL, UNIQUE (storage, id))");
const insert = database.prepare("INSERT INTO records (storage, id, properties) VALUES (?, ?, ?)");
const insertAll = database.transaction((storage, records) => {
  for (const [id, properties] of records) insert.run(storage, id, JSON.stringify(properties));
});
await timed("insert", () =>
  insertAll(
    1,
    documents.map((document) => [document._id, { doc_id: document._id, title: document.title, text: document.text }]),
  ),
);

let words = 0;
await timed("scan", () => {
  for (const document of documents) scanWords(textOf(document).toLowerCase(), () => words++);
});

// Rows shaped as hardneg's, from the split's real queries and golds (read as `load beir` reads
// them, not timed); negatives are documents taken in turn.
const queries = [];
for await (const query of (await openBeir(dataset, { split })).queries()) queries.push(query);
const documentsById = new Map(documents.map((document) => [String(document._id), document]));
const rows = [];
for (const query of queries) {
  for (let rank = 1; rank <= NEGATIVES_PER_QUERY; rank++) {
    const negative = documents[(rows.length * 7919) % documents.length];
    rows.push([
      `${query.id}:${negative._id}`,
      {
        query: query.text,
        gold_doc_ids: query.goldIds,
        gold_documents: query.goldIds.map((id) => textOf(documentsById.get(id) ?? { text: "" })),
        hard_negative_doc: textOf(negative),
        hard_negative_id: negative._id,
        query_id: query.id,
        rank,
        score: 10 - rank / 10,
        gold_rank: 1,
        gold_score: 12.5,
      },
    ]);
  }
}
await timed("rows", () => insertAll(2, rows));

const byRowId = database.prepare("SELECT properties FROM records WHERE rowid = ?");
await timed("reads", () => {
  for (let read = 0; read < DOCUMENTS_READ; read++) JSON.parse(byRowId.get(1 + ((read * 7919) % documents.length)).properties);
});

const shingles = new ShingleCache();
await timed("shingles", () => {
  for (const document of documents.slice(0, TEXTS_SHINGLED)) {
    const text = textOf(document);
    shingles.fingerprint(text);
    shingles.of(text);
  }
});
database.close();
rmSync(file, { force: true });
for (const suffix of ["-wal", "-shm"]) rmSync(file + suffix, { force: true });

const engine = await openLocalBackend(join(work, "hardneg.db"), { readOnly: true });
const target = { collection: dataset.split("/").filter(Boolean).at(-1), idKey: "doc_id", contentKey: "text", titleKey: "title" };
await timed("search", async () => {
  for (const batch of chunked(queries, SEARCH_BATCH)) {
    await engine.search(
      target,
      batch.map((query) => ({ text: query.text })),
      { mode: "bm25", k: POOL },
    );
  }
});
await engine.close();

const rowBytes = rows.reduce((total, [, properties]) => total + JSON.stringify(properties).length, 0);
const report = JSON.stringify({ milliseconds, documents: documents.length, words, rows: rows.length, rowMegabytes: rowBytes / 1e6 });
writeFileSync(join(work, "parts.json"), report);
