import { once } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openLocalBackend } from "@hardneg/backend-local";
import { JUDGEMENTS_COLLECTION, type StoredRecord } from "@hardneg/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { relevantByTable, startJudgeTestServer, type JudgeTestServer } from "../../core/src/judges/__fixtures__/judge-test-server.js";
import { runCliAsync, runCliJsonAsync, startCliWithEnvironment } from "./__fixtures__/judge-cli-runner.js";
import { scifactAvailable, scifactFolder, temporaryFolder } from "./test-support.js";

/**
 * `hardneg mine --judge llm` and `hardneg judge` on 30 SciFact train queries × 5 negatives,
 * against a local chat-completions server answering from a fixed table (no model is reachable
 * in CI). Every verdict is recomputed here from the row's text, so the rows and exports are
 * checked against what the server said.
 */
const available = scifactAvailable();
const folder = temporaryFolder();
const SECRET = "sk-scifact-judge-secret-42";
const environment = { HARDNEG_JUDGE_API_KEY: SECRET };
let server: JudgeTestServer;
afterAll(async () => {
  await server?.close();
  folder.remove();
});

/** What the table says about a document as the judge saw it (the prompt cuts long texts). */
function tableVerdict(text: string): boolean {
  return relevantByTable(text.length <= 4000 ? text : `${text.slice(0, 4000)} […]`);
}

async function rowsOf(database: string, collection: string): Promise<StoredRecord[]> {
  const store = await openLocalBackend(database);
  try {
    const rows: StoredRecord[] = [];
    for await (const batch of store.iterate(collection)) rows.push(...batch);
    return rows;
  } finally {
    await store.close();
  }
}

/** A line of the flagembedding export. */
interface FlagEmbeddingLine {
  query: string;
  pos: string[];
  neg: string[];
}

/** A line of the triplets export. */
interface TripletLine {
  anchor: string;
  positive: string;
  negative: string;
}

function exportLines(database: string, collection: string, format: "flagembedding", cwd: string): Promise<FlagEmbeddingLine[]>;
function exportLines(database: string, collection: string, format: "triplets", cwd: string): Promise<TripletLine[]>;
function exportLines(database: string, collection: string, format: string, cwd: string): Promise<unknown[]> {
  const output = join(cwd, `${collection}-${format}.jsonl`);
  return runCliJsonAsync(
    ["export", "--collection", collection, "--format", format, "--output", output, "--engine", `local:${database}`],
    cwd,
  ).then(() =>
    readFileSync(output, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line)),
  );
}

function groupByQuery(rows: StoredRecord[]): Map<string, StoredRecord[]> {
  const groups = new Map<string, StoredRecord[]>();
  for (const row of rows) {
    const id = String(row.properties["query_id"]);
    groups.set(id, [...(groups.get(id) ?? []), row]);
  }
  return groups;
}

