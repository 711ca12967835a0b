import { createHash } from "node:crypto";
import { AuthError, BadOptionError, ConnectionError, HardnegError, scrubUrlSecrets, urlHasSecrets } from "../errors.js";
import { isTransientError, parseRetryAfterMs, withRetries, type RetryOptions } from "../retry.js";
import { CachedEmbedding } from "./cached-embedding.js";
import { CachingEmbedder } from "./caching-embedder.js";
import type { EmbedderBaseOptions } from "./embedder.js";

const COMPONENT = "openai-embedder";

/** Environment variables read, in order, for the API key. */
export const EMBEDDER_API_KEY_VARIABLES = ["HARDNEG_EMBEDDER_API_KEY", "OPENAI_API_KEY"] as const;

/** Options of {@link OpenAiCompatibleEmbedder}. */
export interface OpenAiCompatibleEmbedderOptions extends EmbedderBaseOptions {
  /** Model name the server knows, e.g. "text-embedding-3-small" or "nomic-embed-text". */
  model: string;
  /**
   * Base URL of the API, without `/embeddings`. Default "https://api.openai.com/v1". Ollama:
   * "http://127.0.0.1:11434/v1"; vLLM, TEI and LM Studio likewise serve `/v1`. Must not carry
   * credentials (`user:password@`) or a key in its query (`?api_key=`): the key is `apiKey`.
   */
  baseUrl?: string;
  /**
   * API key, sent as a bearer token. Default: `HARDNEG_EMBEDDER_API_KEY`, else `OPENAI_API_KEY`
   * from the environment; none for local servers that need none. Never logged or recorded.
   */
  apiKey?: string;
  /** Requested vector length (`dimensions`, for models that support shortening). Default: the model's. */
  dimensions?: number;
  /** Per-request timeout. Default 60 000 ms. */
  timeoutMs?: number;
  /** Retries of transient failures (network errors, 408, 429, 5xx). Default: `withRetries`' (4 retries). */
  retry?: Omit<RetryOptions, "isTransient" | "requestedDelayMs">;
  /** The fetch to use (tests, proxies). Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/** An HTTP answer that is not 2xx, kept apart from network errors so retries can read its status. */
class EmbeddingHttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${status}`);
  }
}

/**
 * Embeddings from any server speaking OpenAI's `POST {baseUrl}/embeddings` (OpenAI, Ollama,
 * vLLM, Text Embeddings Inference, LM Studio, ...): batched (default 64 texts per request, 4
 * requests in flight), retried on transient failures, cached on disk.
 */
export class OpenAiCompatibleEmbedder extends CachingEmbedder {
  readonly id: string;
  protected readonly embedding: CachedEmbedding;
  private readonly endpoint: string;
  private readonly apiKey: string | undefined;

  constructor(private readonly options: OpenAiCompatibleEmbedderOptions) {
    super();
    if (typeof options?.model !== "string" || options.model.trim() === "")
      throw new BadOptionError("model", "name the embedding model, e.g. openai:text-embedding-3-small", { component: COMPONENT });
    const baseUrl = (options.baseUrl ?? "https://api.openai.com/v1").replace(/\/+$/, "");
    let url: URL;
    try {
      url = new URL(`${baseUrl}/embeddings`);
    } catch (cause) {
      throw new BadOptionError("baseUrl", `is not a URL: ${JSON.stringify(baseUrl)}`, { component: COMPONENT, cause });
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new BadOptionError("baseUrl", "must be an http(s) URL", { component: COMPONENT });
    if (urlHasSecrets(url)) {
      // A secret in the URL would travel into every message quoting it; the key has its own option and variables.
      throw new BadOptionError(
        "baseUrl",
        `must not contain credentials or a key; put the key in ${EMBEDDER_API_KEY_VARIABLES.join(" or ")}`,
        { component: COMPONENT },
      );
    }
    if (options.dimensions !== undefined && (!Number.isInteger(options.dimensions) || options.dimensions < 1)) {
      throw new BadOptionError("dimensions", `must be a whole number of at least 1, got ${String(options.dimensions)}`, {
        component: COMPONENT,
      });
    }
    this.endpoint = url.href;
    this.apiKey =
      options.apiKey ?? EMBEDDER_API_KEY_VARIABLES.map((name) => process.env[name]).find((value) => value !== undefined && value !== "");
    this.currentDimension = options.dimensions ?? 0;
    // The id names the server (the URL carries no secret: refused above) and everything that changes the vectors.
    const server = url.href.replace(/\/embeddings$/, "");
    this.id =
      `openai:${options.model}${options.dimensions === undefined ? "" : `:${options.dimensions}`}` + `@${server}${prefixSuffix(options)}`;
    this.embedding = new CachedEmbedding(this.id, options, { batchSize: 64, concurrency: 4 }, (texts) => this.request(texts));
  }

  close(): void {
    this.embedding.close();
  }

  private async request(texts: string[]): Promise<Float32Array[]> {
    const fetchFunction = this.options.fetch ?? fetch;
    const body = JSON.stringify({
      model: this.options.model,
      input: texts,
      encoding_format: "float",
      ...(this.options.dimensions === undefined ? {} : { dimensions: this.options.dimensions }),
    });
    try {
      return await withRetries(
        async () => {
          const response = await fetchFunction(this.endpoint, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              ...(this.apiKey === undefined ? {} : { authorization: `Bearer ${this.apiKey}` }),
            },
            body,
            signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
          });
          const text = await response.text();
          if (!response.ok)
            throw new EmbeddingHttpError(response.status, text.slice(0, 300), parseRetryAfterMs(response.headers.get("retry-after")));
          return this.vectorsOf(text, texts.length);
        },
        {
          ...this.options.retry,
          isTransient: isTransientError,
          requestedDelayMs: (error) => (error instanceof EmbeddingHttpError ? error.retryAfterMs : undefined),
        },
      );
    } catch (error) {
      throw this.finalError(error);
    }
  }

  private vectorsOf(text: string, count: number): Float32Array[] {
    let parsed: { data?: Array<{ embedding?: unknown; index?: unknown }> };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch (cause) {
      throw new ConnectionError(`${this.endpoint} answered with something that is not JSON`, { component: COMPONENT, cause });
    }
    const data = parsed?.data;
    if (!Array.isArray(data) || data.length !== count) {
      throw new ConnectionError(`${this.endpoint} returned ${Array.isArray(data) ? data.length : "no"} embeddings for ${count} texts`, {
        component: COMPONENT,
      });
    }
    const vectors: Float32Array[] = new Array(count);
    data.forEach((item, position) => {
      const index = typeof item?.index === "number" ? item.index : position;
      const embedding = item?.embedding;
      if (
        !Array.isArray(embedding) ||
        embedding.length === 0 ||
        embedding.some((value) => typeof value !== "number") ||
        index < 0 ||
        index >= count
      ) {
        throw new ConnectionError(`${this.endpoint} returned a malformed embedding at position ${position}`, { component: COMPONENT });
      }
      vectors[index] = Float32Array.from(embedding as number[]);
    });
    const dimension = vectors[0]?.length ?? 0;
    if (vectors.some((vector) => vector === undefined || vector.length !== dimension)) {
      throw new ConnectionError(`${this.endpoint} returned embeddings of different lengths`, { component: COMPONENT });
    }
    if (this.currentDimension !== 0 && this.currentDimension !== dimension) {
      throw new ConnectionError(`${this.endpoint} returned ${dimension}-dimensional embeddings, expected ${this.currentDimension}`, {
        component: COMPONENT,
      });
    }
    this.currentDimension = dimension;
    return vectors;
  }

  /** Maps the last failure to a typed error whose message never carries the API key. */
  private finalError(error: unknown): HardnegError {
    if (HardnegError.isInstance(error)) return error;
    // Servers and proxies may echo the request: the key, or a URL with secrets, must not reach the message.
    const redact = (text: string) =>
      scrubUrlSecrets(this.apiKey === undefined || this.apiKey === "" ? text : text.split(this.apiKey).join("***"));
    if (error instanceof EmbeddingHttpError) {
      const detail = redact(error.detail.replace(/\s+/g, " ").trim());
      const said = detail === "" ? "" : `: ${detail}`;
      if (error.status === 401 || error.status === 403) {
        return new AuthError(
          `${this.endpoint} refused the request (HTTP ${error.status}); set ${EMBEDDER_API_KEY_VARIABLES.join(" or ")}${said}`,
          { component: COMPONENT },
        );
      }
      if (error.status === 400 || error.status === 404 || error.status === 422) {
        return new BadOptionError(
          "embedder",
          `${this.endpoint} rejected model "${this.options.model}" or its input ` +
            `(HTTP ${error.status}); check the model name and base URL${said}`,
          { component: COMPONENT },
        );
      }
      return new ConnectionError(`${this.endpoint} failed with HTTP ${error.status} after retries${said}`, { component: COMPONENT });
    }
    const message =
      error instanceof Error ? redact(error.message + (error.cause instanceof Error ? ` (${error.cause.message})` : "")) : "unknown error";
    return new ConnectionError(`could not reach ${this.endpoint}: ${message}`, { component: COMPONENT });
  }
}

/** Id suffix for prefixes: they change the vectors, so they are part of what identifies them. */
export function prefixSuffix(options: EmbedderBaseOptions): string {
  const query = options.queryPrefix ?? "";
  const document = options.documentPrefix ?? "";
  if (query === "" && document === "") return "";
  return `#prefixes=${createHash("sha256").update(`${query}\u0000${document}`).digest("hex").slice(0, 12)}`;
}
