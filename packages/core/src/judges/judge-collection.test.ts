import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { HardNegativesCollection } from "../collections.js";
import { BadInputError, MissingCollectionError } from "../errors.js";
import { exportHardNegatives } from "../exporters/export-hard-negatives.js";
import { MemoryStore } from "../adapter/memory-store.js";
import type { StoredRecord } from "../types.js";
import { startJudgeTestServer, type JudgeTestServer } from "./__fixtures__/judge-test-server.js";
import { judgeCollection } from "./judge-collection.js";
import { judgeMessages } from "./judge-prompt.js";
import { LlmJudge } from "./llm-judge.js";
import { JUDGEMENTS_COLLECTION } from "./verdict-cache.js";

const RELEVANT = new Set(["relevant passage A", "relevant passage B", "relevant passage C"]);
const folder = mkdtempSync(join(tmpdir(), "hardneg-judge-collection-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let server: JudgeTestServer | undefined;
afterEach(async () => server?.close());

/** Two queries, three negatives each, as a mining run writes them (default key names). */
async function minedStore(): Promise<MemoryStore> {
  const store = new MemoryStore();
  const keys = new HardNegativesCollection({ collectionName: "negatives" }).keys;
  await store.createCollection({ name: "negatives", kind: "hard-negatives", hardNegativeKeys: keys });
  const negatives: Record<string, string[]> = {
    q1: ["relevant passage A", "other passage 1", "relevant passage B"],
    q2: ["other passage 2", "relevant passage C", "other passage 3"],
  };
  const records: StoredRecord[] = Object.entries(negatives).flatMap(([queryId, texts]) =>
    texts.map((text, index) => ({
      id: `${queryId}-${index}`,
      properties: {
        query: `question ${queryId}`,
        gold_doc_ids: [`gold-${queryId}`],
        gold_documents: [`gold text of ${queryId}`],
        hard_negative_doc: text,
        hard_negative_id: text.replace(/ /g, "-"),
        query_id: queryId,
        rank: index + 1,
        score: 1,
        gold_rank: 1,
        gold_score: 2,
        run_id: "run",
        strategy: "top-k",
        padded: false,
      },
    })),
  );
  await store.upsert("negatives", records);
  return store;
}

async function rowsOf(store: MemoryStore): Promise<StoredRecord[]> {
  const rows: StoredRecord[] = [];
  for await (const batch of store.iterate("negatives")) rows.push(...batch);
  return rows;
}

async function judge(): Promise<LlmJudge> {
  server = await startJudgeTestServer({ relevant: (text) => RELEVANT.has(text) });
  return new LlmJudge({ baseUrl: server.baseUrl, model: "test-model", apiKey: "sk-collection", baseDelayMs: 1 });
}

/** A line of the flagembedding export. */
interface FlagEmbeddingLine {
  query: string;
  pos: string[];
  neg: string[];
}

async function exported(store: MemoryStore, name: string): Promise<FlagEmbeddingLine[]> {
  const output = join(folder, name);
  await exportHardNegatives(store, "negatives", { format: "flagembedding", output });
  return readFileSync(output, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

describe("judgeCollection", () => {
  it("protocol (local chat-completions server): --dry-run counts calls after the cache and prompt tokens, and writes nothing", async () => {
    const store = await minedStore();
    const llm = await judge();
    const before = await rowsOf(store);
    const report = await judgeCollection(store, "negatives", { judge: llm, policy: "flag", dryRun: true });
    const characters = before.reduce(
      (sum, row) =>
        sum +
        judgeMessages({
          queryId: "",
          queryText: String(row.properties["query"]),
          goldIds: [],
          goldTexts: row.properties["gold_documents"] as string[],
          candidateId: "",
          candidateText: String(row.properties["hard_negative_doc"]),
        }).reduce((total, message) => total + message.content.length, 0),
      0,
    );
    expect(report).toMatchObject({
      dry_run: true,
      rows: 6,
      judge_calls: 6,
      cache_hits: 0,
      http_requests: 0,
      estimate: { requests: 6, prompt_characters: characters, estimated_tokens: Math.ceil(characters / 4) },
    });
    expect(server!.requests).toHaveLength(0);
    expect(await rowsOf(store)).toEqual(before);
    expect(await store.hasCollection(JUDGEMENTS_COLLECTION)).toBe(false);

    await judgeCollection(store, "negatives", { judge: llm, policy: "flag" });
    const again = await judgeCollection(store, "negatives", { judge: llm, policy: "flag", dryRun: true });
    expect(again).toMatchObject({ judge_calls: 0, cache_hits: 6, estimate: { requests: 0, estimated_tokens: 0 } });
  });

  it("protocol (local chat-completions server): flag writes the verdict on every row; a re-run asks nothing", async () => {
    const store = await minedStore();
    const llm = await judge();
    const report = await judgeCollection(store, "negatives", { judge: llm, policy: "flag", batchSize: 4 });
    expect(report).toMatchObject({
      rows: 6,
      judge_calls: 6,
      cache_hits: 0,
      http_requests: 6,
      verdicts: { relevant: 3, not_relevant: 3, unjudged: 0 },
    });
    const rows = await rowsOf(store);
    for (const row of rows) {
      expect(row.properties).toMatchObject({
        is_relevant: RELEVANT.has(String(row.properties["hard_negative_doc"])),
        judge_policy: "flag",
        judge_id: "llm:test-model",
        relabel: false,
      });
      expect(typeof row.properties["judge_reason"]).toBe("string");
    }
    const again = await judgeCollection(store, "negatives", { judge: llm, policy: "flag" });
    expect(again).toMatchObject({ judge_calls: 0, cache_hits: 6, http_requests: 0 });
    expect(server!.requests).toHaveLength(6);
    const lines = await exported(store, "flag.jsonl");
    expect(lines[0]).toEqual({ query: "question q1", pos: ["gold text of q1"], neg: ["other passage 1"] });
  });

  it(
    "protocol (local chat-completions server): drop marks relevant rows (kept in the seed export, " +
      "left out of the others); relabel makes them positives and reports crowded queries",
    async () => {
      const store = await minedStore();
      const llm = await judge();
      const dropped = await judgeCollection(store, "negatives", { judge: llm, policy: "drop" });
      expect(dropped.rows_dropped).toBe(3);
      const rows = await rowsOf(store);
      expect(rows).toHaveLength(6);
      expect(rows.filter((row) => row.properties["judge_policy"] === "drop" && row.properties["is_relevant"] === true)).toHaveLength(3);
      expect((await exported(store, "drop.jsonl")).map((line) => line.neg)).toEqual([
        ["other passage 1"],
        ["other passage 2", "other passage 3"],
      ]);

      // Relabelling the same rows afterwards replaces the drop marks (verdicts come from the cache).
      const relabelled = await judgeCollection(store, "negatives", { judge: llm, policy: "relabel", maxRelabelled: 1 });
      expect(relabelled).toMatchObject({
        judge_calls: 0,
        rows_relabelled: 3,
        queries_over_relabel_limit: 1,
        over_relabel_limit_examples: ["q1"],
      });
      const lines = await exported(store, "relabel.jsonl");
      expect(lines[0]).toEqual({
        query: "question q1",
        pos: ["gold text of q1", "relevant passage A", "relevant passage B"],
        neg: ["other passage 1"],
      });
      expect((await rowsOf(store)).every((row) => row.properties["judge_policy"] === "relabel")).toBe(true);
    },
  );

  it("refuses a missing collection and a collection that is not hard negatives", async () => {
    const store = await minedStore();
    const llm = new LlmJudge({ baseUrl: "http://127.0.0.1:9/v1", model: "m" });
    await expect(judgeCollection(store, "nope", { judge: llm, policy: "flag" })).rejects.toBeInstanceOf(MissingCollectionError);
    await store.createCollection({ name: "docs", kind: "documents" });
    await expect(judgeCollection(store, "docs", { judge: llm, policy: "flag" })).rejects.toBeInstanceOf(BadInputError);
  });
});
