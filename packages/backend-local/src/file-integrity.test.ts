import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DocumentTarget } from "@hardneg/core";
import { FixtureEmbedder } from "@hardneg/core/testkit";
import { describe, expect, it } from "vitest";
import { useTemporaryDirectories } from "./__fixtures__/temporary-directory.js";
import { openLocalBackend, type LocalBackendOptions } from "./local-backend.js";

/**
 * A damaged index or vectors file must never be served: its checksum is checked on load, and on
 * a mismatch the file is rebuilt with one warning line, so searches answer exactly as from a
 * clean index.
 */
const temporaryDirectory = useTemporaryDirectories();
const target: DocumentTarget = { collection: "corpus", idKey: "doc_id", contentKey: "text", titleKey: "title" };
const words = ["river", "delta", "flood", "plain", "silt", "meander", "bank", "estuary", "tide", "marsh", "levee", "channel"];
const records = Array.from({ length: 120 }, (_, position) => ({
  id: `r${position}`,
  properties: {
    doc_id: `d${position}`,
    title: words[position % words.length]!,
    text: words.filter((_, word) => (position * 7 + word) % 5 < 2).join(" "),
  },
}));
/** Every word, so every posting's score reaches some result, and k = every document: any damaged score shows. */
const queries = [{ text: words.join(" ") }, { text: "flood plain silt" }, { text: "tide marsh" }];
const everything = { mode: "bm25", k: records.length } as const;

async function databaseWithIndex(options: LocalBackendOptions = {}): Promise<{ path: string; file: string }> {
  const path = join(temporaryDirectory(), "corpus.db");
  const backend = await openLocalBackend(path, options);
  await backend.createCollection({ name: "corpus", kind: "documents" });
  await backend.upsert("corpus", records);
  const { file } = await backend.driver.prepareIndex(target);
  await backend.close();
  return { path, file: file! };
}

/** Searches from a new backend (as a new process would), collecting warnings. */
async function searchFresh(path: string, options: LocalBackendOptions = {}) {
  const warnings: string[] = [];
  const backend = await openLocalBackend(path, { ...options, onWarning: (line) => warnings.push(line) });
  const hits = await backend.search(target, queries, everything);
  const source = backend.driver.lastIndexSource;
  await backend.close();
  return { hits, source, warnings };
}

/**
 * The byte offset of `position` within a section of the index file, read from the file's own
 * header (8-byte magic, uint32 JSON length, JSON with `sections`), not through the reader under test.
 */
function sectionByte(
  file: string,
  section: "postingScores" | "postingDocuments" | "termOffsets" | "documentIds" | "vocabulary",
  position: number,
): number {
  const bytes = readFileSync(file);
  const header = JSON.parse(bytes.toString("utf8", 12, 12 + bytes.readUInt32LE(8))) as { sections: Record<string, [number, number]> };
  return header.sections[section]![0] + position;
}

function flipByte(file: string, offset: number, mask: number): void {
  const bytes = readFileSync(file);
  bytes[offset]! ^= mask;
  writeFileSync(file, bytes);
}

describe("index and vectors file integrity", () => {
  it(
    "a flipped byte in the postings, the ids or the header is detected: " + "same results as a clean index (rebuilt), one warning line",
    async () => {
      const { path, file } = await databaseWithIndex();
      const clean = await searchFresh(path);
      expect(clean).toMatchObject({ source: "loaded", warnings: [] });

      const damages: Array<[string, number, number]> = [
        // The exponent byte of a posting's float32 score (little-endian): a wildly different score.
        ["a posting score", sectionByte(file, "postingScores", 3 + 4 * 17), 0x20],
        // A posting's document index: the score credited to another document.
        ["a posting's document", sectionByte(file, "postingDocuments", 4 * 5), 0x01],
        // A digit of a document id ("d1…" becomes "d0…" or similar).
        ["a document id", sectionByte(file, "documentIds", 3), 0x01],
        // The header's average document length, still valid JSON.
        ["the header", readFileSync(file).indexOf(Buffer.from('"averageDocumentLength":')) + 24, 0x01],
      ];
      for (const [what, offset, mask] of damages) {
        const intact = readFileSync(file);
        flipByte(file, offset, mask);
        const damaged = await searchFresh(path);
        expect(damaged.hits, what).toEqual(clean.hits);
        expect(damaged.source, what).toBe("built");
        expect(damaged.warnings, what).toHaveLength(1);
        expect(damaged.warnings[0]).toMatch(
          new RegExp(
            /^\[hardneg\] \[local\] warning: BM25 index file .*corpus@[0-9a-f]+\.bm25 /.source +
              /is damaged \(checksum mismatch\); rebuilding it from the database$/.source,
          ),
        );
        // The rebuilt file replaced the damaged one: the next process loads it silently.
        expect(readFileSync(file).equals(intact), what).toBe(true);
        expect(await searchFresh(path)).toEqual(clean);
      }
    },
  );

  it("a file cut short or overwritten is rebuilt with a warning; an index of an older format silently", async () => {
    const { path, file } = await databaseWithIndex();
    const clean = await searchFresh(path);
    const intact = readFileSync(file);
    writeFileSync(file, intact.subarray(0, intact.byteLength - 64));
    const cut = await searchFresh(path);
    expect(cut).toMatchObject({ hits: clean.hits, source: "built" });
    expect(cut.warnings).toEqual([expect.stringContaining("is damaged (shorter than its header says)")]);

    writeFileSync(file, "garbage, not an index at all");
    expect((await searchFresh(path)).warnings).toEqual([expect.stringContaining("is damaged (not a file of this format)")]);

    // v1: no checksum; v2: no term max scores (MaxScore's bounds).
    for (const magic of ["HNBM25v1", "HNBM25v2"]) {
      const older = Buffer.from(intact);
      older.write(magic, 0, "latin1");
      writeFileSync(file, older);
      expect(await searchFresh(path), magic).toMatchObject({ hits: clean.hits, source: "built", warnings: [] });
    }
  });

  it("damaged document vectors are recomputed, never served, with one warning line", async () => {
    const path = join(temporaryDirectory(), "corpus.db");
    const first = await openLocalBackend(path, { embedder: new FixtureEmbedder() });
    await first.createCollection({ name: "corpus", kind: "documents" });
    await first.upsert("corpus", records);
    const { file } = await first.driver.prepareVectors(target);
    const clean = await first.search(target, queries, { mode: "vector", k: records.length });
    await first.close();

    // The exponent byte of one document's first vector component.
    const bytes = readFileSync(file!);
    bytes[bytes.byteLength - 4 * 32 * 10 + 3]! ^= 0x20;
    writeFileSync(file!, bytes);
    const warnings: string[] = [];
    const second = await openLocalBackend(path, { embedder: new FixtureEmbedder(), onWarning: (line) => warnings.push(line) });
    expect(await second.driver.prepareVectors(target)).toMatchObject({ source: "embedded" });
    expect(await second.search(target, queries, { mode: "vector", k: records.length })).toEqual(clean);
    await second.close();
    expect(warnings).toEqual([
      expect.stringMatching(
        /^\[hardneg\] \[local\] warning: document vectors file .*\.vectors is damaged \(checksum mismatch\); computing them again$/,
      ),
    ]);
    expect(readdirSync(`${path}.bm25`).filter((name) => name.includes(".tmp-"))).toEqual([]);
  });
});
