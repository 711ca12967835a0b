import { resolve } from "node:path";
import { writeLinesAtomically } from "@hardneg/core";

/**
 * Writes a report page atomically and returns its absolute path. Core's `writeLinesAtomically`
 * does the writing: a temporary file of its own beside the report (unique name, created
 * exclusively, so a file or symlink planted there is never followed), flushed, then renamed over
 * `file`; on failure the temporary file is removed and the original error thrown, and the
 * previous report stays. Creates the folder. The file ends with exactly one newline: pages from
 * `page` already do, and one is added to text that does not.
 */
export async function writeReportFile(file: string, html: string): Promise<string> {
  const path = resolve(file);
  // The page as one "line": the writer adds the final newline back.
  await writeLinesAtomically(path, [html.endsWith("\n") ? html.slice(0, -1) : html]);
  return path;
}
