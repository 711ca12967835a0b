import { AuthError, BadOptionError, ConnectionError, HardnegError, scrubUrlSecrets } from "../errors.js";
import { isTransientError, isTransientStatus, parseRetryAfterMs, withRetries } from "../retry.js";
import { RequestLimiter } from "./request-limiter.js";

/** Connection options shared by the HTTP judges. */
export interface JudgeHttpOptions {
  /** Base URL of the API, e.g. "https://api.openai.com/v1" or "http://127.0.0.1:11434/v1". */
  baseUrl: string;
  /**
   * Bearer token. Default: `HARDNEG_JUDGE_API_KEY`, else `OPENAI_API_KEY`, else none (local servers
   * such as Ollama or vLLM need none). Never logged, never part of an error, a row or a cache record.
   */
  apiKey?: string;
  /** Requests in flight at once, across every `judge()` call of this judge. Default 4. */
  concurrency?: number;
  /** Time allowed for one request, answer body included, before it counts as a transient failure. Default 60 000 ms. */
  timeoutMs?: number;
  /** Retries of a request failing with 408, 429, 5xx, a timeout or a network error. Default 4. */
  retries?: number;
  /** Backoff delay cap before the first retry, doubled per retry (full jitter). Default 500 ms. */
  baseDelayMs?: number;
  /** Longest wait before a retry, `Retry-After` included. Default 30 000 ms. */
  maxDelayMs?: number;
  /** Called before each retry with the wait chosen (for progress output); never receives the key. */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
  /** Injectable fetch, for tests and proxies. Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/** The API key from the environment: `HARDNEG_JUDGE_API_KEY`, else `OPENAI_API_KEY`, else undefined. */
export function judgeApiKeyFromEnvironment(environment: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const name of ["HARDNEG_JUDGE_API_KEY", "OPENAI_API_KEY"]) {
    const value = environment[name];
    if (value !== undefined && value.trim() !== "") return value.trim();
  }
  return undefined;
}

/** The service refused one request for what it contained (400, 413, 422): that item stays unjudged. */
export class RejectedRequestError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(`HTTP ${status}${detail === "" ? "" : `: ${detail}`}`);
    this.name = "RejectedRequestError";
  }
}

/** An HTTP failure status, with the delay its `Retry-After` header asked for. */
class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
    readonly detail: string,
  ) {
    super(`HTTP ${status}`);
    this.name = "HttpStatusError";
  }
}

/** Longest piece of an error answer quoted in messages. */
const MAX_DETAIL_CHARACTERS = 200;

/**
 * POSTs JSON to one API with bounded concurrency, a per-request timeout and retries (exponential
 * backoff with full jitter, at least what `Retry-After` asks). The API key lives in a private
 * field and is scrubbed from any text taken from answers, so no message can carry it.
 */
export class JudgeHttpClient {
  readonly #apiKey: string | undefined;
  readonly #fetch: typeof fetch;
  private readonly baseUrl: string;
  private readonly limiter: RequestLimiter;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly onRetry: JudgeHttpOptions["onRetry"];
  /** HTTP requests sent so far, retries included. */
  requestsMade = 0;

  constructor(
    private readonly component: string,
    options: JudgeHttpOptions,
  ) {
    this.baseUrl = checkedBaseUrl(options.baseUrl);
    this.#apiKey = options.apiKey ?? judgeApiKeyFromEnvironment();
    this.#fetch = options.fetch ?? fetch;
    this.limiter = new RequestLimiter(options.concurrency ?? 4);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.retries = options.retries ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.onRetry = options.onRetry;
  }

