import { HardnegError, scrubUrlSecrets } from "@hardneg/core";
import { showControlCharacters } from "./control-characters.js";
import { describeOperationalError } from "./operational-errors.js";

/**
 * The environment variable that, set to anything but "" or "0", prints the stack trace and the
 * `cause` chain after the one-line message of a hardneg or operational error. Default: unset.
 */
export const DEBUG_VARIABLE = "HARDNEG_DEBUG";

/** What the CLI prints on stderr for a failed command, and the exit code it returns. */
export interface FailureOutput {
  /** Scrubbed of URL secrets; one line unless debugging or the failure is unexpected. */
  text: string;
  exitCode: 1 | 2;
  /** For scripts (`--json`): a hardneg error's code ("BAD_INPUT", ...), "OPERATIONAL" or "UNEXPECTED". */
  code: string;
}

/** How deep a `cause` chain is printed; a cycle must not print forever. */
const MAX_CAUSES = 8;

/**
 * Turns what a command threw into its output: hardneg's own errors and operational failures
 * (see `describeOperationalError`) print one line (exit 2 for bad input, else 1); anything else
 * is a bug and prints its stack and each cause after "[hardneg] unexpected failure:" (exit 1).
 * Every text passes through `scrubUrlSecrets`.
 */
export function failureOutput(error: unknown, environment: NodeJS.ProcessEnv = process.env): FailureOutput {
  const debug = environment[DEBUG_VARIABLE] !== undefined && !["", "0"].includes(environment[DEBUG_VARIABLE]!);
  const withDetail = (line: string): string => (debug ? `${line}\n${causeChain(error, true)}` : line);
  if (HardnegError.isInstance(error)) {
    return { text: scrubUrlSecrets(withDetail(oneLine(error.message))), exitCode: error.isUserError ? 2 : 1, code: error.code };
  }
  const operational = describeOperationalError(error);
  if (operational !== undefined) {
    return { text: scrubUrlSecrets(withDetail(oneLine(operational.message))), exitCode: operational.exitCode, code: "OPERATIONAL" };
  }
  return { text: scrubUrlSecrets(`[hardneg] unexpected failure: ${causeChain(error, false)}`), exitCode: 1, code: "UNEXPECTED" };
}

/**
 * Messages may quote text with line breaks (a server's answer); the line users grep must stay
 * one. They may also quote data (an id, a malformed record's keys): its control and bidi
 * characters are shown as escapes, never sent to the terminal raw.
 */
function oneLine(text: string): string {
  return showControlCharacters(text.replace(/\s*[\r\n]+\s*/g, " "));
}

/** The error's stack (or message), then "caused by: " and each cause's, one after another. */
function causeChain(error: unknown, labelFirst: boolean): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSES && current !== undefined && current !== null; depth += 1) {
    const text = current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current);
    parts.push(depth === 0 && !labelFirst ? text : `${depth === 0 ? "error" : "caused by"}: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join("\n");
}
