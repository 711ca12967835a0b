/** Where a live engine's suite finds its server, or why it is skipped. */
export interface LiveEngineUrl {
  /** The URL from the environment, when set. */
  value: string | undefined;
  /** `false` when the URL is set; otherwise the skip reason to give `describeConformance`. */
  skip: string | false;
}

/** Options of {@link liveEngineUrl}. */
export interface LiveEngineUrlOptions {
  /**
   * Fail instead of skipping when the variable is unset. Default: true when
   * `HARDNEG_REQUIRE_LIVE_ENGINES=1` (as in CI, where `scripts/engines.sh` starts the engines).
   */
  required?: boolean;
}

/**
 * Reads a live engine's URL from the environment variable `variable`. Unset, the suite is
 * skipped loudly (the reason names the variable); when required, it throws instead, so a CI run
 * whose engine did not start fails rather than passing as skipped.
 */
export function liveEngineUrl(variable: string, engine: string, options: LiveEngineUrlOptions = {}): LiveEngineUrl {
  const value = process.env[variable];
  if (value !== undefined && value !== "") return { value, skip: false };
  if (options.required ?? process.env["HARDNEG_REQUIRE_LIVE_ENGINES"] === "1") {
    throw new Error(
      `HARDNEG_REQUIRE_LIVE_ENGINES=1 but ${variable} is not set: ` +
        `start ${engine} with "bash scripts/engines.sh up" and export the URL it prints`,
    );
  }
  // `bash scripts/engines.sh up` starts the engines a run may require; others are the user's to start.
  const hint = options.required === false ? "" : " (bash scripts/engines.sh up starts it)";
  return { value: undefined, skip: `${variable} not set: live ${engine} tests not run${hint}` };
}
