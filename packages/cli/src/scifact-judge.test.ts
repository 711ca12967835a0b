import { once } from "node:events";
import { cpSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { openLocalBackend } from "@hardneg/backend-local";
import { JUDGEMENTS_COLLECTION, type StoredRecord } from "@hardneg/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { relevantByTable, type JudgeTestServer, useJudgeTestServers } from "../../core/src/judges/__fixtures__/judge-test-server.js";
import { runCliAsync, runCliJsonAsync, startCliWithEnvironment } from "./__fixtures__/judge-cli-runner.js";
import { scifactAvailable, scifactFolder, temporaryFolder } from "./test-support.js";

/**
 * `hardneg mine --judge llm` and `hardneg judge` on 30 SciFact train queries × 5 negatives,
 * against a local chat-completions server answering from a fixed table (no model is reachable
 * in CI). Every verdict is recomputed here from the row's text, so the rows and exports are
 * checked against what the server said. Each test starts from its own copy of the loaded
 * database (so its own verdict cache) and its own server: none depends on another having run.
 */
const available = scifactAvailable();
const folder = temporaryFolder();
const SECRET = "sk-scifact-judge-secret-42";
const environment = { HARDNEG_JUDGE_API_KEY: SECRET };
const startServer = useJudgeTestServers();
afterAll(() => {
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
  const template = join(folder.path, "loaded.db");
  const judgeArgs = (server: JudgeTestServer) => ["--judge", "llm", "--judge-base-url", server.baseUrl, "--judge-model", "table-model"];
  const mineArgs = (engine: string[], out: string, ...extra: string[]) => [
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

  /** A copy of the loaded database (and any file beside it) for one test: its collections, an empty verdict cache. */
  function freshDatabase(name: string): { database: string; engine: string[] } {
    const database = join(folder.path, `${name}.db`);
    for (const entry of readdirSync(folder.path).filter((file) => file.startsWith("loaded.db")))
      cpSync(join(folder.path, entry), join(folder.path, `${name}.db${entry.slice("loaded.db".length)}`), { recursive: true });
    return { database, engine: ["--engine", `local:${database}`] };
  }

  beforeAll(async () => {
    const loaded = await runCliJsonAsync(["load", "beir", scifactFolder, "--split", "train", "--engine", `local:${template}`], folder.path);
    expect(loaded, "the loaded template").toMatchObject({ documents: 5183, queries: 809 });
    // A first search builds the BM25 index files beside the database; every copy then reuses them.
    await runCliJsonAsync(mineArgs(["--engine", `local:${template}`], "index-warm-up"), folder.path);
  });

  it(
    "protocol (local chat-completions server): " + "--policy flag stores a verdict on every row and exports leave relevant ones out",
    async () => {
      const server = await startServer();
      const { database, engine } = freshDatabase("flag");
      const report = await runCliJsonAsync(mineArgs(engine, "flagged", ...judgeArgs(server), "--policy", "flag"), folder.path, environment);
      expect(report, "mining report").toMatchObject({ queries: 30, queries_mined: 30, rows_written: 150 });
      expect(report["judge"], "judge report").toMatchObject({
        judge_id: "llm:table-model",
        judge_version: "hardneg-judge-v1",
        policy: "flag",
        judge_calls: 150,
        cache_hits: 0,
        http_requests: 150,
      });
      expect(server.requests.length, "requests the server received").toBe(150);
      expect(
        server.requests.every((request) => request.authorization === `Bearer ${SECRET}`),
        "every request carries the key",
      ).toBe(true);
      const rows = await rowsOf(database, "flagged");
      const relevant = rows.filter((row) => tableVerdict(String(row.properties["hard_negative_doc"])));
      expect(relevant.length, "rows the table calls relevant").toBeGreaterThan(0);
      expect(report["judge"]["verdicts"], "verdict counts").toEqual({
        relevant: relevant.length,
        not_relevant: 150 - relevant.length,
        unjudged: 0,
      });
      for (const row of rows) {
        expect(row.properties, `row ${row.id}`).toMatchObject({
          is_relevant: tableVerdict(String(row.properties["hard_negative_doc"])),
          judge_policy: "flag",
          judge_id: "llm:table-model",
          relabel: false,
        });
        expect(typeof row.properties["judge_reason"], `row ${row.id}: judge_reason`).toBe("string");
      }
      const relevantTexts = new Set(relevant.map((row) => row.properties["hard_negative_doc"]));
      const flag = await exportLines(database, "flagged", "flagembedding", folder.path);
      const triplets = await exportLines(database, "flagged", "triplets", folder.path);
      expect(
        flag.flatMap((line) => line.neg).some((text: string) => relevantTexts.has(text)),
        "a relevant row among the exported negatives",
      ).toBe(false);
      expect(
        flag.flatMap((line) => line.neg),
        "exported negatives",
      ).toHaveLength(150 - relevant.length);
      expect(triplets, "triplets").toHaveLength(150 - relevant.length);
      expect(JSON.stringify(rows), "rows hold the key").not.toContain(SECRET);
    },
  );

  it(
    "protocol (local chat-completions server): --policy drop replaces relevant " +
      "negatives from the pool (5 per query), paying only for the replacements",
    async () => {
      const server = await startServer();
      const { database, engine } = freshDatabase("drop");
      // Set-up: a flag run with the same judge puts the 150 first choices' verdicts in this database's cache.
      await runCliJsonAsync(mineArgs(engine, "flagged", ...judgeArgs(server), "--policy", "flag"), folder.path, environment);
      const before = server.requests.length;
      expect(before, "requests of the flag run").toBe(150);
      const report = await runCliJsonAsync(mineArgs(engine, "dropped", ...judgeArgs(server), "--policy", "drop"), folder.path, environment);
      const rows = await rowsOf(database, "dropped");
      expect(rows, "rows").toHaveLength(150);
      for (const [queryId, group] of groupByQuery(rows)) expect(group, `rows of query ${queryId}`).toHaveLength(5);
      expect(
        rows.every((row) => row.properties["is_relevant"] === false && row.properties["judge_policy"] === "drop"),
        "every row judged not relevant, policy drop",
      ).toBe(true);
      expect(
        rows.some((row) => tableVerdict(String(row.properties["hard_negative_doc"]))),
        "a row the table calls relevant",
      ).toBe(false);
      const judge = report["judge"];
      // The 150 first choices are the flag run's pairs: answered from the cache.
      expect(judge["cache_hits"], "cache hits").toBe(150);
      expect(judge["judge_calls"], "judge calls = requests of this run").toBe(server.requests.length - before);
      expect(judge["judge_calls"], "judge calls = replacements").toBe(judge["replacements"]);
      expect(judge["negatives_dropped"], "dropped = relevant verdicts").toBe(judge["verdicts"]["relevant"]);
      expect(judge["negatives_dropped"], "dropped").toBeGreaterThan(0);
      const flag = await exportLines(database, "dropped", "flagembedding", folder.path);
      expect(
        flag.every((line) => line.neg.length === 5),
        "5 negatives on every exported line",
      ).toBe(true);
    },
  );

  it(
    "protocol (local chat-completions server): --policy relabel keeps relevant " +
      "rows as positives (flagembedding pos, triplets) and still gives 5 negatives",
    async () => {
      const server = await startServer();
      const { database, engine } = freshDatabase("relabel");
      const report = await runCliJsonAsync(
        mineArgs(engine, "relabelled", ...judgeArgs(server), "--policy", "relabel", "--max-relabelled", "1"),
        folder.path,
        environment,
      );
      const rows = await rowsOf(database, "relabelled");
      const relabelled = rows.filter((row) => row.properties["relabel"] === true);
      expect(relabelled.length, "relabelled rows").toBe(report["judge"]["negatives_relabelled"]);
      expect(relabelled.length, "relabelled rows").toBeGreaterThan(0);
      expect(
        relabelled.every(
          (row) =>
            row.properties["is_relevant"] === true &&
            row.properties["judge_policy"] === "relabel" &&
            tableVerdict(String(row.properties["hard_negative_doc"])),
        ),
        "relabelled rows are relevant by the table",
      ).toBe(true);
      const groups = groupByQuery(rows);
      for (const [queryId, group] of groups)
        expect(
          group.filter((row) => row.properties["relabel"] !== true),
          `negatives of query ${queryId}`,
        ).toHaveLength(5);
      const crowded = [...groups]
        .filter(([, group]) => group.filter((row) => row.properties["relabel"] === true).length > 1)
        .map(([id]) => id);
      expect(report["judge"]["queries_over_relabel_limit"], "queries over the relabel limit").toBe(crowded.length);

      const flag = await exportLines(database, "relabelled", "flagembedding", folder.path);
      // Exports give a document as its title, a space, then its text.
      const exported = (row: StoredRecord) =>
        [row.properties["hard_negative_title"], row.properties["hard_negative_doc"]].filter((part) => part !== "").join(" ");
      const relabelledTexts = new Set(relabelled.map(exported));
      // A document can be relabelled for several queries (the table reads only its text): count rows, not texts.
      expect(
        flag.flatMap((line) => line.pos).filter((text: string) => relabelledTexts.has(text)),
        "relabelled texts among the exported positives",
      ).toHaveLength(relabelled.length);
      expect(
        flag.every((line) => line.neg.length === 5 && !line.neg.some((text: string) => relabelledTexts.has(text))),
        "5 negatives per line, none relabelled",
      ).toBe(true);
      const triplets = await exportLines(database, "relabelled", "triplets", folder.path);
      expect(triplets, "triplets").toHaveLength(150);
      expect(
        triplets.some((line) => relabelledTexts.has(line.positive)),
        "a relabelled text as a triplet positive",
      ).toBe(true);
    },
  );

  it(
    "protocol (local chat-completions server): `hardneg judge --dry-run` " +
      "counts calls after the cache and tokens, then a real run pays once",
    async () => {
      const server = await startServer();
      const { engine } = freshDatabase("dry-run");
      await runCliJsonAsync(mineArgs(engine, "plain"), folder.path);
      const model = ["--judge", "llm", "--judge-base-url", server.baseUrl, "--judge-model", "other-model"];
      const dry = await runCliJsonAsync(
        ["judge", "--collection", "plain", ...model, "--policy", "flag", "--dry-run", ...engine],
        folder.path,
        environment,
      );
      expect(dry, "dry run on an empty cache").toMatchObject({ dry_run: true, rows: 150, judge_calls: 150, cache_hits: 0 });
      expect(dry["estimate"]["estimated_tokens"], "estimated tokens").toBeGreaterThan(150 * 100);
      const human = await runCliAsync(["judge", "--collection", "plain", ...model, "--dry-run", ...engine], folder.path, environment);
      expect(human.stdout, "dry run, for people").toContain("would send 150 pairs to the judge");
      expect(server.requests.length, "requests of the dry runs").toBe(0);
      const judged = await runCliJsonAsync(
        ["judge", "--collection", "plain", ...model, "--policy", "flag", ...engine],
        folder.path,
        environment,
      );
      expect(judged, "the real run").toMatchObject({ rows: 150, judge_calls: 150, cache_hits: 0, http_requests: 150 });
      expect(server.requests.length, "requests of the real run").toBe(150);
      // Every pair is cached now: a dry run counts no call, and a run with another policy pays nothing.
      const cached = await runCliJsonAsync(["judge", "--collection", "plain", ...model, "--dry-run", ...engine], folder.path, environment);
      expect(cached, "dry run after the real run").toMatchObject({ judge_calls: 0, cache_hits: 150 });
      const again = await runCliJsonAsync(
        ["judge", "--collection", "plain", ...model, "--policy", "relabel", ...engine],
        folder.path,
        environment,
      );
      expect(again, "a second run").toMatchObject({
        judge_calls: 0,
        cache_hits: 150,
        http_requests: 0,
        rows_relabelled: judged["verdicts"]["relevant"],
      });
      expect(server.requests.length, "requests after the second run").toBe(150);
    },
  );

  it(
    "protocol (local chat-completions server): `hardneg judge` killed " +
      "with SIGKILL mid-judging resumes without asking any judged pair again",
    async () => {
      // The kill point is set by the server, not by a clock: judging takes queries in groups, 8 at
      // a time (judgeWithCache's default), and starts a 9th query only once a group has been judged
      // and its verdicts saved. So the first request for a 9th query proves verdicts are in the
      // cache: from it on the server answers nothing, and the process is killed right then.
      const queriesSeen = new Set<string>();
      let killing = true;
      let ninthQueryAsked: () => void = () => {};
      const ninthQuery = new Promise<void>((resolve) => {
        ninthQueryAsked = resolve;
      });
      const server = await startServer({
        script: (_index, request) => {
          if (!killing) return undefined;
          if (queriesSeen.size >= 8 && !queriesSeen.has(request.queryText ?? "")) ninthQueryAsked();
          queriesSeen.add(request.queryText ?? "");
          return queriesSeen.size > 8 ? { hang: true } : undefined;
        },
      });
      const { database, engine } = freshDatabase("kill");
      await runCliJsonAsync(mineArgs(engine, "to-kill"), folder.path);
      const model = ["--judge", "llm", "--judge-base-url", server.baseUrl, "--judge-model", "kill-model", "--judge-concurrency", "2"];
      const child = startCliWithEnvironment(["judge", "--collection", "to-kill", ...model, ...engine], folder.path, environment);
      const exited = once(child, "close");
      await Promise.race([ninthQuery, exited]);
      expect(child.exitCode, "the judge run was still running at the 9th query").toBeNull();
      child.kill("SIGKILL");
      await exited;
      killing = false;
      const askedBeforeKill = server.requests.length;
      expect(askedBeforeKill, "requests before the kill").toBeGreaterThan(8);
      expect(askedBeforeKill, "requests before the kill").toBeLessThan(150);

      // Pairs whose verdicts reached the cache before the kill: at least the group that freed a lane.
      const cachedPairs = (await rowsOf(database, JUDGEMENTS_COLLECTION))
        .filter((record) => record.properties["judge_id"] === "llm:kill-model")
        .map((record) => `${record.properties["query_id"]}|${record.properties["candidate_id"]}`);
      expect(cachedPairs.length, "verdicts cached before the kill").toBeGreaterThanOrEqual(5);
      expect(cachedPairs.length, "verdicts cached before the kill").toBeLessThan(150);
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
      expect(resumed, "the resumed run").toMatchObject({
        rows: 150,
        cache_hits: cachedPairs.length,
        judge_calls: 150 - cachedPairs.length,
      });
      const askedAfter = server.requests.slice(resumeStart).map((request) => `${request.queryText}|${request.candidateText}`);
      expect(askedAfter, "pairs asked after the kill").toHaveLength(150 - cachedPairs.length);
      const cachedShown = new Set(cachedPairs.map((pair) => shownOf.get(pair)!));
      expect(cachedShown.size, "cached pairs, as shown to the judge").toBe(cachedPairs.length);
      expect(
        askedAfter.filter((pair) => cachedShown.has(pair)),
        "cached pairs asked again",
      ).toEqual([]);
      const rows = await rowsOf(database, "to-kill");
      expect(
        rows.every((row) => row.properties["is_relevant"] === tableVerdict(String(row.properties["hard_negative_doc"]))),
        "every row's verdict is the table's",
      ).toBe(true);
    },
  );
});
