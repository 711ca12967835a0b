/** Prints a command's result: one JSON object with `--json`, else readable lines. */
export function printResult(json: boolean, result: Record<string, unknown>, human: () => string[]): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(`${human().join("\n")}\n`);
  }
}

/** Progress on stderr, only when a person watches it (stderr is a terminal). */
export function progressLine(): ((message: string) => void) & { done: () => void } {
  const enabled = process.stderr.isTTY === true;
  let shown = false;
  const update = (message: string) => {
    if (!enabled) return;
    process.stderr.write(`\r\u001b[2K${message}`);
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
