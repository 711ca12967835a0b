import { describe, expect, it } from "vitest";
import { ConnectionError } from "./errors.js";
import { backoffDelayMs, isTransientError, isTransientStatus, parseRetryAfterMs, withRetries } from "./retry.js";

/** A sleep that records the delays asked for and returns at once: tests never wait on time. */
function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: async (ms) => void delays.push(ms) };
}

function httpError(status: number): Error {
  return Object.assign(new Error(`HTTP ${status}`), { status });
}

describe("withRetries", () => {
  it("returns the first success and passes the attempt number", async () => {
    const { sleep, delays } = recordingSleep();
    const seen: number[] = [];
    const result = await withRetries(
      async ({ attempt }) => {
        seen.push(attempt);
        if (attempt < 2) throw httpError(503);
        return "ok";
      },
      { sleep, random: () => 0.5 },
    );
    expect(result).toBe("ok");
    expect(seen).toEqual([0, 1, 2]);
    expect(delays).toHaveLength(2);
  });

  it("rethrows the last transient error unchanged after `retries` retries", async () => {
    const { sleep } = recordingSleep();
    let calls = 0;
    const failure = httpError(429);
    await expect(
      withRetries(
        async () => {
          calls++;
          throw failure;
        },
        { retries: 3, sleep },
      ),
    ).rejects.toBe(failure);
    expect(calls).toBe(4);
  });

  it("does not retry a non-transient error", async () => {
    const { sleep, delays } = recordingSleep();
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw httpError(401);
        },
        { sleep },
      ),
    ).rejects.toThrow("HTTP 401");
    expect(calls).toBe(1);
    expect(delays).toEqual([]);
  });

  it("uses the caller's isTransient", async () => {
    const { sleep } = recordingSleep();
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw new Error("flaky");
        },
        { retries: 2, sleep, isTransient: (error) => (error as Error).message === "flaky" },
      ),
    ).rejects.toThrow("flaky");
    expect(calls).toBe(3);
  });

  it("doubles the delay cap per retry, bounded by maxDelayMs (random = 1 - epsilon gives the cap)", async () => {
    const { sleep, delays } = recordingSleep();
    await expect(
      withRetries(
        async () => {
          throw httpError(500);
        },
        { retries: 5, baseDelayMs: 100, maxDelayMs: 1000, sleep, random: () => 0.999999 },
      ),
    ).rejects.toThrow();
    expect(delays).toEqual([99, 199, 399, 799, 999]);
  });

  it("waits at least a delay the server requested, within maxDelayMs", async () => {
    const { sleep, delays } = recordingSleep();
    await expect(
      withRetries(
        async () => {
          throw httpError(429);
        },
        { retries: 2, sleep, random: () => 0, requestedDelayMs: () => 3000, maxDelayMs: 2000 },
      ),
    ).rejects.toThrow();
    expect(delays).toEqual([2000, 2000]);
  });

  it("stops retrying once the signal is aborted", async () => {
    const controller = new AbortController();
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          controller.abort();
          throw httpError(503);
        },
        { signal: controller.signal, sleep: async () => {} },
      ),
    ).rejects.toThrow("HTTP 503");
    expect(calls).toBe(1);
  });

  it("reports each retry to onRetry", async () => {
    const reported: number[] = [];
    await expect(
      withRetries(
        async () => {
          throw httpError(502);
        },
        { retries: 2, sleep: async () => {}, onRetry: ({ attempt }) => void reported.push(attempt) },
      ),
    ).rejects.toThrow();
    expect(reported).toEqual([1, 2]);
  });

  it("refuses a negative retry count", async () => {
    await expect(withRetries(async () => 1, { retries: -1 })).rejects.toThrow(RangeError);
  });
});

describe("backoffDelayMs", () => {
  it("is zero with random 0 and below the cap otherwise", () => {
    expect(backoffDelayMs(3, { baseDelayMs: 100, maxDelayMs: 10_000, random: () => 0 })).toBe(0);
    for (let retry = 0; retry < 20; retry++) {
      const delay = backoffDelayMs(retry, { baseDelayMs: 100, maxDelayMs: 5000 });
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(5000, 100 * 2 ** retry));
    }
  });
});

describe("isTransientError", () => {
  it("classifies HTTP statuses", () => {
    expect([408, 429, 500, 502, 503, 504].every(isTransientStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 501].some(isTransientStatus)).toBe(false);
  });

  it("reads status, statusCode and meta.statusCode", () => {
    expect(isTransientError({ statusCode: 503 })).toBe(true);
    expect(isTransientError({ meta: { statusCode: 429 } })).toBe(true);
    expect(isTransientError({ status: 404 })).toBe(false);
  });

  it("recognises socket codes and timeouts through the cause chain", () => {
    const socket = Object.assign(new Error("reset"), { code: "ECONNRESET" });
    expect(isTransientError(new Error("fetch failed", { cause: socket }))).toBe(true);
    expect(isTransientError(Object.assign(new Error("slow"), { name: "TimeoutError" }))).toBe(true);
  });

  it("does not retry programming errors, plain values, or hardneg's own final errors", () => {
    expect(isTransientError(new TypeError("x is undefined"))).toBe(false);
    expect(isTransientError("boom")).toBe(false);
    expect(isTransientError(new ConnectionError("gave up", { component: "qdrant" }))).toBe(false);
  });
});

describe("parseRetryAfterMs", () => {
  const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");

  it("reads delta-seconds, fractions included", () => {
    expect(parseRetryAfterMs("0", now)).toBe(0);
    expect(parseRetryAfterMs(" 2 ", now)).toBe(2000);
    expect(parseRetryAfterMs("0.5", now)).toBe(500);
  });

  it("reads an HTTP date relative to now; a past date means no wait", () => {
    expect(parseRetryAfterMs("Wed, 21 Oct 2015 07:28:03 GMT", now)).toBe(3000);
    expect(parseRetryAfterMs("Wed, 21 Oct 2015 07:27:00 GMT", now)).toBe(0);
  });

  it("is undefined for an absent or unreadable header", () => {
    for (const value of [null, undefined, "", "soon", "-1", "1e3"]) expect(parseRetryAfterMs(value, now)).toBeUndefined();
  });
});
