import { HardnegError } from "./errors.js";

/**
 * Retries with exponential backoff and full jitter, for calls to remote engines and model APIs.
 * Generic on purpose: it knows nothing about any client; callers say what is transient.
 */

/** What a retried operation is told about the attempt it runs. */
export interface RetryAttempt {
  /** 0 for the first call, 1 for the first retry, ... */
  attempt: number;
}

/** Options of {@link withRetries}. */
export interface RetryOptions {
  /** Retries after the first call (so at most `retries + 1` calls). Default 4. */
  retries?: number;
  /** Delay cap before the first retry; doubles per retry. Default 250 ms. */
  baseDelayMs?: number;
  /** Upper bound of any single delay. Default 10 000 ms. */
  maxDelayMs?: number;
  /** Which failures are worth another try. Default {@link isTransientError}. */
  isTransient?: (error: unknown) => boolean;
  /**
   * A delay the server asked for (e.g. from a `Retry-After` header), used instead of the
   * backoff when it is longer. Default: none.
   */
  requestedDelayMs?: (error: unknown) => number | undefined;
  /** Called before each wait; for logging. Never receives credentials unless the error holds them. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Stops waiting and rethrows the last error when aborted. */
  signal?: AbortSignal;
  /** Waits `ms`; injectable so tests run without real time. Default: a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Source of jitter in [0, 1); injectable for deterministic tests. Default `Math.random`. */
  random?: () => number;
}

/**
 * Runs `operation`, retrying transient failures with exponential backoff and full jitter
 * (a uniformly random delay between 0 and `min(maxDelayMs, baseDelayMs * 2^retry)`, which
 * spreads out clients that failed together). A non-transient failure, or the last transient
 * one, is rethrown unchanged so the caller can map it to its own error type.
 */
export async function withRetries<T>(operation: (attempt: RetryAttempt) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  const isTransient = options.isTransient ?? isTransientError;
  const sleep = options.sleep ?? sleepFor;
  const random = options.random ?? Math.random;
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError(`retries must be a non-negative integer, got ${retries}`);
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation({ attempt });
    } catch (error) {
      if (attempt >= retries || !isTransient(error) || options.signal?.aborted === true) throw error;
      const backoff = backoffDelayMs(attempt, { baseDelayMs, maxDelayMs, random });
      const requested = options.requestedDelayMs?.(error);
      const delayMs = requested !== undefined && requested > backoff ? Math.min(requested, maxDelayMs) : backoff;
      options.onRetry?.({ attempt: attempt + 1, delayMs, error });
      try {
        await sleep(delayMs, options.signal);
      } catch {
        // Aborted while waiting: the caller wants the real failure, not the abort.
        throw error;
      }
    }
  }
}

/** The full-jitter delay before retry number `retry + 1` (0-based `retry`). */
export function backoffDelayMs(retry: number, options: { baseDelayMs: number; maxDelayMs: number; random?: () => number }): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.floor((options.random ?? Math.random)() * cap);
}

/**
 * The delay an HTTP `Retry-After` header asks for, in milliseconds: either delta-seconds
 * ("120", fractions accepted) or an HTTP date (a date in the past means "now", 0). Undefined
 * when the header is absent or unreadable, so the caller falls back to its own backoff.
 * Pass it to {@link RetryOptions.requestedDelayMs} through the error the operation throws.
 */
export function parseRetryAfterMs(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Only dates that carry letters (HTTP dates name the weekday or month); a bare "-1" is garbage.
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** HTTP statuses worth retrying: request timeout, too many requests, and server-side failures. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599 && status !== 501);
}

const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);
const TRANSIENT_NAMES = new Set(["TimeoutError", "ConnectionError", "NoLivingConnectionsError", "FetchError"]);

/**
 * A default guess at transience that works for most Node HTTP clients: an HTTP status
 * (`status`, `statusCode` or `meta.statusCode`) of 408, 429 or 5xx except 501, a socket or DNS
 * error code, or an error named like a timeout. The error's `cause` chain is followed, since
 * clients often wrap the socket error. Anything else (4xx, bad input, programming errors) is not,
 * and neither is a `HardnegError`: it is already a final verdict (a `ConnectionError` after its
 * own retries must not be retried again by an outer loop).
 */
export function isTransientError(error: unknown): boolean {
  if (HardnegError.isInstance(error)) return false;
  const seen = new Set<unknown>();
  for (let current = error; typeof current === "object" && current !== null && !seen.has(current); ) {
    seen.add(current);
    const record = current as Record<string, unknown>;
    const status = httpStatusOf(record);
    if (status !== undefined) return isTransientStatus(status);
    if (typeof record.code === "string" && TRANSIENT_CODES.has(record.code)) return true;
    if (typeof record.name === "string" && TRANSIENT_NAMES.has(record.name)) return true;
    current = record.cause;
  }
  return false;
}

function httpStatusOf(record: Record<string, unknown>): number | undefined {
  for (const value of [record.status, record.statusCode, (record.meta as Record<string, unknown> | undefined)?.statusCode]) {
    if (typeof value === "number" && Number.isInteger(value) && value >= 100 && value <= 599) return value;
  }
  return undefined;
}

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
