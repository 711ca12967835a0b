import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { HardNegativesCollection } from "../collections.js";
import { BadOptionError } from "../errors.js";
import { exportHardNegatives } from "../exporters/export-hard-negatives.js";
import { startJudgeTestServer, type JudgeTestServer } from "../judges/__fixtures__/judge-test-server.js";
import type { Judge, JudgeItem, Verdict } from "../judges/judge.js";
import { LlmJudge } from "../judges/llm-judge.js";
import { JUDGEMENTS_COLLECTION } from "../judges/verdict-cache.js";
import { MemoryStore } from "../adapter/memory-store.js";
import type { StoredRecord } from "../types.js";
import { addDocuments, addQueries, WordOverlapBackend, recordsOf, mineConfigOf } from "./__fixtures__/word-overlap-backend.js";
import { mine } from "./mine.js";
import { eligibleInDrawOrder } from "./select-negatives.js";

/** d1..d12 all match "coffee grind" equally, so the pool is in corpus order. */
const CORPUS = Array.from({ length: 12 }, (_, index) => [`d${index + 1}`, `coffee grind note ${index + 1}`] as const);
const QUERIES = [
  { query_id: "q1", text: "coffee grind", gold_ids: ["d1"] },
  { query_id: "q2", text: "grind coffee beans", gold_ids: ["d12"] },
];

/** A judge answering from a set of relevant candidate ids (per query), counting what it is asked. */
class SetJudge implements Judge {
  readonly id = "set";
  readonly version = "1";
  asked: JudgeItem[] = [];
  constructor(private readonly relevant: (item: JudgeItem) => boolean) {}
  async judge(items: readonly JudgeItem[]): Promise<Verdict[]> {
    this.asked.push(...items);
    return items.map((item) => ({ relevant: this.relevant(item), reason: "set" }));
  }
}

async function fixture() {
  const store = new MemoryStore();
  await addDocuments(store, CORPUS);
  await addQueries(store, QUERIES);
  const backend = new WordOverlapBackend(store);
  // The corpus is one template numbered 1..12: near duplicates of each other by design, kept apart
  // here (exact checks only) because these tests are about judging.
  const config = mineConfigOf(backend, store, { negativesPerQuery: 3, nearDuplicateThreshold: 1 });
  return { store, config };
}

const rows = recordsOf;

