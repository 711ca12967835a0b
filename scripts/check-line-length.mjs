// Fails when a tracked .ts, .mjs or .js line is longer than 140 columns (Biome's line width: it
// cannot break long strings or comments). Prints `file:line: N columns` for each such line.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const MAX_COLUMNS = 140;
const root = fileURLToPath(new URL("..", import.meta.url));
const files = execFileSync("git", ["ls-files", "-z", "*.ts", "*.mjs", "*.js"], { cwd: root, encoding: "utf8" }).split("\0").filter(Boolean);
let failed = false;
for (const file of files) {
  const lines = readFileSync(join(root, file), "utf8").split(/\r?\n/);
  lines.forEach((line, index) => {
    // Columns are code points: "é" or "×" is one column, not its UTF-8 bytes or UTF-16 units.
    const columns = [...line].length;
    if (columns > MAX_COLUMNS) {
      console.log(`${file}:${index + 1}: ${columns} columns`);
      failed = true;
    }
  });
}
process.exit(failed ? 1 : 0);
