import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The bytes of the BM25 index file in `directory` (a backend's `indexDirectory` holding one). */
export function indexFileIn(directory: string): Buffer {
  return readFileSync(join(directory, readdirSync(directory).find((name) => name.endsWith(".bm25"))!));
}
