/**
 * A tiny HTTP server on 127.0.0.1 that answers from fixtures and records each request, so the
 * real weaviate-client can be run against documented REST response shapes.
 * Not a Weaviate: it knows nothing but the routes a test gives it.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  /** Parsed JSON body; NDJSON bodies (_msearch, _bulk) become an array of lines. */
  body: unknown;
}

export interface FixtureResponse {
  status?: number;
  body?: unknown;
  /** A non-JSON body sent as is (some errors are plain text). */
  text?: string;
  headers?: Record<string, string>;
}

/** Answers a request; return undefined to fall through to the next route. */
export type Route = (request: RecordedRequest) => FixtureResponse | undefined;

export interface FixtureServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a server whose responses come from `routes`, tried in order; unmatched requests get a 500. */
export async function startFixtureServer(routes: Route[], defaultHeaders: Record<string, string> = {}): Promise<FixtureServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const request: RecordedRequest = { method: incoming.method ?? "GET", path: incoming.url ?? "/", headers: incoming.headers, body: parseBody(text) };
      requests.push(request);
      const response = routes.reduce<FixtureResponse | undefined>((found, route) => found ?? route(request), undefined)
        ?? { status: 500, body: { error: { type: "fixture_server", reason: `no fixture for ${request.method} ${request.path}` } } };
      const payload = response.text ?? (response.body === undefined ? "" : JSON.stringify(response.body));
      const contentType = response.text === undefined ? "application/json" : "text/plain";
      outgoing.writeHead(response.status ?? 200, { "content-type": contentType, ...defaultHeaders, ...response.headers });
      outgoing.end(request.method === "HEAD" ? undefined : payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
  }
}

/** A route matching method and path (a string prefix up to "?" or a RegExp), answering `response` (or a function of the request). */
export function on(method: string, path: string | RegExp, response: FixtureResponse | ((request: RecordedRequest) => FixtureResponse)): Route {
  return (request) => {
    const pathOnly = request.path.split("?")[0]!;
    const matches = (method === "*" || request.method === method) && (typeof path === "string" ? pathOnly === path : path.test(pathOnly));
    if (!matches) return undefined;
    return typeof response === "function" ? response(request) : response;
  };
}

/** A route answering the first `times` matching requests with `response`, then falling through. */
export function times(count: number, route: Route): Route {
  let left = count;
  return (request) => {
    if (left <= 0) return undefined;
    const answer = route(request);
    if (answer !== undefined) left--;
    return answer;
  };
}
