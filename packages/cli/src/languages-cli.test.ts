import { existsSync } from "node:fs";
import { join } from "node:path";
import { openLocalBackend } from "@hardneg/backend-local";
import { Tokenizer } from "@hardneg/core";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, runCli, runCliJson, sampleFolder, temporaryFolder } from "./test-support.js";

/**
 * `--language` on the multilingual sample (examples/multilingual: 100 documents and 20 queries
 * each, written for the project): per language, the language-aware analyser finds the golds
 * the English one misses, and the negatives it mines are on the query's topic.
 */
const folder = temporaryFolder();
afterAll(() => folder.remove());
const sampleOf = (language: string) => join(repoRoot, "examples/multilingual", language);
let databases = 0;

/** Loads a sample with `--language` into a fresh database; returns the engine spec and the load's JSON. */
function loaded(language: string, analyser: string) {
  const engine = `local:${join(folder.path, `${language}-${analyser}-${databases++}.db`)}`;
  const load = runCliJson(["load", "beir", sampleOf(language), "--language", analyser, "--engine", engine], folder.path);
  return { engine, load };
}

function ndcgAt10(engine: string, language: string): number {
  return runCliJson(["eval", "--engine", engine, "--docs-collection", language, "--queries-collection", `${language}-test`], folder.path)
    .ndcg_at_10;
}

/**
 * nDCG@10 with the English analyser and with the language's, as measured by
 * `node benchmarks/language-bench.mjs` (the test allows ±0.02 around them).
 */
const MEASURED: Record<string, { english: number; own: number }> = {
  de: { english: 0.524, own: 0.75 },
  fr: { english: 0.651, own: 0.84 },
  ar: { english: 0.651, own: 0.82 },
  zh: { english: 0, own: 0.966 },
  ja: { english: 0, own: 0.964 },
};

/** One negative per language checked by reading it: a document on the query's subject that answers another question. */
const EXPECTED_NEGATIVE: Record<string, { query: string; negative: string; why: string }> = {
  de: { query: "de-q01", negative: "de-d052", why: "a squeaking chain, for how often to oil the chain" },
  fr: { query: "fr-q01", negative: "fr-d078", why: "watering less often but more in general, for how often to water tomatoes" },
  ar: { query: "ar-q01", negative: "ar-d051", why: "symptoms of vitamin B12 deficiency, for symptoms of vitamin D deficiency" },
  zh: { query: "zh-q01", negative: "zh-d069", why: "French-press steeping time, for French-press grind size" },
  ja: { query: "ja-q01", negative: "ja-d085", why: "a ceramic knife's lasting sharpness, for what to do when a knife gets dull" },
};

describe.each(Object.keys(MEASURED))("--language %s on the multilingual sample", (language) => {
  it("the language's analyser ranks the golds higher than the English one, by the benchmark's figures", () => {
    const english = loaded(language, "en");
    const own = loaded(language, language);
    expect(english.load.language).toBe("en");
    expect(own.load.language).toBe(language);
    const [englishNdcg, ownNdcg] = [ndcgAt10(english.engine, language), ndcgAt10(own.engine, language)];
    expect(englishNdcg).toBeCloseTo(MEASURED[language]!.english, 1);
    expect(Math.abs(ownNdcg - MEASURED[language]!.own)).toBeLessThanOrEqual(0.02);
    expect(ownNdcg - englishNdcg).toBeGreaterThan(0.15);
  });

  it("mining needs no flag (the collection recorded its language); golds rank high, every negative shares a query term", async () => {
    const { engine } = loaded(language, language);
    const mined = runCliJson(
      [
        "mine",
        "--engine",
        engine,
        "--docs-collection",
        language,
        "--queries-collection",
        `${language}-test`,
        "--out-collection",
        "negatives",
        "--negatives-per-query",
        "3",
      ],
      folder.path,
    );
    const histogram = mined.gold_rank_histogram as Record<string, number>;
    const nearTop = histogram["1"]! + histogram["2"]! + histogram["3"]!;
    expect(nearTop, JSON.stringify(histogram)).toBeGreaterThanOrEqual(15);
    expect(histogram.none).toBe(0);

    const tokenizer = new Tokenizer({ language });
    const backend = await openLocalBackend(engine.slice("local:".length), { create: false });
    const rows: Array<Record<string, unknown>> = [];
    for await (const batch of backend.iterate("negatives")) rows.push(...batch.map((record) => record.properties));
    await backend.close();
    expect(rows.length).toBeGreaterThanOrEqual(50);
    for (const row of rows) {
      const queryTerms = new Set(tokenizer.tokenize(String(row.query)));
      const negativeTerms = tokenizer.tokenize(`${row.hard_negative_title} ${row.hard_negative_doc}`);
      expect(
        negativeTerms.some((term) => queryTerms.has(term)),
        `${row.query_id} → ${row.hard_negative_id}`,
      ).toBe(true);
    }
    const expected = EXPECTED_NEGATIVE[language]!;
    const negativesOfQuery = rows.filter((row) => row.query_id === expected.query).map((row) => row.hard_negative_id);
    expect(negativesOfQuery, expected.why).toContain(expected.negative);
  });
});

