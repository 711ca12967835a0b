import { existsSync, readdirSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HardNegativeKeys } from "../collections.js";
import { HardNegativesCollection } from "../collections.js";
import { BadInputError, BadOptionError, MissingCollectionError } from "../errors.js";
import { createTempFolder, rejectionOf, type TempFolder } from "../loaders/__fixtures__/temp-folder.js";
import { MemoryStore } from "../adapter/memory-store.js";
import type { StoredRecord } from "../types.js";
import { EXPORT_FORMATS } from "./export-formats.js";
import { exportHardNegatives } from "./export-hard-negatives.js";

let folder: TempFolder;
beforeAll(async () => {
  folder = await createTempFolder();
});
afterAll(async () => {
  await folder.remove();
});

const keys = new HardNegativesCollection({ collectionName: "HardNegatives" }).keys;

interface RowInput {
  queryId: string;
  query: string;
  goldIds: string[];
  goldDocuments: (string | null)[];
  negativeId: string;
  negative: string;
  rank: number | null;
  extra?: Record<string, unknown>;
}

function row(input: RowInput, rowKeys: HardNegativeKeys = keys): StoredRecord {
  return {
    id: `${input.queryId}-${input.negativeId}`,
    properties: {
      [rowKeys.queryContentKey]: input.query,
      [rowKeys.goldIdsKey]: input.goldIds,
      [rowKeys.goldDocumentsKey]: input.goldDocuments,
      [rowKeys.hardNegativeDocumentKey]: input.negative,
      [rowKeys.hardNegativeIdKey]: input.negativeId,
      query_id: input.queryId,
      rank: input.rank,
      score: input.rank === null ? null : 10 - input.rank,
      gold_rank: 3,
      gold_score: 7,
      run_id: "run-1",
      strategy: "top-k",
      ...input.extra,
    },
  };
}

const tides = { queryId: "q1", query: "how do tides work", goldIds: ["g1", "g2"], goldDocuments: ["Gold one", "Gold two"] };
const kelp = { queryId: "q2", query: "what is kelp", goldIds: ["k1"], goldDocuments: ["Kelp gold"] };
const orphan = { queryId: "q3", query: "orphan query", goldIds: ["z1"], goldDocuments: [null] };

/** Rows of two queries interleaved and out of rank order, as a store may return them. */
const rows: StoredRecord[] = [
  row({ ...tides, negativeId: "n2", negative: "Neg two", rank: 4 }),
  row({ ...kelp, negativeId: "m1", negative: "Kelp neg", rank: 1 }),
  row({ ...tides, negativeId: "n1", negative: "Neg one", rank: 2 }),
  row({
    ...kelp,
    negativeId: "m2",
    negative: "Kelp judged relevant",
    rank: 3,
    extra: { is_relevant: true, judge_policy: "flag", judge_reason: "answers it" },
  }),
  row({ ...tides, negativeId: "n3", negative: "Neg three", rank: 5 }),
  row({ ...kelp, negativeId: "m3", negative: "Kelp relabelled", rank: 6, extra: { is_relevant: true, judge_policy: "relabel" } }),
  row({ ...orphan, negativeId: "o1", negative: "Orphan neg", rank: 1 }),
];

async function storeWith(records: StoredRecord[], hardNegativeKeys: HardNegativeKeys | undefined = keys): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.createCollection({
    name: "HardNegatives",
    kind: "hard-negatives",
    ...(hardNegativeKeys === undefined ? {} : { hardNegativeKeys }),
  });
  await store.upsert("HardNegatives", records);
  return store;
}

async function exportLines(
  format: string,
  store?: MemoryStore,
): Promise<{ lines: unknown[]; result: Awaited<ReturnType<typeof exportHardNegatives>> }> {
  const output = join(folder.path, `${format}.jsonl`);
  const result = await exportHardNegatives(store ?? (await storeWith(rows)), "HardNegatives", { format, output, batchSize: 2 });
  const text = await readFile(output, "utf8");
  expect(text.endsWith("\n")).toBe(true);
  return {
    lines: text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line)),
    result,
  };
}

