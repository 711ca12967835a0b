import { showControlCharacters, stringifyJsonWithEscapedControls } from "./control-characters.js";

/**
 * Prints a command's result: one JSON object with `--json`, else readable lines. Data reaches
 * the terminal neutralised: in JSON, control and bidi characters are `\uXXXX` escapes (the
 * same values once parsed); in lines, they are shown as `\x1b` / `\u202e`, newlines included,
 * so a document id or query text can neither drive the terminal nor start a line of its own.
 * `stream` is stderr when stdout carries the command's data (`export --output -`).
 */
export function printResult(
  json: boolean,
  result: Record<string, unknown>,
  human: () => string[],
  stream: NodeJS.WritableStream = process.stdout,
): void {
  if (json) {
    stream.write(`${stringifyJsonWithEscapedControls(result)}\n`);
  } else {
    stream.write(`${human().map(showControlCharacters).join("\n")}\n`);
  }
}

/**
 * Progress on stderr, only when a person watches it (stderr is a terminal). The message's
 * control characters are shown as escapes; only this function's own line-clearing codes are raw.
 */
export function progressLine(): ((message: string) => void) & { done: () => void } {
  const enabled = process.stderr.isTTY === true;
  let shown = false;
  const update = (message: string) => {
    if (!enabled) return;
    process.stderr.write(`\r\u001b[2K${showControlCharacters(message)}`);
    shown = true;
  };
  return Object.assign(update, {
    done: () => {
      if (shown) process.stderr.write("\r\u001b[2K");
    },
  });
}

/** Formats a metric for people: three decimals. */
export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? "-" : Number.isInteger(value) ? String(value) : value.toFixed(3);
}