  /**
   * POSTs `body` to `{baseUrl}/{path}` and returns the parsed JSON answer.
   *
   * @throws RejectedRequestError on 400, 413 or 422 (this request's content; the caller records it unjudged).
   * @throws AuthError on 401 or 403; BadOptionError ("--judge-base-url") on 404 or 405.
   * @throws ConnectionError when the service still fails after the retries, or answers something that is not JSON.
   */
  async postJson(path: string, body: unknown): Promise<unknown> {
    const url = `${this.baseUrl}/${path}`;
    try {
      return await this.limiter.run(() =>
        withRetries(() => this.attempt(url, body), {
          retries: this.retries,
          baseDelayMs: this.baseDelayMs,
          maxDelayMs: this.maxDelayMs,
          isTransient: (error) => (error instanceof HttpStatusError ? isTransientStatus(error.status) : isTransientError(error)),
          requestedDelayMs: (error) => (error instanceof HttpStatusError ? error.retryAfterMs : undefined),
          onRetry: ({ attempt, delayMs, error }) =>
            this.onRetry?.({
              attempt,
              delayMs,
              reason:
                error instanceof HttpStatusError
                  ? `HTTP ${error.status}`
                  : error instanceof Error && error.name === "TimeoutError"
                    ? "timeout"
                    : this.redact(describe(error)),
            }),
        }),
      );
    } catch (error) {
      throw this.finalError(error, url);
    }
  }

  private async attempt(url: string, body: unknown): Promise<unknown> {
    this.requestsMade++;
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
    if (this.#apiKey !== undefined) headers["authorization"] = `Bearer ${this.#apiKey}`;
    const response = await this.#fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new HttpStatusError(
        response.status,
        parseRetryAfterMs(response.headers.get("retry-after")),
        this.redact(text).slice(0, MAX_DETAIL_CHARACTERS),
      );
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // A proxy's HTML error page with status 200: the service is not answering as it should.
      throw new ConnectionError(
        `POST ${url} answered with something that is not JSON: ${JSON.stringify(this.redact(text).slice(0, MAX_DETAIL_CHARACTERS))}`,
        { component: this.component },
      );
    }
  }

  private finalError(error: unknown, url: string): Error {
    const options = { component: this.component };
    if (error instanceof HttpStatusError) {
      const detail = error.detail === "" ? "" : ` (${error.detail})`;
      if (error.status === 400 || error.status === 413 || error.status === 422) return new RejectedRequestError(error.status, error.detail);
      if (error.status === 401 || error.status === 403) {
        return new AuthError(
          `POST ${url} refused the credentials (HTTP ${error.status})${detail}; ` +
            `set HARDNEG_JUDGE_API_KEY (or OPENAI_API_KEY) to a valid key`,
          options,
        );
      }
      if (error.status === 404 || error.status === 405) {
        return new BadOptionError(
          "--judge-base-url",
          `POST ${url} answered HTTP ${error.status}${detail}; ` +
            `check the base URL (OpenAI-compatible APIs usually end in /v1) and the model name`,
          options,
        );
      }
      return new ConnectionError(`POST ${url} failed with HTTP ${error.status} after ${this.retries + 1} attempts${detail}`, options);
    }
    if (HardnegError.isInstance(error)) return error;
    const reason = error instanceof Error && error.name === "TimeoutError" ? `timed out after ${this.timeoutMs} ms` : describe(error);
    return new ConnectionError(`POST ${url} failed after ${this.retries + 1} attempts: ${this.redact(reason)}`, {
      ...options,
      cause: error,
    });
  }

  /**
   * Removes the API key from text quoted from the service (a proxy may echo request headers),
   * and the secrets of any URL in it (a proxy may echo the upstream URL with its credentials).
   */
  redact(text: string): string {
    return scrubUrlSecrets(this.#apiKey === undefined || this.#apiKey === "" ? text : text.split(this.#apiKey).join("[redacted]"));
  }
}

function checkedBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new BadOptionError("--judge-base-url", `"${baseUrl}" is not a URL; e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new BadOptionError("--judge-base-url", `must be an http(s) URL, got ${url.protocol}`);
  if (url.username !== "" || url.password !== "") {
    // Credentials in the URL would end up in every message quoting it; the key has its own variable.
    throw new BadOptionError("--judge-base-url", "must not contain credentials; put the key in HARDNEG_JUDGE_API_KEY");
  }
  return url.toString().replace(/\/+$/, "");
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.message}${cause}`;
}
