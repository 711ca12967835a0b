/** The function vitest passes a running test to skip it. */
export type SkipTest = (note?: string) => void;

/**
 * Skips the running test when the engine does not claim what it checks: the reason goes to
 * vitest's `skip(reason)` (shown next to the test) and to the console, tagged with the engine,
 * so an unclaimed capability is seen in the output, never silently passed.
 */
export function skipUnlessClaimed(claimed: boolean, engineName: string, reason: string, skip: SkipTest): void {
  if (claimed) return;
  console.warn(`[hardneg conformance] [${engineName}] skipped: ${reason}`);
  skip(reason);
}
