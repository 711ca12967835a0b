import { describe, expect, it } from "vitest";
import { AuthError, BadOptionError, ConnectionError, type HardnegError } from "../errors.js";
import { MemoryStore } from "../adapter/memory-store.js";
import { relevantByTable, useJudgeTestServers, type JudgeTestServer } from "./__fixtures__/judge-test-server.js";
import { judgeWithCache } from "./cached-judging.js";
import type { JudgeItem } from "./judge.js";
import { PROMPT_VERSION } from "./judge-prompt.js";
import { LlmJudge, type LlmJudgeOptions } from "./llm-judge.js";
import { JUDGEMENTS_COLLECTION, StoreVerdictCache } from "./verdict-cache.js";

const SECRET = "sk-test-never-show-me-123";
/** Starts a judge test server, closed after the test. */
const server = useJudgeTestServers();

function judgeFor(testServer: JudgeTestServer, options: Partial<LlmJudgeOptions> = {}): LlmJudge {
  return new LlmJudge({
    baseUrl: testServer.baseUrl,
    model: "test-model",
    apiKey: SECRET,
    retries: 3,
    baseDelayMs: 1,
    timeoutMs: 2000,
    ...options,
  });
}

/** Candidate texts chosen so the table gives one relevant and one not. */
function pickTexts(): { relevant: string; notRelevant: string } {
  const texts = Array.from({ length: 50 }, (_, index) => `candidate passage number ${index}`);
  return { relevant: texts.find(relevantByTable)!, notRelevant: texts.find((text) => !relevantByTable(text))! };
}

function item(candidateText: string, candidateId = candidateText): JudgeItem {
  return {
    queryId: "q1",
    queryText: "does caffeine improve memory?",
    goldIds: ["g1"],
    goldTexts: ["Caffeine improved recall in a trial."],
    candidateId,
    candidateText,
  };
}

