import { expect } from "vitest";
import { HardnegError, type HardnegErrorCode } from "../errors.js";
import type { Hit } from "../types.js";

/**
 * Expects `action` to reject with a hardneg error of one of `codes` and, when `option` is given,
 * naming that option (`error.location.option`, as `BadOptionError` and
 * `UnsupportedCapabilityError` for a mode do). Uses `HardnegError.isInstance`, so an adapter
 * built against another copy of core still passes.
 */
export async function expectHardnegError(
  action: () => Promise<unknown>,
  codes: readonly HardnegErrorCode[],
  what: string,
  option?: string,
): Promise<void> {
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
  if (option !== undefined) {
    expect((thrown as HardnegError).location?.option, `${what}: the error must name option "${option}" (${describeError(thrown)})`).toBe(
      option,
    );
  }
}

/**
 * Awaits `promise`, expects it to reject with a hardneg error (checked with
 * `HardnegError.isInstance`, so another copy of core still passes) and returns that error, for
 * tests that go on to check its code, message or cause. `what` labels the expectation
 * (default "the call").
 */
export async function expectHardnegRejection(promise: Promise<unknown>, what = "the call"): Promise<HardnegError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(HardnegError.isInstance(error), `${what}: expected a rejection with a HardnegError, got ${describeError(error)}`).toBe(true);
  return error as HardnegError;
}

/** Checks the shape every hit list must have: at most `k` hits, ranks 1..n, finite scores non-increasing, distinct ids. */
export function expectRankedList(hits: readonly Hit[], k: number, what: string): void {
  expect(Array.isArray(hits), `${what}: expected an array of hits`).toBe(true);
  expect(hits.length, `${what}: more than k=${k} hits`).toBeLessThanOrEqual(k);
  expect(
    hits.map((hit) => hit.rank),
    `${what}: ranks must be 1, 2, 3, ...`,
  ).toEqual(hits.map((_, position) => position + 1));
  for (const hit of hits) {
    expect(typeof hit.id === "string" && hit.id !== "", `${what}: hit id must be a non-empty string, got ${JSON.stringify(hit.id)}`).toBe(
      true,
    );
    expect(Number.isFinite(hit.score), `${what}: score of "${hit.id}" must be a finite number, got ${String(hit.score)}`).toBe(true);
  }
  for (let position = 1; position < hits.length; position++) {
    expect(hits[position]!.score, `${what}: score at rank ${position + 1} exceeds the one at rank ${position}`).toBeLessThanOrEqual(
      hits[position - 1]!.score,
    );
  }
  const ids = hits.map((hit) => hit.id);
  expect(
    ids.filter((id, position) => ids.indexOf(id) !== position),
    `${what}: ids repeated within one hit list`,
  ).toEqual([]);
}

/** Expects `answer` to be a Map whose keys were all asked for (`asked`). */
export function expectOnlyAskedIds(answer: Map<string, unknown>, asked: readonly string[], what: string): void {
  expect(answer instanceof Map, `${what}: expected a Map`).toBe(true);
  const askedIds = new Set(asked);
  expect(
    [...answer.keys()].filter((id) => !askedIds.has(id)),
    `${what}: ids nobody asked for`,
  ).toEqual([]);
}

/**
 * Expects stored properties to equal `expected`, the number array under `vectorKey` (default
 * "vector") within 1e-6 per component: engines may keep a vector property as float32.
 */
export function expectStoredProperties(
  actual: Record<string, unknown> | undefined,
  expected: Record<string, unknown>,
  what: string,
  vectorKey = "vector",
): void {
  const { [vectorKey]: actualVector, ...actualRest } = actual ?? {};
  const { [vectorKey]: expectedVector, ...expectedRest } = expected;
  expect(actualRest, `${what}: properties other than "${vectorKey}"`).toEqual(expectedRest);
  if (!Array.isArray(expectedVector)) {
    expect(actualVector, `${what}: "${vectorKey}"`).toEqual(expectedVector);
    return;
  }
  expect(Array.isArray(actualVector) && actualVector.length, `${what}: "${vectorKey}" length`).toBe(expectedVector.length);
  const stored = actualVector as unknown[];
  const differences = (expectedVector as number[]).map((value, position) => Math.abs(Number(stored[position]) - value));
  const largest = Math.max(0, ...differences);
  expect(largest, `${what}: largest difference in "${vectorKey}"`).toBeLessThanOrEqual(1e-6);
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
