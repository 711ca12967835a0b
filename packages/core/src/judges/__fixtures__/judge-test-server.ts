import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";

/**
 * A small HTTP server on 127.0.0.1 that speaks the two judge protocols (OpenAI chat completions
 * and the Cohere-style `/rerank`), answering from a fixed table, for the "protocol" tests. No real
 * model is reachable from CI; this checks that hardneg speaks the protocol and survives its
 * failure modes (malformed answers, 429 with Retry-After, 500s, timeouts).
 */

/**
 * A request body as JSON-parsed: the fields the server and the tests read, for chat completions
 * (model, messages) and rerank (query with documents, or TEI's texts).
 */
export interface JudgeRequestBody {
  model?: string;
  messages?: { role: string; content: string }[];
  query?: string;
  documents?: string[];
  texts?: string[];
  [key: string]: unknown;
}

/** A request as the server received it. */
export interface RecordedRequest {
  path: string;
  authorization: string | undefined;
  body: JudgeRequestBody;
  /** Chat: the candidate text shown in the prompt; rerank: undefined. */
  candidateText?: string;
  /** Chat: the query text shown in the prompt; rerank: undefined. */
  queryText?: string;
}

/** What the server does with one request instead of its table answer. */
export type ScriptedAction =
  | { status: number; body?: string; headers?: Record<string, string> }
  /** Answer 200 with this chat content (e.g. malformed JSON). */
  | { content: string }
  /** Never answer (the client's timeout must fire). */
  | { hang: true };

export interface JudgeTestServerOptions {
  /** Whether a candidate text is relevant; default {@link relevantByTable}. */
  relevant?: (candidateText: string, queryText: string) => boolean;
  /** Delay before every table answer, so concurrent requests overlap. Default 0. */
  answerDelayMs?: number;
  /** Consulted first for each request (0-based index over all requests); undefined = table answer. */
  script?: (index: number, request: RecordedRequest) => ScriptedAction | undefined;
}

export interface JudgeTestServer {
  /** Base URL to give the judge, e.g. "http://127.0.0.1:40123/v1". */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Requests whose answer was a verdict from the table (what a real provider would bill). */
  answered: number;
  /** Most requests in flight at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

/**
 * The fixed table: a candidate is relevant when the first byte of the SHA-256 of its text is below
 * 0x40 (about a quarter of candidates), so tests can recompute every verdict from a row's text.
 */
export function relevantByTable(candidateText: string): boolean {
  return createHash("sha256").update(candidateText, "utf8").digest()[0]! < 0x40;
}

/**
 * For a test file: registers (vitest `afterEach`) the closing of every server started through
 * the returned function, so each test starts the servers it needs and none outlives its test.
 */
export function useJudgeTestServers(): (options?: JudgeTestServerOptions) => Promise<JudgeTestServer> {
  const servers: JudgeTestServer[] = [];
  afterEach(async () => {
    while (servers.length > 0) await servers.pop()!.close();
  });
  return async (options = {}) => {
    const started = await startJudgeTestServer(options);
    servers.push(started);
    return started;
  };
}

/** Reranker scores of the table: gold-like 0.9 for relevant candidates and for golds, 0.2 otherwise. */
export const RELEVANT_SCORE = 0.95;
export const NOT_RELEVANT_SCORE = 0.2;

export async function startJudgeTestServer(options: JudgeTestServerOptions = {}): Promise<JudgeTestServer> {
  const relevant = options.relevant ?? relevantByTable;
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const state = { answered: 0, inFlight: 0, maxInFlight: 0 };

  const server = createServer(async (incoming: IncomingMessage, response: ServerResponse) => {
    const text = await readBody(incoming);
    let body: JudgeRequestBody;
    try {
      body = JSON.parse(text) as JudgeRequestBody;
    } catch {
      return send(response, 400, JSON.stringify({ error: { message: "body is not JSON" } }));
    }
    const path = incoming.url ?? "";
    const request: RecordedRequest = { path, authorization: incoming.headers.authorization, body };
    if (path.endsWith("/chat/completions")) {
      const user = String(body.messages?.find((message: { role: string }) => message.role === "user")?.content ?? "");
      request.candidateText = between(user, "Candidate document:\n", "\n\nIs the candidate relevant");
      request.queryText = between(user, "Query:\n", "\n\nGold document");
    }
    const index = requests.length;
    requests.push(request);
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    response.on("close", () => {
      state.inFlight--;
    });
    const action = options.script?.(index, request);
    if (action !== undefined) {
      if ("hang" in action) return void hanging.add(response);
      if ("content" in action) return send(response, 200, chatAnswer(action.content));
      return send(
        response,
        action.status,
        action.body ?? JSON.stringify({ error: { message: `scripted ${action.status}` } }),
        action.headers,
      );
    }
    if (options.answerDelayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, options.answerDelayMs));
    if (path.endsWith("/chat/completions")) {
      const isRelevant = relevant(request.candidateText ?? "", request.queryText ?? "");
      state.answered++;
      return send(
        response,
        200,
        chatAnswer(JSON.stringify({ relevant: isRelevant, reason: isRelevant ? "answers the query like the gold" : "different topic" })),
      );
    }
    if (path.endsWith("/rerank")) {
      const documents: string[] = body.documents ?? body.texts ?? [];
      state.answered++;
      // The first document is a gold in hardneg's requests: the table scores golds as relevant.
      const results = documents.map((document, documentIndex) => ({
        index: documentIndex,
        relevance_score: documentIndex === 0 || relevant(document, String(body.query)) ? RELEVANT_SCORE : NOT_RELEVANT_SCORE,
      }));
      return send(response, 200, JSON.stringify({ results: results.sort((left, right) => right.relevance_score - left.relevance_score) }));
    }
    return send(response, 404, JSON.stringify({ error: { message: `no route ${path}` } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    get answered() {
      return state.answered;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function chatAnswer(content: string): string {
  return JSON.stringify({
    id: "chatcmpl-test",
    object: "chat.completion",
    choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content } }],
  });
}

function send(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(body);
}

function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start);
  if (from === -1) return "";
  const to = text.indexOf(end, from + start.length);
  return text.slice(from + start.length, to === -1 ? undefined : to);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
