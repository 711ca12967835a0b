import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { openLocalBackend } from "@hardneg/backend-local";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, runCliJson, temporaryFolder, type CliResult } from "./test-support.js";

const folder = temporaryFolder();
afterAll(() => folder.remove());
const database = join(folder.path, "integrity.db");
const engine = ["--engine", `local:${database}`];

/** "café" as Latin-1: the é is the single byte 0xE9, which is not UTF-8. */
const LATIN1_CAFE = Buffer.from("café", "latin1");
/** Ids above 2^53, which JSON.parse would round to 12345678901234567000. */
const BIG = ["12345678901234567891", "12345678901234567892", "12345678901234567893"];

function write(name: string, content: string | Buffer): string {
  const file = join(folder.path, name);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** Exit 2, one line on stderr naming `where`, nothing on stdout. */
function expectBadInput(result: CliResult, where: string, phrase: string): void {
  expect(result.status, result.stderr).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr.trim().split("\n"), result.stderr).toHaveLength(1);
  expect(result.stderr).toContain(where);
  expect(result.stderr).toContain(phrase);
}

async function hasCollection(name: string): Promise<boolean> {
  const store = await openLocalBackend(database);
  try {
    return await store.hasCollection(name);
  } finally {
    await store.close();
  }
}

function tinyBeir(name: string, files: { corpus: string | Buffer; queries: string | Buffer; qrels: string }): string {
  write(`${name}/corpus.jsonl`, files.corpus);
  write(`${name}/queries.jsonl`, files.queries);
  write(`${name}/qrels/test.tsv`, files.qrels);
  return join(folder.path, name);
}

describe("hardneg refuses input it would otherwise change silently", () => {
  it("a JSONL file with a Latin-1 byte: exit 2 naming file and line, nothing loaded", async () => {
    const file = write(
      "latin1.jsonl",
      Buffer.concat([Buffer.from('{"id": "a", "text": "fine"}\n{"id": "b", "text": "'), LATIN1_CAFE, Buffer.from('"}\n')]),
    );
    expectBadInput(
      runCli(["load", file, "--collection", "latin1", "--content-key", "text", ...engine], folder.path),
      `${file}:2`,
      "is not valid UTF-8",
    );
    expect(await hasCollection("latin1")).toBe(false);
  });

  it("a BEIR folder with a bad byte in gzipped corpus or in the queries names that file and line", () => {
    const gzipped = join(folder.path, "bad-corpus");
    write(
      "bad-corpus/corpus.jsonl.gz",
      gzipSync(Buffer.concat([Buffer.from('{"_id": "d1", "text": "'), LATIN1_CAFE, Buffer.from('"}\n')])),
    );
    write("bad-corpus/queries.jsonl", '{"_id": "q1", "text": "coffee"}\n');
    write("bad-corpus/qrels/test.tsv", "q1\td1\t1\n");
    expectBadInput(
      runCli(["load", "beir", gzipped, ...engine], folder.path),
      `${join(gzipped, "corpus.jsonl.gz")}:1`,
      "is not valid UTF-8",
    );
    const dataset = tinyBeir("bad-queries", {
      corpus: '{"_id": "d1", "text": "coffee"}\n',
      queries: Buffer.concat([Buffer.from('{"_id": "q0", "text": "tea"}\n{"_id": "q1", "text": "'), LATIN1_CAFE, Buffer.from('"}\n')]),
      qrels: "q1\td1\t1\n",
    });
    expectBadInput(runCli(["load", "beir", dataset, ...engine], folder.path), `${join(dataset, "queries.jsonl")}:2`, "is not valid UTF-8");
  });

  it("numeric ids above 2^53 keep every digit: documents, gold ids, mined rows and exports", async () => {
    const docs = write(
      "big-docs.jsonl",
      ["espresso grind size", "espresso machine descaling", "espresso beans roast"]
        .map((text, index) => `{"_id": ${BIG[index]}, "text": "${text}"}`)
        .join("\n"),
    );
    const queries = write("big-queries.jsonl", `{"q": "espresso grind", "gold": [${BIG[0]}]}\n`);
    expect(
      runCliJson(["load", docs, "--collection", "big-docs", "--id-key", "_id", "--content-key", "text", ...engine], folder.path),
    ).toMatchObject({ records: 3, duplicates: 0 });
    expect(
      runCliJson(["load", queries, "--collection", "big-queries", "--content-key", "q", "--gold-ids-key", "gold", ...engine], folder.path),
    ).toMatchObject({ records: 1 });
    runCliJson(
      [
        "mine",
        "--docs-collection",
        "big-docs",
        "--queries-collection",
        "big-queries",
        "--out-collection",
        "big-negatives",
        "--negatives-per-query",
        "2",
        ...engine,
      ],
      folder.path,
    );
    const output = join(folder.path, "big-seed.jsonl");
    runCliJson(["export", "--collection", "big-negatives", "--format", "seed", "--output", output, ...engine], folder.path);
    const rows = readFileSync(output, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.gold_doc_ids).toEqual([BIG[0]]);
      expect([BIG[1], BIG[2]]).toContain(row.hard_negative_id);
    }
  });

  it("a BEIR corpus with numeric ids above 2^53 matches the qrels' text ids", () => {
    const dataset = tinyBeir("big-beir", {
      corpus: BIG.map((id, index) => `{"_id": ${id}, "title": "", "text": "document ${index} about espresso"}`).join("\n"),
      queries: '{"_id": 7, "text": "espresso"}\n',
      qrels: `query-id\tcorpus-id\tscore\n7\t${BIG[1]}\t1\n`,
    });
    expect(runCliJson(["load", "beir", dataset, ...engine], folder.path)).toMatchObject({
      documents: 3,
      queries: 1,
      duplicates: 0,
      unknown_gold_ids: 0,
    });
  });

  it("an empty file is bad input naming it, for documents and queries, and nothing is loaded", async () => {
    for (const [name, content] of [
      ["empty.jsonl", ""],
      ["blank.jsonl", "\n\n"],
      ["header-only.csv", "id,text\n"],
    ] as const) {
      const file = write(name, content);
      expectBadInput(
        runCli(["load", file, "--collection", "nothing", "--content-key", "text", ...engine], folder.path),
        file,
        "has no documents",
      );
      expectBadInput(
        runCli(["load", file, "--collection", "nothing", "--content-key", "text", "--gold-ids-key", "gold", ...engine], folder.path),
        file,
        "has no queries",
      );
    }
    expect(await hasCollection("nothing")).toBe(false);
  });

  it("a BEIR folder with an empty corpus, queries or qrels file names that file", () => {
    const corpus = '{"_id": "d1", "text": "coffee"}\n';
    const queries = '{"_id": "q1", "text": "coffee"}\n';
    const qrels = "q1\td1\t1\n";
    for (const [name, files, empty] of [
      ["empty-corpus", { corpus: "", queries, qrels }, "corpus.jsonl"],
      ["empty-queries", { corpus, queries: "", qrels }, "queries.jsonl"],
      ["empty-qrels", { corpus, queries, qrels: "query-id\tcorpus-id\tscore\n" }, "qrels/test.tsv"],
    ] as const) {
      const dataset = tinyBeir(name, files);
      expectBadInput(runCli(["load", "beir", dataset, ...engine], folder.path), join(dataset, empty), "has no");
    }
  });
});