const byQuery = (written: StoredRecord[], queryId: string) => written.filter((row) => row.properties["query_id"] === queryId);
const ids = (written: StoredRecord[]) => written.map((row) => row.properties["hard_negative_id"]);
const folder = mkdtempSync(join(tmpdir(), "hardneg-judge-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("mine with a judge", () => {
  it("flag: every negative stays, with is_relevant, judge_reason, judge_policy and judge_id; exports leave relevant ones out", async () => {
    const { store, config } = await fixture();
    const judge = new SetJudge((item) => item.queryId === "q1" && item.candidateId === "d3");
    const report = await mine(config({ judge, judgePolicy: "flag" }));
    const q1 = byQuery(await rows(store), "q1");
    expect(ids(q1)).toEqual(["d2", "d3", "d4"]);
    expect(q1.map((row) => row.properties["is_relevant"])).toEqual([false, true, false]);
    expect(q1[1]!.properties).toMatchObject({
      judge_reason: "set",
      judge_policy: "flag",
      judge_id: "set",
      relabel: false,
      judge_score: null,
    });
    expect(report.judge).toMatchObject({
      policy: "flag",
      judge_calls: 6,
      cache_hits: 0,
      verdicts: { relevant: 1, not_relevant: 5, unjudged: 0 },
      replacements: 0,
    });
    const output = join(folder, "flag.jsonl");
    await exportHardNegatives(store, "out", { format: "flagembedding", output });
    const first = JSON.parse(readFileSync(output, "utf8").split("\n")[0]!);
    expect(first).toEqual({ query: "coffee grind", pos: ["coffee grind note 1"], neg: ["coffee grind note 2", "coffee grind note 4"] });
  });

  it("drop: a relevant negative is removed and the next eligible candidate is judged in its place", async () => {
    const { store, config } = await fixture();
    const judge = new SetJudge((item) => item.queryId === "q1" && (item.candidateId === "d3" || item.candidateId === "d5"));
    const report = await mine(config({ judge, judgePolicy: "drop" }));
    const written = await rows(store);
    // d3 dropped → d5 judged (relevant, dropped) → d6 judged (kept).
    expect(ids(byQuery(written, "q1"))).toEqual(["d2", "d4", "d6"]);
    expect(written.every((row) => row.properties["is_relevant"] === false && row.properties["judge_policy"] === "drop")).toBe(true);
    expect(report.judge).toMatchObject({ negatives_dropped: 2, replacements: 2, verdicts: { relevant: 2, not_relevant: 6 } });
    expect(report.rows_written).toBe(6);
    expect(judge.asked.filter((item) => item.queryId === "q1").map((item) => item.candidateId)).toEqual(["d2", "d3", "d4", "d5", "d6"]);
  });

  it(
    "relabel: relevant rows stay with relabel: true and become positives in exports; " +
      "the query still gets N negatives; too many are reported",
    async () => {
      const { store, config } = await fixture();
      const judge = new SetJudge((item) => item.queryId === "q1" && ["d2", "d3", "d4"].includes(item.candidateId));
      const report = await mine(config({ judge, judgePolicy: "relabel", maxRelabelled: 2 }));
      const q1 = byQuery(await rows(store), "q1");
      expect(ids(q1)).toEqual(["d5", "d6", "d7", "d2", "d3", "d4"]);
      expect(q1.filter((row) => row.properties["relabel"] === true).map((row) => row.properties["hard_negative_id"])).toEqual([
        "d2",
        "d3",
        "d4",
      ]);
      expect(q1.filter((row) => row.properties["relabel"] === true).every((row) => row.properties["is_relevant"] === true)).toBe(true);
      expect(report.judge).toMatchObject({
        negatives_relabelled: 3,
        queries_over_relabel_limit: 1,
        over_relabel_limit_examples: ["q1"],
        max_relabelled: 2,
      });
      const output = join(folder, "relabel.jsonl");
      await exportHardNegatives(store, "out", { format: "flagembedding", output });
      const first = JSON.parse(readFileSync(output, "utf8").split("\n")[0]!);
      expect(first.pos).toEqual(["coffee grind note 1", "coffee grind note 2", "coffee grind note 3", "coffee grind note 4"]);
      expect(first.neg).toEqual(["coffee grind note 5", "coffee grind note 6", "coffee grind note 7"]);
    },
  );

  it("drop stops at maxJudgedPerQuery, and the query is reported short", async () => {
    const { store, config } = await fixture();
    const judge = new SetJudge((item) => item.queryId === "q1" && item.candidateId !== "d2");
    const report = await mine(config({ judge, judgePolicy: "drop", maxJudgedPerQuery: 5 }));
    expect(ids(byQuery(await rows(store), "q1"))).toEqual(["d2"]);
    expect(judge.asked.filter((item) => item.queryId === "q1")).toHaveLength(5);
    expect(report.queries_short).toBe(1);
    expect(report.short_examples).toEqual(["q1"]);
  });

  it("drop with random sampling replaces from the same seeded draw order", async () => {
    const { store, config } = await fixture();
    const plain = await mine(
      config({ sampling: "random", seed: 7, hardNegativesCollection: new HardNegativesCollection({ collectionName: "plain" }) }),
    );
    expect(plain.rows_written).toBe(6);
    const chosen = ids(byQuery(await rows(store, "plain"), "q1")) as string[];
    const judge = new SetJudge((item) => item.candidateId === chosen[0]);
    await mine(config({ sampling: "random", seed: 7, judge, judgePolicy: "drop" }));
    // The draw order eligibleInDrawOrder gives for q1 (the pool is d2..d12 in rank order).
    const pool = CORPUS.map(([id], index) => ({ id, score: 2, rank: index + 1 }));
    const texts = new Map(CORPUS.map(([id, text]) => [id, text]));
    const order = eligibleInDrawOrder(
      { queryId: "q1", queryText: "coffee grind", goldIds: ["d1"], pool, texts, goldScore: 2 },
      {
        negativesPerQuery: 3,
        strategy: "top-k",
        sampling: "random",
        shortfall: "keep-fewer",
        seed: 7,
      },
    ).map((negative) => negative.id);
    expect(new Set(order.slice(0, 3))).toEqual(new Set(chosen));
    const judged = ids(byQuery(await rows(store), "q1")) as string[];
    expect(new Set(judged)).toEqual(new Set([...chosen.slice(1), order[3]!]));
  });

  describe("relabel with too few candidates (range 2-3: q1 has d2, d3; q2 has d2, d3; N = 3)", () => {
    const judge = () => new SetJudge((item) => item.queryId === "q1" && item.candidateId === "d2");
    const rangeConfig = { strategy: "range", rangeMin: 2, rangeMax: 3, shortfall: "keep-fewer", judgePolicy: "relabel" } as const;

    it("keep-fewer keeps a short query whose rows are a negative and a relabelled one", async () => {
      const { store, config } = await fixture();
      const report = await mine(config({ ...rangeConfig, judge: judge(), maxRelabelled: 1 }));
      const q1 = byQuery(await rows(store), "q1");
      expect(ids(q1), "d3 and the relabelled d2").toEqual(["d3", "d2"]);
      expect(report, "both queries kept short, none skipped").toMatchObject({ queries_mined: 2, queries_short: 2, queries_skipped: 0 });
    });

    it("a query with exactly maxRelabelled relabelled rows is not over the limit", async () => {
      const { config } = await fixture();
      const report = await mine(config({ ...rangeConfig, judge: judge(), maxRelabelled: 1 }));
      expect(report.judge, "one relabelled, limit 1").toMatchObject({ negatives_relabelled: 1, queries_over_relabel_limit: 0 });
      const below = await mine(
        config({
          ...rangeConfig,
          judge: judge(),
          maxRelabelled: 0,
          hardNegativesCollection: new HardNegativesCollection({ collectionName: "below" }),
        }),
      );
      expect(below.judge, "one relabelled, limit 0").toMatchObject({ queries_over_relabel_limit: 1, over_relabel_limit_examples: ["q1"] });
    });
  });

  it("the judge is part of the run id, and judge options without a judge are refused", async () => {
    const { config } = await fixture();
    const plain = await mine(config({ hardNegativesCollection: new HardNegativesCollection({ collectionName: "a" }) }));
    const judged = await mine(
      config({ judge: new SetJudge(() => false), hardNegativesCollection: new HardNegativesCollection({ collectionName: "a" }) }),
    );
    expect(judged.run_id).not.toBe(plain.run_id);
    await expect(mine(config({ judgePolicy: "drop" }))).rejects.toBeInstanceOf(BadOptionError);
    await expect(mine(config({ judge: new SetJudge(() => false), judgePolicy: "erase" as never }))).rejects.toThrow(/judgePolicy/);
  });
});

