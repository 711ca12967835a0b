// A seeded synthetic corpus for BM25 benchmarks: made-up words drawn from a Zipf distribution
// (like natural language, a few words are very frequent and most are rare), documents of 20-150
// tokens, and queries of 3-8 words sampled from a random document (that document is their gold).
//
// Used as a module by bm25-bench.mjs, or run directly to write a BEIR-style folder:
//   node synthetic-corpus.mjs --docs 1000000 --queries 10000 --out results/synthetic-1m
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { seededRandom } from "@hardneg/core";

/** Defaults of every generator option. */
export const SYNTHETIC_DEFAULTS = Object.freeze({
  docs: 1_000_000,
  queries: 10_000,
  vocabulary: 200_000,
  zipfExponent: 1.0,
  minimumLength: 20,
  maximumLength: 150,
  seed: 42,
});

const CONSONANTS = "bdfgklmnprstvzh";
const VOWELS = "aeiou";
const SYLLABLES = [...CONSONANTS].flatMap((consonant) => [...VOWELS].map((vowel) => consonant + vowel));

/** The made-up word of Zipf rank `rank`: its base-75 digits as syllables, at least two. */
export function wordOf(rank) {
  let word = "";
  let rest = rank;
  do {
    word = SYLLABLES[rest % SYLLABLES.length] + word;
    rest = Math.floor(rest / SYLLABLES.length);
  } while (rest > 0);
  return word.length < 4 ? SYLLABLES[0] + word : word;
}

/** Scrambles (seed, index) into a 32-bit seed, so each document has its own random stream. */
function mix(seed, index) {
  let value = (Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  value = Math.imul(value ^ (value >>> 16), 0x7feb352d);
  value = Math.imul(value ^ (value >>> 15), 0x846ca68b);
  return (value ^ (value >>> 16)) >>> 0;
}

/**
 * A corpus description. Documents are generated from (seed, index) alone, so any document can be
 * regenerated on its own (queries do that) and the stream never holds the corpus in memory.
 */
export function createSyntheticCorpus(options = {}) {
  const settings = { ...SYNTHETIC_DEFAULTS, ...options };
  const words = Array.from({ length: settings.vocabulary }, (_, rank) => wordOf(rank));
  const cumulative = new Float64Array(settings.vocabulary);
  let total = 0;
  for (let rank = 0; rank < settings.vocabulary; rank++) cumulative[rank] = total += 1 / (rank + 1) ** settings.zipfExponent;
  const sampleRank = (random) => {
    const target = random() * total;
    let low = 0;
    let high = settings.vocabulary - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle] < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };

  function documentTokens(index) {
    const random = seededRandom(mix(settings.seed, index));
    const length = settings.minimumLength + Math.floor(random() * (settings.maximumLength - settings.minimumLength + 1));
    const tokens = new Array(length);
    for (let position = 0; position < length; position++) tokens[position] = words[sampleRank(random)];
    return tokens;
  }

  return {
    settings,
    /** Document `index` as a BEIR corpus row. */
    document(index) {
      return { _id: `doc${index}`, title: "", text: documentTokens(index).join(" ") };
    },
    /** All documents, in order, one at a time. */
    *documents() {
      for (let index = 0; index < settings.docs; index++) yield this.document(index);
    },
    /** Queries of 3-8 distinct-position words from a random document, which is the query's gold. */
    queries() {
      const random = seededRandom(mix(settings.seed ^ 0x5bd1e995, 0));
      return Array.from({ length: settings.queries }, (_, queryIndex) => {
        const source = Math.floor(random() * settings.docs);
        const tokens = documentTokens(source);
        const size = 3 + Math.floor(random() * 6);
        const picked = new Set();
        while (picked.size < Math.min(size, tokens.length)) picked.add(Math.floor(random() * tokens.length));
        return { _id: `q${queryIndex}`, text: [...picked].map((position) => tokens[position]).join(" "), goldId: `doc${source}` };
      });
    },
  };
}

/** Command-line options shared with the benchmark. */
export const SYNTHETIC_ARGUMENTS = {
  docs: { type: "string", default: String(SYNTHETIC_DEFAULTS.docs) },
  queries: { type: "string", default: String(SYNTHETIC_DEFAULTS.queries) },
  vocabulary: { type: "string", default: String(SYNTHETIC_DEFAULTS.vocabulary) },
  seed: { type: "string", default: String(SYNTHETIC_DEFAULTS.seed) },
};

export function syntheticOptionsFrom(values) {
  return { docs: Number(values.docs), queries: Number(values.queries), vocabulary: Number(values.vocabulary), seed: Number(values.seed) };
}

async function writeLines(file, rows) {
  const stream = createWriteStream(file);
  for (const row of rows) {
    if (!stream.write(`${JSON.stringify(row)}\n`)) await new Promise((resolve) => stream.once("drain", resolve));
  }
  await new Promise((resolve, reject) => stream.end((error) => (error ? reject(error) : resolve())));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({ options: { ...SYNTHETIC_ARGUMENTS, out: { type: "string", default: "results/synthetic" } } });
  const corpus = createSyntheticCorpus(syntheticOptionsFrom(values));
  mkdirSync(join(values.out, "qrels"), { recursive: true });
  await writeLines(join(values.out, "corpus.jsonl"), corpus.documents());
  const queries = corpus.queries();
  await writeLines(
    join(values.out, "queries.jsonl"),
    queries.map(({ _id, text }) => ({ _id, text })),
  );
  const qrels = `${["query-id\tcorpus-id\tscore", ...queries.map(({ _id, goldId }) => `${_id}\t${goldId}\t1`)].join("\n")}\n`;
  writeFileSync(join(values.out, "qrels", "test.tsv"), qrels);
  console.log(`wrote ${corpus.settings.docs} documents and ${queries.length} queries to ${values.out}`);
}
