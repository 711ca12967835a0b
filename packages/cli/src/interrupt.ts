/** Exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** Commands that commit their work in batches and pick up where they stopped when re-run. */
const RESUMABLE_COMMANDS = new Set(["mine", "compare", "judge"]);

/** The one line printed when Ctrl-C stops `command` ("mine", "load beir"): what was kept and how to go on. */
export function interruptMessage(command: string): string {
  return RESUMABLE_COMMANDS.has(command.split(" ")[0]!)
    ? `[hardneg] ${command} interrupted: the batches it committed are kept; re-run the same command to resume`
    : `[hardneg] ${command} interrupted: it keeps nothing half-done (loads and exports are all or nothing); re-run the same command`;
}

/**
 * On Ctrl-C (SIGINT), prints `interruptMessage(command)` on stderr and exits 130. Exiting runs the
 * "exit" handlers, which remove an export's unfinished temporary file; a SQLite transaction in
 * flight is rolled back by SQLite itself.
 */
export function explainInterruption(command: string): void {
  process.once("SIGINT", () => {
    process.stderr.write(`${interruptMessage(command)}\n`);
    process.exit(EXIT_INTERRUPTED);
  });
}