describe("mine with the LLM judge over the local chat-completions server", () => {
  let server: JudgeTestServer | undefined;
  afterEach(async () => server?.close());

  it("protocol (local chat-completions server): a run killed mid-judging resumes without asking any judged pair again", async () => {
    // d3 and d5 are relevant (to either query, the table reads only the candidate): q1 drops d3,
    // then its replacement d5; q2 drops d3. Judging takes three rounds.
    const relevant = (text: string) => ["coffee grind note 3", "coffee grind note 5", "coffee grind note 10"].includes(text);
    server = await startJudgeTestServer({ relevant });
    const llm = () => new LlmJudge({ baseUrl: server!.baseUrl, model: "test-model", apiKey: "sk-resume", baseDelayMs: 1, concurrency: 1 });
    const { store, config } = await fixture();
    // One batch of both queries; the judge dies on its second judge() call (q2's group), after
    // q1's verdicts were saved but before the batch was committed.
    const inner = llm();
    let calls = 0;
    const dying: Judge = {
      id: inner.id,
      version: inner.version,
      judge: async (items) => {
        if (++calls > 1) throw new Error("killed");
        return inner.judge(items);
      },
    };
    await expect(mine(config({ judge: dying, judgePolicy: "drop", batchSize: 2, concurrency: 1 }))).rejects.toThrow("killed");
    const askedBeforeKill = server.requests.length;
    expect(askedBeforeKill).toBeGreaterThan(0);
    expect(await store.count(JUDGEMENTS_COLLECTION)).toBe(askedBeforeKill);

    const resumed = await mine(config({ judge: llm(), judgePolicy: "drop", batchSize: 2, concurrency: 1 }));
    expect(resumed.batches_resumed).toBe(0);
    const asked = server.requests.map((request) => `${request.body.messages![1]!.content}`);
    expect(new Set(asked).size).toBe(asked.length);
    expect(resumed.judge!.cache_hits).toBe(askedBeforeKill);
    expect(resumed.judge!.judge_calls).toBe(asked.length - askedBeforeKill);

    // Same rows as a clean run on a fresh store, and every row's verdict is the table's.
    const clean = await fixture();
    await mine(clean.config({ judge: llm(), judgePolicy: "drop", batchSize: 2, concurrency: 1 }));
    expect(await rows(store)).toEqual(await rows(clean.store));
    for (const row of await rows(store)) expect(relevant(String(row.properties["hard_negative_doc"]))).toBe(false);
    expect(resumed.judge!.negatives_dropped).toBe(3);
    expect(resumed.rows_written).toBe(6);

    // A third run pays nothing.
    const before = server.requests.length;
    const repeated = await mine(
      config({
        judge: llm(),
        judgePolicy: "drop",
        batchSize: 2,
        concurrency: 1,
        hardNegativesCollection: new HardNegativesCollection({ collectionName: "again" }),
      }),
    );
    expect(server.requests.length).toBe(before);
    expect(repeated.judge!.judge_calls).toBe(0);
  });
});