describe("exportHardNegatives", () => {
  it("carries titles: tevatron's title field, the others' one text field as title, a space, then the text", async () => {
    const titled = [
      row({ ...kelp, negativeId: "m1", negative: "Kelp neg", rank: 1, extra: { gold_titles: ["Kelp"], hard_negative_title: "Seaweed" } }),
      row({ ...kelp, negativeId: "m4", negative: "Untitled neg", rank: 2, extra: { gold_titles: ["Kelp"] } }),
    ];
    const store = await storeWith(titled);
    const { lines: tevatron } = await exportLines("tevatron", store);
    expect(tevatron[0], "tevatron").toMatchObject({
      positive_passages: [{ docid: "k1", title: "Kelp", text: "Kelp gold" }],
      negative_passages: [
        { docid: "m1", title: "Seaweed", text: "Kelp neg" },
        { docid: "m4", title: "", text: "Untitled neg" },
      ],
    });
    const { lines: flag } = await exportLines("flagembedding", store);
    expect(flag[0], "flagembedding").toMatchObject({ pos: ["Kelp Kelp gold"], neg: ["Seaweed Kelp neg", "Untitled neg"] });
    const { lines: triplets } = await exportLines("triplets", store);
    expect(
      (triplets as { positive: string; negative: string }[]).map((line) => [line.positive, line.negative]),
      "triplets",
    ).toEqual([
      ["Kelp Kelp gold", "Seaweed Kelp neg"],
      ["Kelp Kelp gold", "Untitled neg"],
    ]);
  });

  it("offers seven formats", () => {
    expect(EXPORT_FORMATS).toEqual(["seed", "triplets", "ntuple", "flagembedding", "tevatron", "labeled-pair", "labeled-list"]);
  });

  it("labeled-pair: each positive with label 1, then each negative by rank with label 0", async () => {
    const { lines, result } = await exportLines("labeled-pair");
    const pair = (query: string, document: string, label: number) => ({ query, document, label });
    expect(lines).toEqual([
      pair("how do tides work", "Gold one", 1),
      pair("how do tides work", "Gold two", 1),
      pair("how do tides work", "Neg one", 0),
      pair("how do tides work", "Neg two", 0),
      pair("how do tides work", "Neg three", 0),
      pair("what is kelp", "Kelp gold", 1),
      pair("what is kelp", "Kelp relabelled", 1),
      pair("what is kelp", "Kelp neg", 0),
    ]);
    expect(result, "the orphan query has no positive").toMatchObject({ queries: 2, lines: 8, skippedQueries: 1 });
  });

  it("labeled-list: one line per query, positives first, labels aligned with the documents", async () => {
    const { lines } = await exportLines("labeled-list");
    expect(lines).toEqual([
      { query: "how do tides work", docs: ["Gold one", "Gold two", "Neg one", "Neg two", "Neg three"], labels: [1, 1, 0, 0, 0] },
      { query: "what is kelp", docs: ["Kelp gold", "Kelp relabelled", "Kelp neg"], labels: [1, 1, 0] },
    ]);
  });

  it("seed: every row as stored, judged rows included, plus its record id", async () => {
    const { lines, result } = await exportLines("seed");
    expect(lines).toEqual(rows.map((record) => ({ id: record.id, ...record.properties })));
    expect(Object.keys(lines[0] as object)[0]).toBe("id");
    expect(result).toEqual({
      rows: 7,
      queries: 3,
      lines: 7,
      skippedQueries: 0,
      judgedRelevant: 2,
      negativesPerLine: null,
      queriesShort: 0,
      positivesLeftOut: 0,
      queriesWithoutScores: 0,
    });
  });

  it("triplets: one line per negative by rank, cycling through the gold documents", async () => {
    const { lines, result } = await exportLines("triplets");
    expect(lines).toEqual([
      { anchor: "how do tides work", positive: "Gold one", negative: "Neg one" },
      { anchor: "how do tides work", positive: "Gold two", negative: "Neg two" },
      { anchor: "how do tides work", positive: "Gold one", negative: "Neg three" },
      { anchor: "what is kelp", positive: "Kelp gold", negative: "Kelp neg" },
    ]);
    expect(result).toEqual({
      rows: 7,
      queries: 2,
      lines: 4,
      skippedQueries: 1,
      judgedRelevant: 2,
      negativesPerLine: null,
      queriesShort: 0,
      positivesLeftOut: 0,
      queriesWithoutScores: 0,
    });
  });

  it("ntuple: every line has the widest query's negatives; a query with fewer is left out and counted", async () => {
    const { lines, result } = await exportLines("ntuple");
    expect(lines, "kelp has 1 negative, tides 3").toEqual([
      { anchor: "how do tides work", positive: "Gold one", negative_1: "Neg one", negative_2: "Neg two", negative_3: "Neg three" },
    ]);
    expect(result, "counts").toMatchObject({ queries: 1, lines: 1, negativesPerLine: 3, queriesShort: 1, skippedQueries: 1 });
    expect(result.positivesLeftOut, "tides' second gold is not written").toBe(1);
  });

  it("ntuple: a given width keeps each query's best-ranked negatives, and 'each' writes a line per positive", async () => {
    const store = await storeWith(rows);
    const output = join(folder.path, "ntuple-each.jsonl");
    const result = await exportHardNegatives(store, "HardNegatives", { format: "ntuple", output, negativesPerLine: 1, positives: "each" });
    const lines = (await readFile(output, "utf8"))
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { anchor: "how do tides work", positive: "Gold one", negative_1: "Neg one" },
      { anchor: "how do tides work", positive: "Gold two", negative_1: "Neg one" },
      { anchor: "what is kelp", positive: "Kelp gold", negative_1: "Kelp neg" },
      { anchor: "what is kelp", positive: "Kelp relabelled", negative_1: "Kelp neg" },
    ]);
    expect(result, "no query short of 1, no positive left out").toMatchObject({
      queries: 2,
      negativesPerLine: 1,
      queriesShort: 0,
      positivesLeftOut: 0,
    });
  });

  /** Exports `format` with scores and returns the lines and the result. */
  async function withScores(format: string, records: StoredRecord[] = rows) {
    const output = join(folder.path, `scores-${format}.jsonl`);
    const result = await exportHardNegatives(await storeWith(records), "HardNegatives", { format, output, withScores: true });
    const lines = (await readFile(output, "utf8"))
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    return { lines, result };
  }

  // Scores in the fixture: a negative of rank r scores 10 - r; the (lowest-scoring) gold scores 7.
  it("with scores, triplets carry the margin score(positive) - score(negative) as label", async () => {
    const { lines } = await withScores("triplets");
    expect(lines.map((line) => [line.positive, line.negative, line.label])).toEqual([
      ["Gold one", "Neg one", 7 - 8],
      ["Gold two", "Neg two", 7 - 6],
      ["Gold one", "Neg three", 7 - 5],
      ["Kelp gold", "Kelp neg", 7 - 9],
    ]);
  });

  it("with scores, an ntuple line carries one margin per negative, in column order", async () => {
    const { lines } = await withScores("ntuple");
    expect(lines).toEqual([
      {
        anchor: "how do tides work",
        positive: "Gold one",
        negative_1: "Neg one",
        negative_2: "Neg two",
        negative_3: "Neg three",
        label: [-1, 1, 2],
      },
    ]);
  });

  it("with scores, flagembedding adds pos_scores and neg_scores; a relabelled positive keeps its own score", async () => {
    const { lines } = await withScores("flagembedding");
    expect(lines.map((line) => [line.query, line.pos_scores, line.neg_scores])).toEqual([
      ["how do tides work", [7, 7], [8, 6, 5]],
      ["what is kelp", [7, 10 - 6], [9]],
    ]);
  });

  it("with scores, leaves out and counts a query with a document of unknown score (padding)", async () => {
    const padded = row({ ...kelp, negativeId: "p1", negative: "Kelp padding", rank: null });
    const { lines, result } = await withScores("flagembedding", [...rows, padded]);
    expect(
      lines.map((line) => line.query),
      "kelp has a padded negative without a score",
    ).toEqual(["how do tides work"]);
    expect(result.queriesWithoutScores).toBe(1);
  });

  it("refuses scores for a format with no place for them, naming --with-scores", async () => {
    for (const format of ["seed", "tevatron", "labeled-pair", "labeled-list"]) {
      const error = await rejectionOf(withScores(format));
      expect(error, format).toBeInstanceOf(BadOptionError);
      expect(error.message, format).toMatch(/--with-scores: .* has no place for scores; use one of triplets, ntuple, flagembedding/);
    }
  });

  it("refuses a width that is not a whole number of at least 1, naming --negatives-per-line", async () => {
    for (const negativesPerLine of [0, 1.5, -2]) {
      const error = await rejectionOf(
        exportHardNegatives(await storeWith(rows), "HardNegatives", {
          format: "ntuple",
          output: join(folder.path, "w.jsonl"),
          negativesPerLine,
        }),
      );
      expect(error, String(negativesPerLine)).toBeInstanceOf(BadOptionError);
      expect(error.message).toMatch(/--negatives-per-line: must be a whole number of at least 1/);
    }
  });

  it("groups a collection larger than one bucket through files, with the same lines, and leaves no file behind", async () => {
    // Many queries with interleaved rows, so that every bucket holds several queries.
    const many = Array.from({ length: 40 }, (_, index) => [
      row({
        queryId: `q${index}`,
        query: `query ${index}`,
        goldIds: [`g${index}`],
        goldDocuments: [`gold ${index}`],
        negativeId: `b${index}`,
        negative: `b ${index}`,
        rank: 2,
      }),
    ]).flat();
    const firsts = Array.from({ length: 40 }, (_, index) =>
      row({
        queryId: `q${index}`,
        query: `query ${index}`,
        goldIds: [`g${index}`],
        goldDocuments: [`gold ${index}`],
        negativeId: `a${index}`,
        negative: `a ${index}`,
        rank: 1,
      }),
    );
    const store = await storeWith([...many, ...firsts]);
    // A folder of its own for the buckets: other processes use the system's temporary folder too.
    const temporaryFolder = join(folder.path, "buckets");
    await mkdir(temporaryFolder);
    for (const format of ["triplets", "ntuple", "flagembedding", "tevatron", "labeled-pair", "labeled-list"]) {
      const inMemory = join(folder.path, `memory-${format}.jsonl`);
      const spooled = join(folder.path, `spooled-${format}.jsonl`);
      const memoryResult = await exportHardNegatives(store, "HardNegatives", { format, output: inMemory });
      const spooledResult = await exportHardNegatives(store, "HardNegatives", {
        format,
        output: spooled,
        rowsPerBucket: 7,
        batchSize: 5,
        temporaryFolder,
      });
      const sorted = async (file: string) => (await readFile(file, "utf8")).trimEnd().split("\n").sort();
      expect(await sorted(spooled), `${format}: the same lines`).toEqual(await sorted(inMemory));
      expect(spooledResult, `${format}: the same counts`).toEqual(memoryResult);
      expect((await sorted(spooled)).length, `${format}: every query`).toBeGreaterThanOrEqual(40);
    }
    expect(readdirSync(temporaryFolder), "no bucket folder left").toEqual([]);
  });

  it("flagembedding: all positives, relabelled documents included, and the negatives", async () => {
    const { lines } = await exportLines("flagembedding");
    expect(lines).toEqual([
      { query: "how do tides work", pos: ["Gold one", "Gold two"], neg: ["Neg one", "Neg two", "Neg three"] },
      { query: "what is kelp", pos: ["Kelp gold", "Kelp relabelled"], neg: ["Kelp neg"] },
    ]);
  });

  it("tevatron: passages with ids, and empty titles for rows without any", async () => {
    const { lines } = await exportLines("tevatron");
    const passage = (docid: string, text: string) => ({ docid, title: "", text });
    expect(lines).toEqual([
      {
        query_id: "q1",
        query: "how do tides work",
        positive_passages: [passage("g1", "Gold one"), passage("g2", "Gold two")],
        negative_passages: [passage("n1", "Neg one"), passage("n2", "Neg two"), passage("n3", "Neg three")],
      },
      {
        query_id: "q2",
        query: "what is kelp",
        positive_passages: [passage("k1", "Kelp gold"), passage("m3", "Kelp relabelled")],
        negative_passages: [passage("m1", "Kelp neg")],
      },
    ]);
  });

  it("puts unranked padding rows after the ranked negatives", async () => {
    const padded = [
      row({ ...kelp, negativeId: "pad-b", negative: "Padding b", rank: null, extra: { padded: true } }),
      row({ ...kelp, negativeId: "pad-a", negative: "Padding a", rank: null, extra: { padded: true } }),
      row({ ...kelp, negativeId: "m1", negative: "Kelp neg", rank: 9 }),
    ];
    const { lines } = await exportLines("flagembedding", await storeWith(padded));
    expect(lines).toEqual([{ query: "what is kelp", pos: ["Kelp gold"], neg: ["Kelp neg", "Padding a", "Padding b"] }]);
  });

  it("writes exact JSON text, one object per line, in UTF-8", async () => {
    const unicode = [
      row({
        queryId: "q",
        query: "naïve café 😀",
        goldIds: ["g"],
        goldDocuments: ["«gold»"],
        negativeId: "n",
        negative: 'line\nbreak "quoted"',
        rank: 1,
      }),
    ];
    const output = join(folder.path, "exact.jsonl");
    await exportHardNegatives(await storeWith(unicode), "HardNegatives", { format: "triplets", output });
    expect(await readFile(output, "utf8")).toBe(
      '{"anchor":"naïve café 😀","positive":"«gold»",' + '"negative":"line\\nbreak \\"quoted\\""}\n',
    );
  });

  it("reads rows with the key names the collection spec records", async () => {
    const custom: HardNegativeKeys = {
      queryContentKey: "simulated_user_query",
      goldIdsKey: "dataset_ids",
      goldDocumentsKey: "gold_texts",
      hardNegativeDocumentKey: "negative_text",
      hardNegativeIdKey: "negative_id",
    };
    const store = await storeWith([row({ ...kelp, negativeId: "m1", negative: "Kelp neg", rank: 1 }, custom)], custom);
    const { lines } = await exportLines("flagembedding", store);
    expect(lines).toEqual([{ query: "what is kelp", pos: ["Kelp gold"], neg: ["Kelp neg"] }]);
  });

  it("leaves nothing at the output path when reading the store fails midway", async () => {
    const store = await storeWith(rows);
    const failing = Object.assign(Object.create(store) as MemoryStore, {
      async *iterate() {
        yield rows.slice(0, 2);
        throw new Error("connection lost");
      },
    });
    for (const format of ["seed", "triplets"]) {
      const output = join(folder.path, `failed-${format}.jsonl`);
      const error = await rejectionOf(exportHardNegatives(failing, "HardNegatives", { format, output }));
      expect(error.message).toBe("connection lost");
      expect(existsSync(output)).toBe(false);
      // No temporary file of any name is left behind either.
      expect((await readdir(folder.path)).filter((name) => name.startsWith(`failed-${format}.jsonl`))).toEqual([]);
    }
    const previous = join(folder.path, "previous.jsonl");
    await writeFile(previous, "earlier export\n");
    await rejectionOf(exportHardNegatives(failing, "HardNegatives", { format: "seed", output: previous }));
    expect(await readFile(previous, "utf8")).toBe("earlier export\n");
  });

  it("writes the same lines to a stream as to a file, and leaves the stream open", async () => {
    for (const format of ["seed", "triplets", "ntuple"]) {
      const chunks: string[] = [];
      const sink = new Writable({
        highWaterMark: 1, // full after every chunk, so each write waits for "drain"
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk.toString("utf8"));
          setImmediate(done);
        },
      });
      const streamed = await exportHardNegatives(await storeWith(rows), "HardNegatives", { format, output: sink, batchSize: 2 });
      const { lines, result } = await exportLines(format);
      expect(chunks.join(""), `${format}: the file's lines`).toBe(lines.map((line) => `${JSON.stringify(line)}\n`).join(""));
      expect(streamed, `${format}: the same counts`).toEqual(result);
      expect(sink.writableEnded, `${format}: the stream stays open (it may be stdout)`).toBe(false);
    }
  });

  it("refuses an unknown format, naming the choices", async () => {
    const error = await rejectionOf(
      exportHardNegatives(await storeWith(rows), "HardNegatives", { format: "csv", output: join(folder.path, "x.jsonl") }),
    );
    expect(error).toBeInstanceOf(BadOptionError);
    expect(error.message).toContain(
      'option --format: unknown export format "csv"; choose one of seed, triplets, ntuple, flagembedding, tevatron',
    );
  });

  it("refuses a missing collection, and a documents or queries collection, naming it and saying what to pass", async () => {
    const store = new MemoryStore();
    const output = join(folder.path, "none.jsonl");
    const missing = await rejectionOf(exportHardNegatives(store, "Absent", { format: "seed", output }));
    expect(missing).toBeInstanceOf(MissingCollectionError);
    expect(missing.message).toMatch(/collection "Absent".*mine hard negatives into it first/);
    for (const kind of ["queries", "documents"] as const) {
      await store.createCollection({ name: kind, kind });
      const error = await rejectionOf(exportHardNegatives(store, kind, { format: "seed", output }));
      expect(error, kind).toBeInstanceOf(BadInputError);
      expect(error.message, kind).toMatch(new RegExp(`collection "${kind}": is a ${kind} collection, not hard negatives`));
    }
  });

  it("with scores and a width, needs scores only for the negatives a line keeps", async () => {
    // kelp: 1 scored negative, then a padded one (no score) that a width of 1 leaves out.
    const padded = row({ ...kelp, negativeId: "p1", negative: "Kelp padding", rank: null });
    const store = await storeWith([...rows, padded]);
    const output = join(folder.path, "scores-width.jsonl");
    const result = await exportHardNegatives(store, "HardNegatives", { format: "ntuple", output, negativesPerLine: 1, withScores: true });
    expect(result, "both queries kept").toMatchObject({ queries: 2, queriesWithoutScores: 0 });
  });

  it("takes the default ntuple width from usable queries only", async () => {
    // The orphan query (no gold text) has 4 negatives, more than any usable query.
    const orphans = ["o2", "o3", "o4"].map((id, index) => row({ ...orphan, negativeId: id, negative: `Orphan ${id}`, rank: index + 2 }));
    const { result } = await exportLines("ntuple", await storeWith([...rows, ...orphans]));
    expect(result, "tides' 3 negatives set the width").toMatchObject({ negativesPerLine: 3, queries: 1, skippedQueries: 1 });
  });

  it("names the row and property when a row lacks what the format needs", async () => {
    const broken = row({ ...kelp, negativeId: "m1", negative: "Kelp neg", rank: 1 });
    delete broken.properties.hard_negative_doc;
    const store = await storeWith([broken], undefined);
    const error = await rejectionOf(
      exportHardNegatives(store, "HardNegatives", { format: "triplets", output: join(folder.path, "broken.jsonl") }),
    );
    expect(error).toBeInstanceOf(BadInputError);
    expect(error.message).toContain('collection "HardNegatives": row "q2-m1" has no text under "hard_negative_doc"');
  });
});
