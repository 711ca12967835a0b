import type { DocumentTarget } from "@hardneg/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EngineOf } from "@hardneg/core/adapter";
import { openLocalBackend, type LocalBackend, type LocalBackendOptions } from "./local-backend.js";

const target: DocumentTarget = { collection: "corpus", idKey: "doc_id", contentKey: "text" };
const bm25 = { mode: "bm25", k: 10 } as const;

/** A corpus whose BM25 scores are worked out by hand below (no stop words or stems involved). */
const TINY_CORPUS = [
  { doc_id: "d1", text: "apple banana" },
  { doc_id: "d2", text: "apple apple cherry" },
  { doc_id: "d3", text: "banana cherry cherry date" },
];

async function backendWith(documents: Array<Record<string, unknown>>, options: LocalBackendOptions = {}): Promise<EngineOf<LocalBackend>> {
  const backend = await openLocalBackend(":memory:", options);
  await backend.createCollection({ name: "corpus", kind: "documents" });
  // Record ids differ from the document ids on purpose: hits must carry the idKey property.
  await backend.upsert(
    "corpus",
    documents.map((properties, position) => ({ id: `record-${position}`, properties })),
  );
  return backend;
}

describe("local backend BM25 search", () => {
  it("scores by the Lucene BM25 formula (k1 1.5, b 0.75)", async () => {
    const backend = await backendWith(TINY_CORPUS);
    // N = 3, average length = (2 + 3 + 4) / 3 = 3.
    // "apple": df 2 → idf = ln(1 + (3 − 2 + 0.5) / (2 + 0.5)) = ln 1.6.
    //   d1: tf 1, dl 2 → 1·2.5 / (1 + 1.5·(0.25 + 0.75·2/3)) = 2.5 / 2.125
    //   d2: tf 2, dl 3 → 2·2.5 / (2 + 1.5·1) = 5 / 3.5
    // "date": df 1 → idf = ln(1 + 2.5 / 1.5); d3: tf 1, dl 4 → 2.5 / (1 + 1.5·(0.25 + 1)) = 2.5 / 2.875
    const [apple, date, both] = await backend.search(target, [{ text: "apple" }, { text: "date" }, { text: "apple date" }], bm25);
    expect(apple!.map((hit) => hit.id)).toEqual(["d2", "d1"]);
    expect(apple![0]!.score).toBeCloseTo(Math.log(1.6) * (5 / 3.5), 5);
    expect(apple![1]!.score).toBeCloseTo(Math.log(1.6) * (2.5 / 2.125), 5);
    expect(date).toEqual([{ id: "d3", score: expect.closeTo(Math.log(1 + 2.5 / 1.5) * (2.5 / 2.875), 5), rank: 1 }]);
    expect(both!.map((hit) => hit.id)).toEqual(["d3", "d2", "d1"]);
    await backend.close();
  });

  it("counts a repeated query term once per occurrence by default, or once on request", async () => {
    const summing = await backendWith(TINY_CORPUS);
    const once = await backendWith(TINY_CORPUS, { bm25: { queryTermRepeats: "once" } });
    const [single, repeated] = await summing.search(target, [{ text: "date" }, { text: "date date" }], bm25);
    expect(repeated![0]!.score).toBeCloseTo(2 * single![0]!.score, 5);
    const [deduplicated] = await once.search(target, [{ text: "date date" }], bm25);
    expect(deduplicated![0]!.score).toBe(single![0]!.score);
    await Promise.all([summing.close(), once.close()]);
  });

  it("searches title and content together when a titleKey is given", async () => {
    const backend = await backendWith([
      { doc_id: "a", title: "Zebra", text: "stripes" },
      { doc_id: "b", title: "Horse", text: "mane" },
    ]);
    const [withTitle] = await backend.search({ ...target, titleKey: "title" }, [{ text: "zebra" }], bm25);
    const [withoutTitle] = await backend.search(target, [{ text: "zebra" }], bm25);
    expect(withTitle!.map((hit) => hit.id)).toEqual(["a"]);
    expect(withoutTitle).toEqual([]);
    await backend.close();
  });

  it("respects k, ranks from 1, orders scores non-increasing and keeps the batch order", async () => {
    const documents = Array.from({ length: 40 }, (_, position) => ({
      doc_id: `d${position}`,
      text: `alpha ${"beta ".repeat(position % 5)} gamma${position % 3}`,
    }));
    const backend = await backendWith(documents);
    const queries = ["alpha beta", "gamma1", "beta", "nothing-matches-here", "alpha"];
    const results = await backend.search(
      target,
      queries.map((text) => ({ text })),
      { mode: "bm25", k: 7 },
    );
    expect(results).toHaveLength(queries.length);
    for (const hits of results) {
      expect(hits.length).toBeLessThanOrEqual(7);
      hits.forEach((hit, position) => {
        expect(hit.rank).toBe(position + 1);
        if (position > 0) expect(hit.score).toBeLessThanOrEqual(hits[position - 1]!.score);
      });
    }
    expect(results[3]).toEqual([]);
    for (const [position, text] of queries.entries()) {
      const [alone] = await backend.search(target, [{ text }], { mode: "bm25", k: 7 });
      expect(results[position]).toEqual(alone);
    }
    expect(results[4]!.length).toBe(7);
    await backend.close();
  });

  it("breaks score ties by insertion order", async () => {
    const backend = await backendWith(Array.from({ length: 12 }, (_, position) => ({ doc_id: `d${position}`, text: "same words here" })));
    const [hits] = await backend.search(target, [{ text: "words" }], { mode: "bm25", k: 5 });
    expect(hits!.map((hit) => hit.id)).toEqual(["d0", "d1", "d2", "d3", "d4"]);
    expect(new Set(hits!.map((hit) => hit.score)).size).toBe(1);
    await backend.close();
  });

  it("returns no hits for a query of stop words or unknown words, and refuses an empty one", async () => {
    const backend = await backendWith(TINY_CORPUS);
    expect(await backend.search(target, [{ text: "the and of" }, { text: "kiwi" }], bm25)).toEqual([[], []]);
    await expect(backend.search(target, [{ text: "apple" }, { text: "   " }], bm25)).rejects.toMatchObject({
      code: "BAD_INPUT",
      message: expect.stringContaining("query text is empty"),
    });
    await expect(backend.search(target, [{ text: "apple" }], { mode: "bm25", k: 0 })).rejects.toMatchObject({ code: "BAD_OPTION" });
    await backend.close();
  });

  it("refuses vector and hybrid modes as unsupported, and says so in capabilities", async () => {
    const backend = await backendWith(TINY_CORPUS);
    expect(backend.capabilities(), "capabilities without an embedder").toEqual({
      modes: ["bm25"],
      scoreDocumentsModes: ["bm25"],
      maxBatchSize: 256,
    });
    for (const mode of ["vector", "hybrid"] as const) {
      await expect(backend.search(target, [{ text: "apple" }], { mode, k: 3, alpha: 0.5, fusion: "rrf" })).rejects.toMatchObject({
        code: "UNSUPPORTED_CAPABILITY",
        message: expect.stringContaining(mode),
      });
      await expect(backend.scoreDocuments(target, { text: "apple" }, ["d1"], { mode, k: 3 })).rejects.toMatchObject({
        code: "UNSUPPORTED_CAPABILITY",
      });
    }
    await backend.close();
  });

  it("scores given documents exactly as search does, 0 without a match, unknown ids absent", async () => {
    const backend = await backendWith(TINY_CORPUS);
    const [hits] = await backend.search(target, [{ text: "apple cherry" }], bm25);
    const scores = await backend.scoreDocuments(target, { text: "apple cherry" }, ["d1", "d2", "d3", "nope"], bm25);
    expect(scores.has("nope")).toBe(false);
    for (const hit of hits!) expect(scores.get(hit.id)).toBe(hit.score);
    const noMatch = await backend.scoreDocuments(target, { text: "date" }, ["d1"], bm25);
    expect(noMatch.get("d1")).toBe(0);
    await backend.close();
  });

  it("fetches documents by their idKey in one call, with title and other fields", async () => {
    const backend = await backendWith([
      { doc_id: "d1", title: "T1", text: "first", source: "x" },
      { doc_id: 2, text: "second" },
    ]);
    const documents = await backend.getDocuments({ ...target, titleKey: "title" }, ["2", "d1", "missing"]);
    expect([...documents.keys()]).toEqual(["2", "d1"]);
    expect(documents.get("d1")).toEqual({ id: "d1", text: "first", title: "T1", fields: { source: "x" } });
    expect(documents.get("2")).toEqual({ id: "2", text: "second" });
    await backend.close();
  });

  it("names a record without the idKey property", async () => {
    const backend = await backendWith([{ doc_id: "d1", text: "fine" }, { text: "no id here" }]);
    await expect(backend.search(target, [{ text: "fine" }], bm25)).rejects.toMatchObject({
      code: "BAD_INPUT",
      message: expect.stringContaining('record "record-1"'),
    });
    await backend.close();
  });
});