describe("LlmJudge", () => {
  it(
    "protocol (local chat-completions server): sends the versioned prompt with query, " +
      "gold and candidate, JSON mode and the bearer key",
    async () => {
      const testServer = await server();
      const { relevant, notRelevant } = pickTexts();
      const verdicts = await judgeFor(testServer).judge([item(relevant), item(notRelevant)]);
      expect(verdicts.map((verdict) => verdict.relevant)).toEqual([true, false]);
      expect(verdicts[0]!.reason).toBe("answers the query like the gold");
      expect(testServer.requests).toHaveLength(2);
      const request = testServer.requests[0]!;
      expect(request.path).toBe("/v1/chat/completions");
      expect(request.authorization).toBe(`Bearer ${SECRET}`);
      expect(request.body).toMatchObject({ model: "test-model", response_format: { type: "json_object" }, temperature: 0 });
      const user = request.body.messages![1]!.content as string;
      expect(user).toContain("does caffeine improve memory?");
      expect(user).toContain("Caffeine improved recall in a trial.");
      expect(user).toContain(relevant);
      expect(new LlmJudge({ baseUrl: testServer.baseUrl, model: "m" }).version).toBe(PROMPT_VERSION);
    },
  );

  it("protocol (local chat-completions server): a malformed answer is asked again, then recorded unjudged, never guessed", async () => {
    const { relevant } = pickTexts();
    // First answer malformed, second fine.
    const once = await server({ script: (index) => (index === 0 ? { content: "Yes, it is relevant." } : undefined) });
    const [recovered] = await judgeFor(once).judge([item(relevant)]);
    expect(recovered!.relevant).toBe(true);
    expect(once.requests).toHaveLength(2);

    // Always malformed, in every shape a sloppy model produces.
    const shapes = [
      '{"relevant": "yes"}',
      '```json\n{"relevant": true}\n```',
      '{"reason": "no verdict"}',
      "[true]",
      '{"relevant": true, "reason": 7}',
    ];
    for (const content of shapes) {
      const always = await server({ script: () => ({ content }) });
      const [verdict] = await judgeFor(always, { malformedRetries: 2 }).judge([item(relevant)]);
      expect(verdict!.relevant).toBeNull();
      expect(verdict!.reason).toMatch(/^unjudged: malformed answer after 3 attempts/);
      expect(always.requests).toHaveLength(3);
    }
  });

  it("protocol (local chat-completions server): retries 429 honouring Retry-After (seconds and HTTP date)", async () => {
    const { notRelevant } = pickTexts();
    const testServer = await server({
      script: (index) =>
        index === 0
          ? { status: 429, headers: { "retry-after": "1" } }
          : index === 1
            ? { status: 429, headers: { "retry-after": new Date(Date.now() - 5000).toUTCString() } }
            : undefined,
    });
    const retries: { delayMs: number; reason: string }[] = [];
    const [verdict] = await judgeFor(testServer, { baseDelayMs: 1, onRetry: (info) => void retries.push(info) }).judge([item(notRelevant)]);
    expect(verdict!.relevant).toBe(false);
    expect(testServer.requests).toHaveLength(3);
    // The first wait is what the server asked (1 s), not the 0–1 ms backoff; a past date asks for none.
    expect(retries.map((retry) => retry.reason)).toEqual(["HTTP 429", "HTTP 429"]);
    expect(retries[0]!.delayMs).toBe(1000);
    expect(retries[1]!.delayMs).toBeLessThan(1000);
  });

  it("protocol (local chat-completions server): retries 500s and timeouts, then gives up with a ConnectionError", async () => {
    const { relevant } = pickTexts();
    const flaky = await server({ script: (index) => (index === 0 ? { status: 500 } : index === 1 ? { hang: true } : undefined) });
    const reasons: string[] = [];
    // The timeout must outlast a busy machine's answer to the third request: only the hung one may time out.
    const [verdict] = await judgeFor(flaky, { timeoutMs: 2000, onRetry: (info) => void reasons.push(info.reason) }).judge([item(relevant)]);
    expect(verdict!.relevant).toBe(true);
    expect(reasons).toEqual(["HTTP 500", "timeout"]);

    const down = await server({ script: () => ({ status: 503 }) });
    const failure = await judgeFor(down, { retries: 2 })
      .judge([item(relevant)])
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectionError);
    expect((failure as Error).message).toContain("HTTP 503 after 3 attempts");
    expect(down.requests).toHaveLength(3);
  });

  it(
    "protocol (local chat-completions server): 401 fails at once with an AuthError, " +
      "404 names the base URL option, 400 leaves the item unjudged",
    async () => {
      const { relevant } = pickTexts();
      const refused = await server({ script: () => ({ status: 401 }) });
      await expect(judgeFor(refused).judge([item(relevant), item(relevant, "other")])).rejects.toBeInstanceOf(AuthError);
      expect(refused.requests.length).toBeLessThanOrEqual(2);

      const missing = await server({ script: () => ({ status: 404 }) });
      const notFound = await judgeFor(missing)
        .judge([item(relevant)])
        .catch((error: unknown) => error);
      expect(notFound).toBeInstanceOf(BadOptionError);
      expect((notFound as HardnegError).location.option).toBe("--judge-base-url");

      const tooLong = await server({
        script: (index) => (index === 0 ? { status: 400, body: '{"error":{"message":"context length exceeded"}}' } : undefined),
      });
      const verdicts = await judgeFor(tooLong, { concurrency: 1 }).judge([item(relevant), item(relevant, "second")]);
      expect(verdicts[0]!.relevant).toBeNull();
      expect(verdicts[0]!.reason).toContain("context length exceeded");
      expect(verdicts[1]!.relevant).toBe(true);
    },
  );

  it(
    "protocol (local chat-completions server): the API key never appears in errors, " +
      "verdicts or cache records, even when the server echoes it",
    async () => {
      const { relevant } = pickTexts();
      // A misbehaving proxy that echoes the Authorization header everywhere it can.
      const echo = (request: { authorization: string | undefined }) => `auth was ${request.authorization}`;
      const echoing = await server({
        script: (index, request) => (index % 2 === 0 ? { content: echo(request) } : { status: 400, body: echo(request) }),
      });
      const store = new MemoryStore();
      const judge = judgeFor(echoing, { malformedRetries: 0, concurrency: 1 });
      const { verdicts } = await judgeWithCache(judge, [item(relevant, "a"), item(relevant, "b")], new StoreVerdictCache(store));
      expect(echoing.requests[0]!.authorization).toBe(`Bearer ${SECRET}`);
      expect(JSON.stringify(verdicts)).not.toContain(SECRET);
      expect(JSON.stringify(verdicts)).toContain("[redacted]");

      const failing = await server({ script: (_, request) => ({ status: 500, body: echo(request) }) });
      const error = await judgeFor(failing, { retries: 1 })
        .judge([item(relevant)])
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(`${(error as Error).message} ${(error as Error).stack}`).not.toContain(SECRET);
      expect(JSON.stringify(judge)).not.toContain(SECRET);

      const answering = await server();
      await judgeWithCache(judgeFor(answering), [item(relevant, "c")], new StoreVerdictCache(store));
      const cached = [];
      for await (const batch of store.iterate(JUDGEMENTS_COLLECTION)) cached.push(...batch);
      expect(cached).toHaveLength(1);
      expect(JSON.stringify(cached)).not.toContain(SECRET);
    },
  );

  it("protocol (local chat-completions server): URL credentials and tokens a proxy echoes never reach verdicts or errors", async () => {
    const { relevant } = pickTexts();
    const upstream = "upstream https://judge:pw-echoed-77@10.0.0.9/v1?api_key=key-echoed-77 failed";
    const rejecting = await server({ script: () => ({ status: 400, body: upstream }) });
    const verdicts = await judgeFor(rejecting).judge([item(relevant)]);
    expect(verdicts[0]!.relevant).toBeNull();
    expect(verdicts[0]!.reason).toContain("https://***@10.0.0.9/v1?api_key=*** failed");
    const failing = await server({ script: () => ({ status: 500, body: upstream }) });
    const error = await judgeFor(failing, { retries: 0 })
      .judge([item(relevant)])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(JSON.stringify({ verdicts, message: (error as Error).message })).not.toMatch(/echoed-77/);
  });

  it("protocol (local chat-completions server): never has more requests in flight than its concurrency, across judge() calls", async () => {
    const testServer = await server({ answerDelayMs: 30 });
    const judge = judgeFor(testServer, { concurrency: 2 });
    const texts = Array.from({ length: 6 }, (_, index) => `text ${index}`);
    await Promise.all([judge.judge(texts.slice(0, 3).map((text) => item(text))), judge.judge(texts.slice(3).map((text) => item(text)))]);
    expect(testServer.requests).toHaveLength(6);
    expect(testServer.maxInFlight).toBe(2);
    expect(judge.requestsMade).toBe(6);
  });

  it("refuses a base URL with credentials and a missing model", () => {
    expect(() => new LlmJudge({ baseUrl: "https://user:pass@example.com/v1", model: "m" })).toThrow(BadOptionError);
    expect(() => new LlmJudge({ baseUrl: "not a url", model: "m" })).toThrow(/not a URL/);
    expect(() => new LlmJudge({ baseUrl: "http://127.0.0.1:1/v1", model: " " })).toThrow(/model/);
  });
});

