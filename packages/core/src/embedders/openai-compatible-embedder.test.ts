import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HardnegError } from "../errors.js";
import { OpenAiCompatibleEmbedder, type OpenAiCompatibleEmbedderOptions } from "./openai-compatible-embedder.js";

/** What the server saw of one request. */
interface SeenRequest {
  path: string;
  authorization: string | undefined;
  model: string;
  input: string[];
}

/** A deterministic fake model: the vector of a text is [length, code of its first character, 1]. */
function vectorOf(text: string): number[] {
  return [text.length, text.charCodeAt(0) || 0, 1];
}

/** A small server speaking OpenAI's embeddings protocol, with scripted failures. */
class EmbeddingsServer {
  readonly seen: SeenRequest[] = [];
  /** Status codes to answer with before answering normally, one per request. */
  failures: Array<{ status: number; headers?: Record<string, string>; body?: string }> = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    this.server?.close();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body = "";
    for await (const chunk of request) body += chunk;
    const parsed = JSON.parse(body) as { model: string; input: string[] };
    this.seen.push({ path: request.url ?? "", authorization: request.headers.authorization, model: parsed.model, input: parsed.input });
    const failure = this.failures.shift();
    if (failure !== undefined) {
      response.writeHead(failure.status, { "content-type": "application/json", ...failure.headers });
      response.end(failure.body ?? JSON.stringify({ error: { message: "scripted failure" } }));
      return;
    }
    // Answer in reverse order with explicit indexes, as servers may: the client must reorder.
    const data = parsed.input.map((text, index) => ({ object: "embedding", index, embedding: vectorOf(text) })).reverse();
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ object: "list", data, model: parsed.model }));
  }
}

const server = new EmbeddingsServer();
let baseUrl = "";
const cacheFolder = mkdtempSync(join(tmpdir(), "hardneg-openai-embedder-"));
const noWait = { sleep: async () => {} };

beforeAll(async () => {
  baseUrl = await server.start();
});
afterAll(async () => {
  await server.stop();
  rmSync(cacheFolder, { recursive: true, force: true });
});
beforeEach(() => {
  server.seen.length = 0;
  server.failures = [];
});

function embedder(options: Partial<OpenAiCompatibleEmbedderOptions> = {}): OpenAiCompatibleEmbedder {
  return new OpenAiCompatibleEmbedder({ model: "fake-embed", baseUrl, cache: false, apiKey: "sk-test-secret", retry: noWait, ...options });
}

