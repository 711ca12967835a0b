import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Writes a report atomically (temporary file, then rename), creating the folder. */
export function writeReportFile(file: string, html: string): string {
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, html, "utf8");
  renameSync(temporary, path);
  return path;
}
