import { once } from "node:events";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startJudgeTestServer, type JudgeTestServer } from "../../core/src/judges/__fixtures__/judge-test-server.js";
import { runCliAsync, runCliJsonAsync, startCliWithEnvironment } from "./__fixtures__/judge-cli-runner.js";
import { sampleFolder, temporaryFolder } from "./test-support.js";

const folder = temporaryFolder();
const engine = ["--engine", `local:${join(folder.path, "sample.db")}`];
const SECRET = "sk-cli-judge-secret-7";
let server: JudgeTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => folder.remove());

describe("hardneg judge on the bundled sample", () => {
  beforeAll(async () => {
    await runCliJsonAsync(["load", "beir", sampleFolder, "--split", "test", ...engine], folder.path);
    await runCliJsonAsync(
      [
        "mine",
        "--docs-collection",
        "sample",
        "--queries-collection",
        "sample-test",
        "--out-collection",
        "negatives",
        "--negatives-per-query",
        "3",
        "--query-samples",
        "6",
        ...engine,
      ],
      folder.path,
    );
  });

  it("judge options without --judge, a missing model and an unknown policy are bad usage (exit 2)", async () => {
    const mine = [
      "mine",
      "--docs-collection",
      "sample",
      "--queries-collection",
      "sample-test",
      "--out-collection",
      "x",
      "--negatives-per-query",
      "3",
      ...engine,
    ];
    const stray = await runCliAsync([...mine, "--policy", "drop"], folder.path);
    expect(stray.status).toBe(2);
    expect(stray.stderr).toContain("--policy: needs --judge");
    const noModel = await runCliAsync(["judge", "--collection", "negatives", "--judge", "llm", ...engine], folder.path, {
      HARDNEG_JUDGE_MODEL: "",
    });
    expect(noModel.status).toBe(2);
    expect(noModel.stderr).toContain("--judge-model");
    const badPolicy = await runCliAsync(
      ["judge", "--collection", "negatives", "--judge", "llm", "--judge-model", "m", "--policy", "erase", ...engine],
      folder.path,
    );
    expect(badPolicy.status).toBe(2);
    const noRerankUrl = await runCliAsync(
      ["judge", "--collection", "negatives", "--judge", "rerank", "--judge-model", "m", ...engine],
      folder.path,
      { HARDNEG_JUDGE_BASE_URL: "" },
    );
    expect(noRerankUrl.status).toBe(2);
    expect(noRerankUrl.stderr).toContain("--judge-base-url");
  });

  it("protocol (local chat-completions server): Ctrl-C during a run prints one line saying how to resume, exit 130", async () => {
    // The interrupt is sent when the server has the first request, so the run is surely under way.
    let firstRequest: () => void = () => {};
    const asked = new Promise<void>((resolve) => {
      firstRequest = resolve;
    });
    server = await startJudgeTestServer({
      script: () => {
        firstRequest();
        return { hang: true };
      },
    });
    const child = startCliWithEnvironment(
      ["judge", "--collection", "negatives", "--judge", "llm", "--judge-base-url", server.baseUrl, "--judge-model", "m", ...engine],
      folder.path,
      { HARDNEG_JUDGE_API_KEY: SECRET },
    );
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const exited = once(child, "close");
    await Promise.race([asked, exited]);
    expect(child.exitCode, "still running when the server was asked").toBeNull();
    child.kill("SIGINT");
    const [status] = await exited;
    expect(status, "128 + SIGINT").toBe(130);
    expect(stderr, "one line naming the command and how to go on").toBe(
      "[hardneg] judge interrupted: the batches it committed are kept; re-run the same command to resume\n",
    );
  });

  it("protocol (local chat-completions server): a refused key fails with one line (exit 1) that never shows the key", async () => {
    server = await startJudgeTestServer({
      script: (_, request) => ({ status: 401, body: `{"error":"bad key ${request.authorization}"}` }),
    });
    const result = await runCliAsync(
      ["judge", "--collection", "negatives", "--judge", "llm", "--judge-base-url", server.baseUrl, "--judge-model", "m", ...engine],
      folder.path,
      { HARDNEG_JUDGE_API_KEY: SECRET },
    );
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("refused the credentials (HTTP 401)");
    expect(result.stderr).toContain("[redacted]");
    expect(`${result.stdout}${result.stderr}`).not.toContain(SECRET);
    expect(server.requests[0]!.authorization).toBe(`Bearer ${SECRET}`);
  });

  it(
    "protocol (local rerank server): judges a collection with --judge rerank, " + "one request per query, key from OPENAI_API_KEY",
    async () => {
      server = await startJudgeTestServer();
      const report = await runCliJsonAsync(
        [
          "judge",
          "--collection",
          "negatives",
          "--judge",
          "rerank",
          "--judge-base-url",
          server.baseUrl,
          "--judge-model",
          "reranker",
          "--judge-threshold",
          "0.5",
          "--policy",
          "relabel",
          ...engine,
        ],
        folder.path,
        { OPENAI_API_KEY: SECRET, HARDNEG_JUDGE_API_KEY: "" },
      );
      expect(report).toMatchObject({ judge_id: "rerank:reranker@0.5", policy: "relabel", rows: 18, judge_calls: 18, http_requests: 6 });
      expect(report["verdicts"]["relevant"] + report["verdicts"]["not_relevant"]).toBe(18);
      expect(report["rows_relabelled"]).toBe(report["verdicts"]["relevant"]);
      expect(server.requests.every((request) => request.path === "/v1/rerank" && request.authorization === `Bearer ${SECRET}`)).toBe(true);
      const human = await runCliAsync(
        [
          "judge",
          "--collection",
          "negatives",
          "--judge",
          "rerank",
          "--judge-base-url",
          server.baseUrl,
          "--judge-model",
          "reranker",
          "--judge-threshold",
          "0.5",
          ...engine,
        ],
        folder.path,
      );
      expect(human.status).toBe(0);
      expect(human.stdout).toContain("judge calls 0, cache hits 18");
    },
  );
});
