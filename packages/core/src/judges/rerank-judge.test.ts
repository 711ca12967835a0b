import { describe, expect, it } from "vitest";
import { BadOptionError, ConnectionError } from "../errors.js";
import {
  NOT_RELEVANT_SCORE,
  RELEVANT_SCORE,
  relevantByTable,
  useJudgeTestServers,
  type JudgeTestServer,
} from "./__fixtures__/judge-test-server.js";
import type { JudgeItem } from "./judge.js";
import { RerankJudge, type RerankJudgeOptions } from "./rerank-judge.js";

/** Starts a judge test server, closed after the test. */
const server = useJudgeTestServers();

function judgeFor(testServer: JudgeTestServer, options: Partial<RerankJudgeOptions> = {}): RerankJudge {
  return new RerankJudge({
    baseUrl: testServer.baseUrl,
    model: "test-reranker",
    apiKey: "rk-secret",
    retries: 2,
    baseDelayMs: 1,
    timeoutMs: 2000,
    ...options,
  });
}

const texts = Array.from({ length: 60 }, (_, index) => `passage ${index} about sleep`);
const relevantTexts = texts.filter(relevantByTable);
const otherTexts = texts.filter((text) => !relevantByTable(text));

function item(queryId: string, candidateText: string): JudgeItem {
  return {
    queryId,
    queryText: `query ${queryId}`,
    goldIds: ["g"],
    goldTexts: [`gold of ${queryId}`],
    candidateId: candidateText,
    candidateText,
  };
}

describe("RerankJudge", () => {
  it(
    "protocol (local rerank server): scores golds and candidates in one " +
      "request per query and compares with the gold's score × threshold",
    async () => {
      const testServer = await server();
      const items = [item("q1", relevantTexts[0]!), item("q2", otherTexts[0]!), item("q1", otherTexts[1]!)];
      const verdicts = await judgeFor(testServer).judge(items);
      expect(verdicts.map((verdict) => verdict.relevant)).toEqual([true, false, false]);
      expect(verdicts[0]!.score).toBe(RELEVANT_SCORE);
      expect(verdicts[1]!.score).toBe(NOT_RELEVANT_SCORE);
      expect(verdicts[0]!.reason).toContain("threshold 0.9");
      expect(testServer.requests).toHaveLength(2);
      const first = testServer.requests.find((request) => request.body.query === "query q1")!;
      expect(first.path).toBe("/v1/rerank");
      expect(first.body).toMatchObject({ model: "test-reranker", documents: ["gold of q1", relevantTexts[0], otherTexts[1]], top_n: 3 });
      expect(first.authorization).toBe("Bearer rk-secret");
    },
  );

  it("protocol (local rerank server): the threshold decides; scores below zero are compared with the same margin", async () => {
    // Gold 0.95, candidate 0.2: relevant only with a threshold at most 0.2 / 0.95.
    const testServer = await server();
    const candidate = item("q1", otherTexts[0]!);
    expect((await judgeFor(testServer, { threshold: 0.2 }).judge([candidate]))[0]!.relevant).toBe(true);
    expect((await judgeFor(testServer, { threshold: 0.25 }).judge([candidate]))[0]!.relevant).toBe(false);
    expect(judgeFor(testServer, { threshold: 0.25 }).id).toBe("rerank:test-reranker@0.25");
    // Raw logits: gold -2, candidate -2.1 is within 10% of it.
    const logits = await server({
      script: () => ({
        status: 200,
        body: JSON.stringify({
          results: [
            { index: 0, relevance_score: -2 },
            { index: 1, relevance_score: -2.1 },
            { index: 2, relevance_score: -3 },
          ],
        }),
      }),
    });
    const verdicts = await judgeFor(logits).judge([item("q", "a"), item("q", "b")]);
    expect(verdicts.map((verdict) => verdict.relevant)).toEqual([true, false]);
  });

  it("protocol (local rerank server): speaks TEI's {query, texts} → [{index, score}] shape", async () => {
    const tei = await server({
      script: (_, request) => ({
        status: 200,
        body: JSON.stringify(
          (request.body.texts as string[]).map((_text, index) => ({ index, score: index === 1 ? 0.99 : index === 0 ? 0.5 : 0.1 })),
        ),
      }),
    });
    const verdicts = await judgeFor(tei, { api: "tei" }).judge([item("q", "a"), item("q", "b")]);
    expect(verdicts.map((verdict) => verdict.relevant)).toEqual([true, false]);
    expect(tei.requests[0]!.body).toEqual({ query: "query q", texts: ["gold of q", "a", "b"], raw_scores: false });
  });

  it(
    "protocol (local rerank server): a malformed answer is retried, " + "then the query's items are unjudged; 429 and 500 are retried",
    async () => {
      const malformed = await server({
        script: () => ({ status: 200, body: JSON.stringify({ results: [{ index: 9, relevance_score: 1 }] }) }),
      });
      const verdicts = await judgeFor(malformed, { malformedRetries: 1 }).judge([item("q", "a"), item("q", "b")]);
      expect(
        verdicts.every((verdict) => verdict.relevant === null && verdict.reason!.startsWith("unjudged: malformed rerank answer")),
      ).toBe(true);
      expect(malformed.requests).toHaveLength(2);

      const flaky = await server({
        script: (index) => (index === 0 ? { status: 429, headers: { "retry-after": "0" } } : index === 1 ? { status: 502 } : undefined),
      });
      const recovered = await judgeFor(flaky).judge([item("q", relevantTexts[0]!)]);
      expect(recovered[0]!.relevant).toBe(true);
      expect(flaky.requests).toHaveLength(3);

      const down = await server({ script: () => ({ status: 500 }) });
      await expect(judgeFor(down, { retries: 1 }).judge([item("q", "a")])).rejects.toBeInstanceOf(ConnectionError);
    },
  );

  it("estimates one request per query", () => {
    const judge = new RerankJudge({ baseUrl: "http://127.0.0.1:9/v1", model: "m" });
    const estimate = judge.estimate([item("q1", "ab"), item("q1", "cd"), item("q2", "ef")]);
    expect(estimate.requests).toBe(2);
    expect(estimate.promptCharacters).toBe(("query q1" + "gold of q1" + "ab" + "cd" + "query q2" + "gold of q2" + "ef").length);
    expect(() => new RerankJudge({ baseUrl: "http://127.0.0.1:9/v1", model: "m", threshold: 0 })).toThrow(BadOptionError);
  });
});
