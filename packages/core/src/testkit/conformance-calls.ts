/**
 * The suite's calls to the engine, each checking the answer's contract on the way, so every
 * search of every test checks hit lists and every fetch checks that only asked ids come back.
 * An adapter that bypasses `createEngine` (whose wrapper checks the same) is caught too.
 */
import { expect } from "vitest";
import type { DocumentTarget, Engine, SearchOptions, SearchRequest } from "../backend.js";
import type { Doc, Hit, SearchMode, StoredRecord } from "../types.js";
import { expectOnlyAskedIds, expectRankedList } from "./conformance-assertions.js";
import type { ConformanceContext } from "./conformance-context.js";

/** The options the suite passes for a mode; hybrid always names alpha (default 0.5) and fusion (default relative-score). */
export function optionsFor(mode: SearchMode, k: number, hybrid: Pick<SearchOptions, "alpha" | "fusion"> = {}): SearchOptions {
  return mode === "hybrid" ? { mode, k, alpha: hybrid.alpha ?? 0.5, fusion: hybrid.fusion ?? "relative-score" } : { mode, k };
}

/** The fixture's queries; every request carries the query vector too: vector-capable adapters need it, others ignore it. */
export function requestsOf(context: ConformanceContext): SearchRequest[] {
  return context.fixture.queries.map((query) => ({ text: query.text, vector: [...query.vector] }));
}

/**
 * `engine.search`, checked: one hit list per request, each ranked (ranks 1..n, finite
 * non-increasing scores, at most k, distinct ids) and, when `documentIds` is given, made of
 * those ids only (document ids of the collection, never record ids or another collection's).
 */
export async function searchChecked(
  engine: Engine,
  target: DocumentTarget,
  requests: readonly SearchRequest[],
  options: SearchOptions,
  what: string,
  documentIds?: ReadonlySet<string>,
): Promise<Hit[][]> {
  const lists = await engine.search(target, requests, options);
  expect(Array.isArray(lists), `${what}: search must answer an array of hit lists`).toBe(true);
  expect(lists.length, `${what}: one hit list per request`).toBe(requests.length);
  lists.forEach((hits, index) => {
    expectRankedList(hits, options.k, `${what}, request ${index}`);
    if (documentIds === undefined) return;
    const unknown = hits.map((hit) => hit.id).filter((id) => !documentIds.has(id));
    expect(unknown, `${what}, request ${index}: ids that are not document ids (the idKey property) of "${target.collection}"`).toEqual([]);
  });
  return lists;
}

/** The ids of a hit list, best first. */
export function idsOf(hits: readonly Hit[] | undefined): string[] {
  return (hits ?? []).map((hit) => hit.id);
}

/** `engine.scoreDocuments`, checked: a Map of asked ids only, each to a finite score. */
export async function scoreDocumentsChecked(
  engine: Engine,
  target: DocumentTarget,
  request: SearchRequest,
  ids: readonly string[],
  options: SearchOptions,
  what: string,
): Promise<Map<string, number>> {
  const scores = await engine.scoreDocuments(target, request, ids, options);
  expectOnlyAskedIds(scores, ids, `${what}: scoreDocuments`);
  for (const [id, score] of scores) {
    expect(Number.isFinite(score), `${what}: score of "${id}" must be finite, got ${String(score)}`).toBe(true);
  }
  return scores;
}

/** `engine.getDocuments`, checked: a Map of asked ids only, each to a document with that id and a string text. */
export async function getDocumentsChecked(
  engine: Engine,
  target: DocumentTarget,
  ids: readonly string[],
  what: string,
): Promise<Map<string, Doc>> {
  const documents = await engine.getDocuments(target, ids);
  expectOnlyAskedIds(documents, ids, `${what}: getDocuments`);
  for (const [id, document] of documents) {
    expect(document?.id, `${what}: getDocuments maps "${id}" to a document with that id`).toBe(id);
    expect(typeof document?.text, `${what}: document "${id}" has a string text`).toBe("string");
  }
  return documents;
}

/** `engine.getRecords`, checked: a Map of asked ids only, each to the record with that id. */
export async function getRecordsChecked(
  engine: Engine,
  collection: string,
  ids: readonly string[],
  what: string,
): Promise<Map<string, StoredRecord>> {
  const records = await engine.getRecords(collection, ids);
  expectOnlyAskedIds(records, ids, `${what}: getRecords`);
  for (const [id, record] of records) expect(record?.id, `${what}: getRecords maps "${id}" to the record with that id`).toBe(id);
  return records;
}

/** Every batch `iterate` yields, checked: non-empty and at most `batchSize` records. */
export async function iterateChecked(engine: Engine, collection: string, batchSize: number, what: string): Promise<StoredRecord[][]> {
  const batches: StoredRecord[][] = [];
  for await (const batch of engine.iterate(collection, { batchSize })) {
    expect(Array.isArray(batch) && batch.length > 0, `${what}: iterate yields non-empty batches`).toBe(true);
    expect(batch.length, `${what}: a batch larger than batchSize ${batchSize}`).toBeLessThanOrEqual(batchSize);
    batches.push(batch);
  }
  return batches;
}