describe.skipIf(!available)("false-negative judges on SciFact train (30 queries × 5 negatives, local chat-completions server)", () => {
  const database = join(folder.path, "scifact-judge.db");
  const engine = ["--engine", `local:${database}`];
  const judgeArgs = () => ["--judge", "llm", "--judge-base-url", server.baseUrl, "--judge-model", "table-model"];
  const mineArgs = (out: string, ...extra: string[]) => [
    "mine",
    "--docs-collection",
    "scifact",
    "--queries-collection",
    "scifact-train",
    "--out-collection",
    out,
    "--negatives-per-query",
    "5",
    "--query-samples",
    "30",
    ...engine,
    ...extra,
  ];

  beforeAll(async () => {
    server = await startJudgeTestServer();
    const loaded = await runCliJsonAsync(["load", "beir", scifactFolder, "--split", "train", ...engine], folder.path);
    expect(loaded).toMatchObject({ documents: 5183, queries: 809 });
  });

  it(
    "protocol (local chat-completions server): " + "--policy flag stores a verdict on every row and exports leave relevant ones out",
    async () => {
      const before = server.requests.length;
      const report = await runCliJsonAsync(mineArgs("flagged", ...judgeArgs(), "--policy", "flag"), folder.path, environment);
      expect(report).toMatchObject({ queries: 30, queries_mined: 30, rows_written: 150 });
      expect(report["judge"]).toMatchObject({
        judge_id: "llm:table-model",
        judge_version: "hardneg-judge-v1",
        policy: "flag",
        judge_calls: 150,
        cache_hits: 0,
        http_requests: 150,
      });
      expect(server.requests.length - before).toBe(150);
      expect(server.requests.every((request) => request.authorization === `Bearer ${SECRET}`)).toBe(true);
      const rows = await rowsOf(database, "flagged");
      const relevant = rows.filter((row) => tableVerdict(String(row.properties["hard_negative_doc"])));
      expect(relevant.length).toBeGreaterThan(0);
      expect(report["judge"]["verdicts"]).toEqual({ relevant: relevant.length, not_relevant: 150 - relevant.length, unjudged: 0 });
      for (const row of rows) {
        expect(row.properties).toMatchObject({
          is_relevant: tableVerdict(String(row.properties["hard_negative_doc"])),
          judge_policy: "flag",
          judge_id: "llm:table-model",
          relabel: false,
        });
        expect(typeof row.properties["judge_reason"]).toBe("string");
      }
      const relevantTexts = new Set(relevant.map((row) => row.properties["hard_negative_doc"]));
      const flag = await exportLines(database, "flagged", "flagembedding", folder.path);
      const triplets = await exportLines(database, "flagged", "triplets", folder.path);
      expect(flag.flatMap((line) => line.neg).some((text: string) => relevantTexts.has(text))).toBe(false);
      expect(flag.flatMap((line) => line.neg)).toHaveLength(150 - relevant.length);
      expect(triplets).toHaveLength(150 - relevant.length);
      expect(JSON.stringify(rows)).not.toContain(SECRET);
    },
  );

  it(
    "protocol (local chat-completions server): --policy drop replaces relevant " +
      "negatives from the pool (5 per query), paying only for the replacements",
    async () => {
      const before = server.requests.length;
      const report = await runCliJsonAsync(mineArgs("dropped", ...judgeArgs(), "--policy", "drop"), folder.path, environment);
      const rows = await rowsOf(database, "dropped");
      expect(rows).toHaveLength(150);
      for (const group of groupByQuery(rows).values()) expect(group).toHaveLength(5);
      expect(rows.every((row) => row.properties["is_relevant"] === false && row.properties["judge_policy"] === "drop")).toBe(true);
      expect(rows.some((row) => tableVerdict(String(row.properties["hard_negative_doc"])))).toBe(false);
      const judge = report["judge"];
      // The 150 first choices are the flag run's pairs: answered from the cache.
      expect(judge["cache_hits"]).toBe(150);
      expect(judge["judge_calls"]).toBe(server.requests.length - before);
      expect(judge["judge_calls"]).toBe(judge["replacements"]);
      expect(judge["negatives_dropped"]).toBe(judge["verdicts"]["relevant"]);
      expect(judge["negatives_dropped"]).toBeGreaterThan(0);
      const flag = await exportLines(database, "dropped", "flagembedding", folder.path);
      expect(flag.every((line) => line.neg.length === 5)).toBe(true);
    },
  );

  it(
    "protocol (local chat-completions server): --policy relabel keeps relevant " +
      "rows as positives (flagembedding pos, triplets) and still gives 5 negatives",
    async () => {
      const report = await runCliJsonAsync(
        mineArgs("relabelled", ...judgeArgs(), "--policy", "relabel", "--max-relabelled", "1"),
        folder.path,
        environment,
      );
      const rows = await rowsOf(database, "relabelled");
      const relabelled = rows.filter((row) => row.properties["relabel"] === true);
      expect(relabelled.length).toBe(report["judge"]["negatives_relabelled"]);
      expect(relabelled.length).toBeGreaterThan(0);
      expect(
        relabelled.every(
          (row) =>
            row.properties["is_relevant"] === true &&
            row.properties["judge_policy"] === "relabel" &&
            tableVerdict(String(row.properties["hard_negative_doc"])),
        ),
      ).toBe(true);
      const groups = groupByQuery(rows);
      for (const group of groups.values()) expect(group.filter((row) => row.properties["relabel"] !== true)).toHaveLength(5);
      const crowded = [...groups]
        .filter(([, group]) => group.filter((row) => row.properties["relabel"] === true).length > 1)
        .map(([id]) => id);
      expect(report["judge"]["queries_over_relabel_limit"]).toBe(crowded.length);

      const flag = await exportLines(database, "relabelled", "flagembedding", folder.path);
      const relabelledTexts = new Set(relabelled.map((row) => row.properties["hard_negative_doc"]));
      // A document can be relabelled for several queries (the table reads only its text): count rows, not texts.
      expect(flag.flatMap((line) => line.pos).filter((text: string) => relabelledTexts.has(text))).toHaveLength(relabelled.length);
      expect(flag.every((line) => line.neg.length === 5 && !line.neg.some((text: string) => relabelledTexts.has(text)))).toBe(true);
      const triplets = await exportLines(database, "relabelled", "triplets", folder.path);
      expect(triplets).toHaveLength(150);
      expect(triplets.some((line) => relabelledTexts.has(line.positive))).toBe(true);
    },
  );

  it(
    "protocol (local chat-completions server): `hardneg judge --dry-run` " +
      "counts calls after the cache and tokens, then a real run pays once",
    async () => {
      await runCliJsonAsync(mineArgs("plain"), folder.path);
      const model = ["--judge", "llm", "--judge-base-url", server.baseUrl, "--judge-model", "other-model"];
      const before = server.requests.length;
      const dry = await runCliJsonAsync(
        ["judge", "--collection", "plain", ...model, "--policy", "flag", "--dry-run", ...engine],
        folder.path,
        environment,
      );
      expect(dry).toMatchObject({ dry_run: true, rows: 150, judge_calls: 150, cache_hits: 0 });
      expect(dry["estimate"]["estimated_tokens"]).toBeGreaterThan(150 * 100);
      expect(server.requests.length).toBe(before);
      // The same model as the mining runs: every pair is cached already.
      const cached = await runCliJsonAsync(
        ["judge", "--collection", "plain", ...judgeArgs(), "--dry-run", ...engine],
        folder.path,
        environment,
      );
      expect(cached).toMatchObject({ judge_calls: 0, cache_hits: 150 });

      const human = await runCliAsync(["judge", "--collection", "plain", ...model, "--dry-run", ...engine], folder.path, environment);
      expect(human.stdout).toContain("would send 150 pairs to the judge");
      const judged = await runCliJsonAsync(
        ["judge", "--collection", "plain", ...model, "--policy", "flag", ...engine],
        folder.path,
        environment,
      );
      expect(judged).toMatchObject({ rows: 150, judge_calls: 150, cache_hits: 0, http_requests: 150 });
      const again = await runCliJsonAsync(
        ["judge", "--collection", "plain", ...model, "--policy", "relabel", ...engine],
        folder.path,
        environment,
      );
      expect(again).toMatchObject({ judge_calls: 0, cache_hits: 150, http_requests: 0, rows_relabelled: judged["verdicts"]["relevant"] });
    },
  );

  it(
    "protocol (local chat-completions server): `hardneg judge` killed " +
      "with SIGKILL mid-judging resumes without asking any judged pair again",
    async () => {
      await runCliJsonAsync(mineArgs("to-kill"), folder.path);
      const model = ["--judge", "llm", "--judge-base-url", server.baseUrl, "--judge-model", "kill-model", "--judge-concurrency", "2"];
      const start = server.requests.length;
      const child = startCliWithEnvironment(["judge", "--collection", "to-kill", ...model, ...engine], folder.path, environment);
      for (let attempt = 0; attempt < 4000 && child.exitCode === null && server.requests.length - start < 40; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      child.kill("SIGKILL");
      await once(child, "close");
      const askedBeforeKill = server.requests.length - start;
      expect(askedBeforeKill).toBeGreaterThanOrEqual(40);
      expect(askedBeforeKill).toBeLessThan(150);

      // Pairs whose verdicts reached the cache before the kill.
      const cachedPairs = (await rowsOf(database, JUDGEMENTS_COLLECTION))
        .filter((record) => record.properties["judge_id"] === "llm:kill-model")
        .map((record) => `${record.properties["query_id"]}|${record.properties["candidate_id"]}`);
      expect(cachedPairs.length).toBeGreaterThan(0);
      /** What the judge was shown for a row: query text and (cut) candidate text. */
      const shown = (queryText: string, candidateText: string) =>
        `${queryText}|${candidateText.length <= 4000 ? candidateText : `${candidateText.slice(0, 4000)} […]`}`;
      const shownOf = new Map(
        (await rowsOf(database, "to-kill")).map((row) => [
          `${row.properties["query_id"]}|${row.properties["hard_negative_id"]}`,
          shown(String(row.properties["query"]), String(row.properties["hard_negative_doc"])),
        ]),
      );

      const resumeStart = server.requests.length;
      const resumed = await runCliJsonAsync(["judge", "--collection", "to-kill", ...model, ...engine], folder.path, environment);
      expect(resumed).toMatchObject({ rows: 150, cache_hits: cachedPairs.length, judge_calls: 150 - cachedPairs.length });
      const askedAfter = server.requests.slice(resumeStart).map((request) => `${request.queryText}|${request.candidateText}`);
      expect(askedAfter).toHaveLength(150 - cachedPairs.length);
      const cachedShown = new Set(cachedPairs.map((pair) => shownOf.get(pair)!));
      expect(cachedShown.size).toBe(cachedPairs.length);
      expect(askedAfter.filter((pair) => cachedShown.has(pair))).toEqual([]);
      const rows = await rowsOf(database, "to-kill");
      expect(rows.every((row) => row.properties["is_relevant"] === tableVerdict(String(row.properties["hard_negative_doc"])))).toBe(true);
    },
  );
});