describe("judgeWithCache", () => {
  it(
    "protocol (local chat-completions server): " + "a repeated run answers every judged pair from the cache and re-asks only unjudged ones",
    async () => {
      const { relevant, notRelevant } = pickTexts();
      // The third request answers garbage once: that pair stays unjudged and is not cached.
      const testServer = await server({
        script: (index, request) => (request.candidateText === "flaky" && index < 10 ? { content: "maybe" } : undefined),
      });
      const store = new MemoryStore();
      const judge = judgeFor(testServer, { malformedRetries: 0 });
      const items = [item(relevant, "r"), item(notRelevant, "n"), item("flaky", "f"), item(relevant, "r-again")];
      const first = await judgeWithCache(judge, items, new StoreVerdictCache(store));
      expect(first.stats).toMatchObject({
        items: 4,
        cache_hits: 0,
        judge_calls: 3,
        verdicts: { relevant: 2, not_relevant: 1, unjudged: 1 },
      });
      expect(testServer.requests).toHaveLength(3);

      const second = await judgeWithCache(judge, items, new StoreVerdictCache(store));
      expect(second.stats).toMatchObject({ cache_hits: 3, judge_calls: 1, verdicts: { relevant: 2, not_relevant: 1, unjudged: 1 } });
      expect(testServer.requests.slice(3).map((request) => request.candidateText)).toEqual(["flaky"]);
      expect(second.verdicts.map((verdict) => verdict.relevant)).toEqual([true, false, null, true]);

      // Another prompt version is another question: nothing is reused.
      const otherVersion = Object.assign(Object.create(judge) as LlmJudge, { version: "hardneg-judge-v0" });
      const third = await judgeWithCache(otherVersion, items.slice(0, 2), new StoreVerdictCache(store));
      expect(third.stats.cache_hits).toBe(0);
    },
  );
});
