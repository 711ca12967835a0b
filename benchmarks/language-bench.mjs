// The BM25 analyser per language (issue 13): its cost in documents per second, and what it buys in
// ranking quality on the multilingual sample (examples/multilingual). Build first (`pnpm build`),
// then, from this folder:
//   node language-bench.mjs                 # speed, then quality (nDCG@10 per language)
//   node language-bench.mjs --part speed    # analyser speed only (English: SciFact's corpus when present)
//   node language-bench.mjs --part quality
//   node language-bench.mjs --part speed --before <other checkout>/packages/core/dist/index.js
//       # English before/after a change: both analysers in this process, passes alternating
// Quality runs the CLI as a user does (`load beir --language`, then `eval`), once with the English
// analyser and once with the language's own, and for Chinese and Japanese once more with Lucene-style
// CJK bigrams (each text rewritten as space-separated overlapping character pairs, loaded as English).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    part: { type: "string", default: "all" },
    passes: { type: "string", default: "7" },
    // Another checkout's built core: English is measured with both, alternately.
    before: { type: "string" },
  },
});
const repositoryRoot = resolve(fileURLToPath(import.meta.url), "../..");
const corePath = join(repositoryRoot, "packages/core/dist/index.js");
const { Tokenizer } = await import(corePath);
const Before = values.before === undefined ? undefined : (await import(resolve(values.before))).Tokenizer;
const samples = join(repositoryRoot, "examples/multilingual");
const languages = ["de", "fr", "ar", "zh", "ja"];
const scifactCorpus = resolve(repositoryRoot, "../shared/datasets/scifact/corpus.jsonl");
const cli = join(repositoryRoot, "packages/cli/dist/main.js");

const readJsonl = (file) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
const textOf = (document) => (document.title ? `${document.title} ${document.text}` : document.text);
const median = (numbers) => [...numbers].sort((left, right) => left - right)[Math.floor(numbers.length / 2)];

/** One pass of `tokenize` over `texts` with a fresh analyser (its stem cache starts cold): documents per second. */
function onePass(makeTokenizer, texts) {
  const tokenizer = makeTokenizer();
  const started = performance.now();
  let terms = 0;
  for (const text of texts) terms += tokenizer.tokenize(text).length;
  if (terms === 0) throw new Error("no terms");
  return texts.length / ((performance.now() - started) / 1000);
}

/** Median documents per second of each analyser, their passes alternating so both see the same machine. */
function documentsPerSecond(makers, texts) {
  const rates = makers.map(() => []);
  for (let pass = 0; pass < Number(values.passes); pass++) {
    for (const [index, make] of makers.entries()) rates[index].push(onePass(make, texts));
  }
  return rates.map(median);
}

const format = (rate) => Math.round(rate).toLocaleString("en").padStart(11);

function speed() {
  console.log(`## Analyser speed (median of ${values.passes} passes)`);
  console.log(`language  documents  documents/s      chars/s${Before === undefined ? "" : "  before: documents/s  after/before"}`);
  const rows = [];
  if (existsSync(scifactCorpus)) rows.push(["en", readJsonl(scifactCorpus).map(textOf), "SciFact corpus"]);
  else console.log("(SciFact absent: English measured on the coffee sample only)");
  rows.push(["en", readJsonl(join(repositoryRoot, "examples/sample/corpus.jsonl")).map(textOf), "coffee sample"]);
  for (const language of languages) {
    const texts = readJsonl(join(samples, language, "corpus.jsonl")).map(textOf);
    // The samples are small: repeated to 5,000 documents so the timing means something.
    rows.push([language, Array.from({ length: 50 }, () => texts).flat(), "sample x50"]);
  }
  for (const [language, texts, what] of rows) {
    const compare = language === "en" && Before !== undefined;
    const makers = [() => new Tokenizer({ language }), ...(compare ? [() => new Before()] : [])];
    const [rate, before] = documentsPerSecond(makers, texts);
    const characters = texts.reduce((sum, text) => sum + text.length, 0) / texts.length;
    const comparison = compare ? `  ${format(before)}          ${(rate / before).toFixed(3)}` : "";
    console.log(
      `${language.padEnd(9)} ${String(texts.length).padStart(9)}  ${format(rate)}  ${format(rate * characters)}${comparison}  (${what})`,
    );
  }
}

function hardneg(...args) {
  return JSON.parse(execFileSync(process.execPath, [cli, ...args, "--json"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
}

/** nDCG@10 of BM25 over a BEIR folder loaded with `language`. */
function ndcgAt10(folder, language, work) {
  const database = join(work, `${language}-${Math.random().toString(36).slice(2)}.db`);
  const engine = `local:${database}`;
  hardneg(
    "load",
    "beir",
    folder,
    "--language",
    language,
    "--engine",
    engine,
    "--docs-collection",
    "docs",
    "--queries-collection",
    "queries",
  );
  return hardneg("eval", "--engine", engine, "--docs-collection", "docs", "--queries-collection", "queries").ndcg_at_10;
}

/** A copy of a BEIR folder whose titles, texts and queries are CJK bigrams ("法压壶" → "法压 压壶"), as Lucene's CJK analyser indexes. */
function bigramCopy(folder, work) {
  const bigrams = (text) =>
    text.replace(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu, (run) =>
      run.length === 1 ? ` ${run} ` : ` ${Array.from({ length: run.length - 1 }, (_, index) => run.slice(index, index + 2)).join(" ")} `,
    );
  const copy = join(work, `bigrams-${Math.random().toString(36).slice(2)}`);
  mkdirSync(join(copy, "qrels"), { recursive: true });
  const rewrite = (name, fields) =>
    writeFileSync(
      join(copy, name),
      readJsonl(join(folder, name))
        .map((record) => JSON.stringify({ ...record, ...Object.fromEntries(fields.map((field) => [field, bigrams(record[field] ?? "")])) }))
        .join("\n"),
    );
  rewrite("corpus.jsonl", ["title", "text"]);
  rewrite("queries.jsonl", ["text"]);
  writeFileSync(join(copy, "qrels/test.tsv"), readFileSync(join(folder, "qrels/test.tsv")));
  return copy;
}

function quality() {
  const work = mkdtempSync(join(tmpdir(), "hardneg-language-bench-"));
  try {
    console.log("\n## nDCG@10 on the multilingual sample (BM25, 100 documents and 20 queries per language)");
    console.log("language  English analyser  language analyser  CJK bigrams");
    for (const language of languages) {
      const folder = join(samples, language);
      const english = ndcgAt10(folder, "en", work);
      const own = ndcgAt10(folder, language, work);
      const bigram = language === "zh" || language === "ja" ? ndcgAt10(bigramCopy(folder, work), "en", work).toFixed(3) : "-";
      console.log(`${language.padEnd(9)} ${english.toFixed(3).padStart(16)}  ${own.toFixed(3).padStart(17)}  ${bigram.padStart(11)}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (values.part === "all" || values.part === "speed") speed();
if (values.part === "all" || values.part === "quality") quality();
console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
