// The BM25 index builder alone, on the main thread: the CPU time `addDocument` takes to analyse
// and count a corpus (what each build thread of `load` does with its share of the documents),
// then `finish`. Texts are made before timing, so only the builder is measured.
//
//   node index-builder-bench.mjs                        # 100,000 synthetic documents, vocabulary 200,000
//   node index-builder-bench.mjs --corpus ../../shared/datasets/scifact/corpus.jsonl --passes 9
//   node index-builder-bench.mjs --before <other checkout>/packages/backend-local/dist/bm25/bm25-index-builder.js
// --before runs another build of the builder (say, the commit before a change) alternately with
// this one on the same texts, prints both medians and checks that the two indexes are identical.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Tokenizer } from "@hardneg/core";
import { createSyntheticCorpus, SYNTHETIC_ARGUMENTS, syntheticOptionsFrom } from "./synthetic-corpus.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    ...SYNTHETIC_ARGUMENTS,
    docs: { type: "string", default: "100000" },
    corpus: { type: "string" },
    passes: { type: "string", default: "5" },
    before: { type: "string" },
  },
});
const builders = { this: resolve(here, "../packages/backend-local/dist/bm25/bm25-index-builder.js") };
if (values.before !== undefined) builders.before = resolve(values.before);
for (const [name, file] of Object.entries(builders)) builders[name] = (await import(pathToFileURL(file).href)).Bm25IndexBuilder;

const documents =
  values.corpus === undefined
    ? createSyntheticCorpus(syntheticOptionsFrom(values)).documents()
    : readFileSync(values.corpus, "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line));
const texts = Array.from(documents, (document) => `${document.title ?? ""} ${document.text ?? ""}`);
console.log(`${texts.length} documents; ${values.passes} alternating passes per builder; CPU time of the process (user + system)`);

const milliseconds = (usage) => (usage.user + usage.system) / 1000;
const median = (numbers) => numbers.toSorted((left, right) => left - right)[Math.floor(numbers.length / 2)];
const results = {};
for (let pass = 0; pass < Number(values.passes); pass++) {
  for (const [name, Bm25IndexBuilder] of Object.entries(builders)) {
    const builder = new Bm25IndexBuilder(new Tokenizer({}), { k1: 1.5, b: 0.75 }, "bench");
    const started = process.cpuUsage();
    for (const [index, text] of texts.entries()) builder.addDocument(`doc${index}`, index, text);
    const added = process.cpuUsage(started);
    const index = builder.finish();
    const finished = process.cpuUsage(started);
    results[name] ??= { add: [], finish: [], index };
    const result = results[name];
    result.add.push(milliseconds(added));
    result.finish.push(milliseconds(finished) - milliseconds(added));
  }
}
for (const [name, { add, finish, index }] of Object.entries(results)) {
  console.log(
    `${name.padEnd(6)} addDocument ${median(add).toFixed(0)} ms CPU (passes: ${add.map((value) => value.toFixed(0)).join(" ")}), ` +
      `finish ${median(finish).toFixed(0)} ms; ${index.termCount} terms, ${index.postingCount} postings`,
  );
}
if (results.before !== undefined) console.log(`indexes identical: ${sameIndex(results.this.index.data, results.before.index.data)}`);

/** Whether two builds hold the same vocabulary and the same postings, bit for bit. */
function sameIndex(left, right) {
  const sameArray = (a, b) =>
    a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  return (
    left.vocabulary.join("\n") === right.vocabulary.join("\n") &&
    left.averageDocumentLength === right.averageDocumentLength &&
    ["termOffsets", "postingDocuments", "postingScores", "termMaxScores"].every((name) => sameArray(left[name], right[name]))
  );
}
