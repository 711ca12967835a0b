import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StoredRecord } from "@hardneg/core";
import { openLocalBackend } from "@hardneg/backend-local";

/**
 * Writes a BEIR folder of `documents` generated documents and `queries` queries (one gold each),
 * deterministic, large enough that two CLI runs on it overlap for a second or more: the bundled
 * sample (300 documents) is mined in a few milliseconds, too quickly for writers to collide.
 */
export function writeSyntheticBeir(folder: string, documents = 3000, queries = 600): void {
  const words =
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega".split(
      " ",
    );
  let state = 1;
  const random = () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
  const text = (count: number) =>
    Array.from({ length: count }, () => `${words[Math.floor(random() * words.length)]}${Math.floor(random() * 50)}`).join(" ");
  mkdirSync(join(folder, "qrels"), { recursive: true });
  const corpus = Array.from({ length: documents }, (_, index) => JSON.stringify({ _id: `d${index}`, title: text(3), text: text(30) }));
  writeFileSync(join(folder, "corpus.jsonl"), `${corpus.join("\n")}\n`);
  const queryLines = Array.from({ length: queries }, (_, index) => JSON.stringify({ _id: `q${index}`, text: text(5) }));
  writeFileSync(join(folder, "queries.jsonl"), `${queryLines.join("\n")}\n`);
  const qrels = [
    "query-id\tcorpus-id\tscore",
    ...Array.from({ length: queries }, (_, index) => `q${index}\td${(index * 7) % documents}\t1`),
  ];
  writeFileSync(join(folder, "qrels", "test.tsv"), `${qrels.join("\n")}\n`);
}

/** Every record of each collection, sorted by id, or null for a missing collection: what "the same data" means. */
export async function collectionContents(
  databaseFile: string,
  collections: readonly string[],
): Promise<Record<string, StoredRecord[] | null>> {
  const backend = await openLocalBackend(databaseFile);
  try {
    const contents: Record<string, StoredRecord[] | null> = {};
    for (const collection of collections) {
      if (!(await backend.hasCollection(collection))) {
        contents[collection] = null;
        continue;
      }
      const records: StoredRecord[] = [];
      for await (const batch of backend.iterate(collection)) records.push(...batch);
      contents[collection] = records.sort((left, right) => (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
    }
    return contents;
  } finally {
    await backend.close();
  }
}