describe("re-loading a corpus in another language", () => {
  it("re-indexes it, and the same mine command is then a new run (not a resume of the English one)", () => {
    const engine = `local:${join(folder.path, "reload.db")}`;
    const mineArgs = [
      "mine",
      "--engine",
      engine,
      "--docs-collection",
      "de",
      "--queries-collection",
      "de-test",
      "--out-collection",
      "negs",
      "--negatives-per-query",
      "3",
    ];
    runCliJson(["load", "beir", sampleOf("de"), "--engine", engine], folder.path);
    const english = runCliJson(mineArgs, folder.path);
    expect(runCliJson(mineArgs, folder.path).run_id, "the same command resumes the same run").toBe(english.run_id);
    runCliJson(["load", "beir", sampleOf("de"), "--language", "de", "--engine", engine], folder.path);
    const german = runCliJson(mineArgs, folder.path);
    expect(german.run_id).not.toBe(english.run_id);
    expect(german.metrics.ndcg_at_10).toBeGreaterThan(english.metrics.ndcg_at_10 + 0.15);
  });
});

describe("--language auto", () => {
  it.each(["de", "fr", "ar", "zh", "ja"])("detects %s from the sample's documents and records it", (language) => {
    const { load } = loaded(language, "auto");
    expect(load.language).toBe(language);
    expect(load.language_detected.documents).toBe(100);
    expect(load.language_detected.agreement).toBeGreaterThanOrEqual(0.9);
  });

  it("detects English on the coffee sample", () => {
    const engine = `local:${join(folder.path, "coffee.db")}`;
    const load = runCliJson(["load", "beir", sampleFolder, "--language", "auto", "--engine", engine], folder.path);
    expect(load.language).toBe("en");
  });
});

describe("--language errors", () => {
  it("an unknown code exits 2 naming --language, before any database file is made", () => {
    const database = join(folder.path, "never.db");
    const result = runCli(["load", "beir", sampleOf("de"), "--language", "deutsch", "--engine", `local:${database}`], folder.path);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--language: must be an ISO 639-1 language code the analyser knows .*got "deutsch"/);
    expect(existsSync(database), "no database was created").toBe(false);
  });

  it("an engine whose BM25 is English-only refuses another language with exit 2 and loads nothing", () => {
    const engine = `minisearch:${join(folder.path, "mini")}`;
    const result = runCli(["load", "beir", sampleOf("de"), "--language", "de", "--engine", engine], folder.path);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/does not analyse language "de" \(it analyses English only\)/);
    const listed = runCliJson(["list", "--engine", engine], folder.path);
    expect(JSON.stringify(listed), "no collection was loaded").not.toMatch(/"de(-test)?"/);
  });
});