/** BM25 straight from the formula, in float64, as an independent reference. */
function referenceScores(documents: string[][], query: string[], k1 = 1.5, b = 0.75): number[] {
  const averageLength = documents.reduce((total, terms) => total + terms.length, 0) / documents.length;
  return documents.map((terms) =>
    query.reduce((score, term) => {
      const documentFrequency = documents.filter((other) => other.includes(term)).length;
      const frequency = terms.filter((other) => other === term).length;
      if (frequency === 0) return score;
      const idf = Math.log(1 + (documents.length - documentFrequency + 0.5) / (documentFrequency + 0.5));
      return score + (idf * frequency * (k1 + 1)) / (frequency + k1 * (1 - b + (b * terms.length) / averageLength));
    }, 0),
  );
}

describe("local backend BM25 properties", () => {
  const word = fc.constantFrom("ka", "lo", "mi", "nu", "pe", "ri", "su", "ta");
  const corpus = fc.array(fc.array(word, { minLength: 0, maxLength: 12 }), { minLength: 1, maxLength: 25 });
  const query = fc.array(word, { minLength: 1, maxLength: 4 });

  it("search is the top k of scoreDocuments over all documents, and both match the formula", async () => {
    await fc.assert(
      fc.asyncProperty(corpus, query, fc.integer({ min: 1, max: 30 }), async (documents, queryTerms, k) => {
        const backend = await backendWith(
          documents.map((terms, position) => ({ doc_id: `d${position}`, text: terms.join(" ") })),
          { bm25: { stopwords: "none", stemming: "none" } },
        );
        try {
          const request = { text: queryTerms.join(" ") };
          const [hits] = await backend.search(target, [request], { mode: "bm25", k });
          const ids = documents.map((_, position) => `d${position}`);
          const scores = await backend.scoreDocuments(target, request, ids, { mode: "bm25", k });
          const reference = referenceScores(documents, queryTerms);
          ids.forEach((id, position) => {
            expect(scores.get(id)).toBeCloseTo(reference[position]!, 4);
          });
          const expected = ids
            .map((id, position) => ({ id, position, score: scores.get(id)! }))
            .filter((entry) => entry.score > 0)
            .sort((left, right) => right.score - left.score || left.position - right.position)
            .slice(0, k)
            .map(({ id, score }, position) => ({ id, score, rank: position + 1 }));
          expect(hits).toEqual(expected);
        } finally {
          await backend.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
