/**
 * A tiny HTTP server on 127.0.0.1 that answers from fixtures and records each request, so an
 * adapter's real engine client can be run against documented response shapes in offline
 * mapping tests. Not an engine: it knows nothing but the routes a test gives it.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the fixture server received it. */
export interface RecordedRequest {
  /** HTTP method, e.g. "POST". */
  method: string;
  /** Path with its query string, e.g. "/coffee/_search?size=1". */
  path: string;
  headers: IncomingMessage["headers"];
  /** Parsed JSON body; NDJSON bodies (such as Elasticsearch's _msearch, _bulk) become an array of lines. Undefined when empty. */
  body: unknown;
}

/** What a route answers. */
export interface FixtureResponse {
  /** Default 200. */
  status?: number;
  /** Sent as JSON (`application/json`). Default: an empty body. */
  body?: unknown;
  /** A non-JSON body sent as is, as `text/plain` (some engines' errors are plain text); wins over `body`. */
  text?: string;
  /** Extra response headers; they win over the server's default headers. */
  headers?: Record<string, string>;
}

/** Answers a request; return undefined to fall through to the next route. */
export type Route = (request: RecordedRequest) => FixtureResponse | undefined;

/** A started fixture server. */
export interface FixtureServer {
  /** Base URL, e.g. "http://127.0.0.1:41234". */
  url: string;
  /** Every request received so far, in order. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 (a free port) whose responses come from `routes`, tried in
 * order; unmatched requests get a 500 naming method and path. `defaultHeaders` go on every
 * response (default none), e.g. the product header a client checks.
 */
export async function startFixtureServer(routes: Route[], defaultHeaders: Record<string, string> = {}): Promise<FixtureServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const request: RecordedRequest = {
        method: incoming.method ?? "GET",
        path: incoming.url ?? "/",
        headers: incoming.headers,
        body: parseBody(text),
      };
      requests.push(request);
      const response = routes.reduce<FixtureResponse | undefined>((found, route) => found ?? route(request), undefined) ?? {
        status: 500,
        body: { error: { type: "fixture_server", reason: `no fixture for ${request.method} ${request.path}` } },
      };
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
    // Not one JSON value: newline-delimited JSON, one value per line.
    return text
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line));
  }
}

/**
 * A route matching `method` ("*" for any) and `path` (compared without the query string: equal
 * to a string, or tested by a RegExp), answering `response` (or a function of the request).
 */
export function on(
  method: string,
  path: string | RegExp,
  response: FixtureResponse | ((request: RecordedRequest) => FixtureResponse),
): Route {
  return (request) => {
    const pathOnly = request.path.split("?")[0]!;
    const matches = (method === "*" || request.method === method) && (typeof path === "string" ? pathOnly === path : path.test(pathOnly));
    if (!matches) return undefined;
    return typeof response === "function" ? response(request) : response;
  };
}

/** A route answering the first `count` requests `route` matches, then falling through (e.g. one 429, then success). */
export function times(count: number, route: Route): Route {
  let left = count;
  return (request) => {
    if (left <= 0) return undefined;
    const answer = route(request);
    if (answer !== undefined) left--;
    return answer;
  };
}