describe("protocol (local embeddings server): OpenAiCompatibleEmbedder", () => {
  it("posts batches to {baseUrl}/embeddings with the bearer key and returns vectors in input order", async () => {
    const client = embedder({ batchSize: 2 });
    const texts = ["alpha", "be", "gamma ray", "d", "epsilon"];
    const vectors = await client.embedDocuments(texts);
    expect(vectors.map((vector) => [...vector])).toEqual(texts.map(vectorOf));
    expect(server.seen).toHaveLength(3);
    for (const request of server.seen) {
      expect(request.path).toBe("/v1/embeddings");
      expect(request.authorization).toBe("Bearer sk-test-secret");
      expect(request.model).toBe("fake-embed");
      expect(request.input.length).toBeLessThanOrEqual(2);
    }
    expect(client.dimension).toBe(3);
  });

  it("applies query and document prefixes, and sends each distinct text once", async () => {
    const client = embedder({ queryPrefix: "query: ", documentPrefix: "passage: " });
    await client.embedQueries(["x", "x", "y"]);
    await client.embedDocuments(["x"]);
    expect(server.seen.flatMap((request) => request.input).sort()).toEqual(["passage: x", "query: x", "query: y"]);
    expect(client.id).toMatch(/#prefixes=/);
  });

  it("reads the key from HARDNEG_EMBEDDER_API_KEY, else OPENAI_API_KEY", async () => {
    const saved = { hardneg: process.env["HARDNEG_EMBEDDER_API_KEY"], openai: process.env["OPENAI_API_KEY"] };
    try {
      delete process.env["HARDNEG_EMBEDDER_API_KEY"];
      process.env["OPENAI_API_KEY"] = "sk-from-openai-variable";
      await embedder({ apiKey: undefined }).embedQueries(["a"]);
      process.env["HARDNEG_EMBEDDER_API_KEY"] = "sk-from-hardneg-variable";
      await embedder({ apiKey: undefined }).embedQueries(["a"]);
      expect(server.seen.map((request) => request.authorization)).toEqual([
        "Bearer sk-from-openai-variable",
        "Bearer sk-from-hardneg-variable",
      ]);
    } finally {
      for (const [name, value] of [
        ["HARDNEG_EMBEDDER_API_KEY", saved.hardneg],
        ["OPENAI_API_KEY", saved.openai],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it("retries 503 and 429 (honouring Retry-After), then succeeds", async () => {
    server.failures = [{ status: 503 }, { status: 429, headers: { "retry-after": "0" } }];
    const vectors = await embedder().embedQueries(["retry me"]);
    expect([...vectors[0]!]).toEqual(vectorOf("retry me"));
    expect(server.seen).toHaveLength(3);
  });

  it("gives up after the configured retries with a ConnectionError", async () => {
    server.failures = [{ status: 500 }, { status: 500 }, { status: 500 }];
    const error = await embedder({ retry: { ...noWait, retries: 2 } })
      .embedQueries(["x"])
      .catch((caught: unknown) => caught);
    expect(HardnegError.isInstance(error) && error.code).toBe("CONNECTION");
    expect(server.seen).toHaveLength(3);
  });

  it("does not retry a refused key, and never puts the key in the message", async () => {
    server.failures = [{ status: 401, body: JSON.stringify({ error: { message: "Incorrect API key provided: sk-test-secret" } }) }];
    const error = await embedder()
      .embedQueries(["x"])
      .catch((caught: unknown) => caught);
    expect(HardnegError.isInstance(error) && error.code).toBe("AUTH");
    expect(String((error as Error).message)).not.toContain("sk-test-secret");
    expect(String((error as Error).message)).toMatch(/HARDNEG_EMBEDDER_API_KEY/);
    expect(server.seen).toHaveLength(1);
  });

  it("names the model when the server rejects it (404)", async () => {
    server.failures = [{ status: 404, body: "model not found" }];
    const error = await embedder()
      .embedQueries(["x"])
      .catch((caught: unknown) => caught);
    expect(HardnegError.isInstance(error) && error.code).toBe("BAD_OPTION");
    expect((error as Error).message).toMatch(/fake-embed/);
  });

  it("reports an unreachable server as a ConnectionError", async () => {
    const error = await embedder({ baseUrl: "http://127.0.0.1:9/v1", retry: { ...noWait, retries: 1 } })
      .embedQueries(["x"])
      .catch((caught: unknown) => caught);
    expect(HardnegError.isInstance(error) && error.code).toBe("CONNECTION");
  });

  it("caches on disk: a second embedder with the same id asks the server for nothing", async () => {
    const first = embedder({ cache: { directory: cacheFolder } });
    await first.embedDocuments(["cached one", "cached two"]);
    first.close();
    expect(server.seen).toHaveLength(1);
    const second = embedder({ cache: { directory: cacheFolder } });
    const vectors = await second.embedDocuments(["cached two", "cached one"]);
    expect(vectors.map((vector) => [...vector])).toEqual([vectorOf("cached two"), vectorOf("cached one")]);
    expect(server.seen).toHaveLength(1);
    expect(second.usage).toEqual({ embedded: 0, cached: 2 });
    second.close();
  });

  it("refuses a base URL carrying credentials or a key, without quoting the secret", () => {
    for (const secretUrl of [
      "http://user:pw-secret-1@127.0.0.1:1/v1",
      "http://127.0.0.1:1/v1?api_key=pw-secret-1",
      "https://host.example/v1?key=pw-secret-1&x=1",
    ]) {
      let error: unknown;
      try {
        new OpenAiCompatibleEmbedder({ model: "m", baseUrl: secretUrl, cache: false });
      } catch (caught) {
        error = caught;
      }
      expect(HardnegError.isInstance(error) && error.code).toBe("BAD_OPTION");
      expect((error as Error).message).toMatch(/must not contain credentials or a key; put the key in HARDNEG_EMBEDDER_API_KEY/);
      expect((error as Error).message).not.toContain("pw-secret-1");
    }
    expect(new OpenAiCompatibleEmbedder({ model: "m", baseUrl: "http://127.0.0.1:1/v1", cache: false }).id).toBe(
      "openai:m@http://127.0.0.1:1/v1",
    );
  });

  it("scrubs URL secrets a failing server echoes into its answer", async () => {
    server.failures = [{ status: 500, body: "upstream http://admin:hunter2-echo@10.0.0.1/x?token=tk-echo failed" }];
    const error = await embedder({ retry: { ...noWait, retries: 0 } })
      .embedQueries(["x"])
      .catch((caught: unknown) => caught);
    expect(HardnegError.isInstance(error) && error.code).toBe("CONNECTION");
    expect((error as Error).message).toContain("upstream http://***@10.0.0.1/x?token=*** failed");
    expect((error as Error).message).not.toMatch(/hunter2-echo|tk-echo/);
  });
});
