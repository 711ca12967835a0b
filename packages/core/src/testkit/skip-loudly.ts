import { describe, it } from "vitest";

/**
 * Registers a skipped `describe` titled `title (skipped: reason)` and says why on stderr, tagged
 * `[hardneg <suite>] [<engine>]`: a suite that cannot run is seen in the output, never silent.
 */
export function describeSkippedLoudly(suite: string, engine: string, title: string, reason: string): void {
  console.warn(`[hardneg ${suite}] [${engine}] SKIPPED: ${reason}`);
  describe.skip(`${title} (skipped: ${reason})`, () => {
    it(`is skipped: ${reason}`, () => undefined);
  });
}
