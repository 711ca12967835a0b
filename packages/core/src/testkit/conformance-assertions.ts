import { expect } from "vitest";
import { HardnegError, type HardnegErrorCode } from "../errors.js";
import type { Hit } from "../types.js";

/**
 * Expects `action` to reject with a hardneg error of one of `codes`. Uses
 * `HardnegError.isInstance`, so an adapter built against another copy of core still passes.
 */
export async function expectHardnegError(action: () => Promise<unknown>, codes: readonly HardnegErrorCode[], what: string): Promise<void> {
  let thrown: unknown;
  let threw = false;
  try {
    await action();
  } catch (error) {
    thrown = error;
    threw = true;
  }
  expect(threw, `${what}: expected a rejection with code ${codes.join(" or ")}, but it succeeded`).toBe(true);
  expect(HardnegError.isInstance(thrown), `${what}: expected a HardnegError, got ${describeError(thrown)}`).toBe(true);
  expect(codes, `${what}: unexpected error code in ${describeError(thrown)}`).toContain((thrown as HardnegError).code);
}

/**
 * Awaits `promise`, expects it to reject with a hardneg error (checked with
 * `HardnegError.isInstance`, so another copy of core still passes) and returns that error, for
 * tests that go on to check its code, message or cause.
 */
export async function expectHardnegRejection(promise: Promise<unknown>): Promise<HardnegError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(HardnegError.isInstance(error)).toBe(true);
  return error as HardnegError;
}

/** Checks the shape every hit list must have: at most `k` hits, ranks 1..n, scores non-increasing, no duplicate ids. */
export function expectRankedList(hits: readonly Hit[], k: number, what: string): void {
  expect(Array.isArray(hits), `${what}: expected an array of hits`).toBe(true);
  expect(hits.length, `${what}: more than k=${k} hits`).toBeLessThanOrEqual(k);
  expect(hits.map((hit) => hit.rank), `${what}: ranks must be 1, 2, 3, ...`).toEqual(hits.map((_, position) => position + 1));
  for (const hit of hits) {
    expect(typeof hit.id, `${what}: hit id must be a string`).toBe("string");
    expect(Number.isFinite(hit.score), `${what}: score of "${hit.id}" must be a finite number, got ${String(hit.score)}`).toBe(true);
  }
  for (let position = 1; position < hits.length; position++) {
    expect(hits[position]!.score, `${what}: score at rank ${position + 1} exceeds the one at rank ${position}`).toBeLessThanOrEqual(hits[position - 1]!.score);
  }
  expect(new Set(hits.map((hit) => hit.id)).size, `${what}: duplicate ids`).toBe(hits.length);
}

/** Expects two scores to agree within a relative tolerance (engines store float32). */
export function expectSameScore(actual: number | undefined, expected: number, tolerance: number, what: string): void {
  expect(actual, `${what}: no score`).toBeTypeOf("number");
  const allowed = tolerance * Math.max(1, Math.abs(expected));
  expect(Math.abs(actual! - expected), `${what}: ${String(actual)} differs from ${expected}`).toBeLessThanOrEqual(allowed);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
