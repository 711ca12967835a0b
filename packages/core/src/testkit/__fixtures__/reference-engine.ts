/**
 * A small, correct engine driver kept as a test fixture: core runs the conformance suite against
 * it (`../conformance.test.ts`), which shows the suite passes a correct adapter, and a copy of it
 * is where bugs are planted to check that the suite catches them.
 *
 * Collections live in memory, in core's `MemoryStoreDriver`. bm25 is Okapi BM25 (k1 1.2, b 0.75) over
 * core's `Tokenizer`, title and content together; vector ranks by cosine against the document
 * property `vector` (the conformance fixture's vectors), with the request's vector or, without
 * one, the embedder's (the fixture's, by default); hybrid fuses the two full lists with
 * core's `fuseHits`. A search index is built on first use per collection and target, and
 * dropped whenever the collection changes.
 */
import type { DocumentTarget, SearchOptions, SearchRequest } from "../../backend.js";
import { createEngine, type EngineOf } from "../../adapter/create-engine.js";
import type { EngineDriver } from "../../adapter/driver.js";
import { MemoryStoreDriver } from "../../adapter/memory-store.js";
import { queryVectorsOf } from "../../adapter-inputs.js";
import { documentFromProperties, documentTextOf } from "../../adapter-records.js";
import { Tokenizer } from "../../analysis/tokenizer.js";
import type { Embedder } from "../../embedders/embedder.js";
import { BadInputError } from "../../errors.js";
import { fuseHits } from "../../fusion.js";
import type { Doc, Hit, SearchMode, StoredRecord } from "../../types.js";
import { FixtureEmbedder } from "../fixture-embedder.js";

/** Options of {@link openReferenceEngine}. */
export interface ReferenceEngineOptions {
  /** Modes claimed. Default all three; fewer lets the suite check that other modes are refused. */
  modes?: readonly SearchMode[];
  /** Requests per driver call. Default 3, so core's batch splitting runs under the suite. */
  maxBatchSize?: number;
  /** Largest k. Default 1000, so the suite can check that k = maxK + 1 is refused. */
  maxK?: number;
  /** Embeds query texts of requests without a vector (mining sends none). Default a `FixtureEmbedder`. */
  embedder?: Pick<Embedder, "id" | "embedQueries">;
}

/** A reference engine: the driver wrapped by `createEngine`, as an adapter's opener returns it. */
export function openReferenceEngine(options: ReferenceEngineOptions = {}): EngineOf<ReferenceEngineDriver> {
  return createEngine(new ReferenceEngineDriver(options));
}

const K1 = 1.2;
const B = 0.75;

interface IndexedDocument {
  id: string;
  properties: Record<string, unknown>;
  termFrequencies: Map<string, number>;
  length: number;
  vector: number[] | undefined;
}

interface SearchIndex {
  /** By document id (the target's idKey property); a later record with the same id wins. */
  documents: Map<string, IndexedDocument>;
  documentFrequencies: Map<string, number>;
  averageLength: number;
}

/** The driver behind {@link openReferenceEngine}: records kept by core's `MemoryStoreDriver`, searched by its own indexes. */
export class ReferenceEngineDriver extends MemoryStoreDriver implements EngineDriver {
  readonly modes: readonly SearchMode[];
  readonly scoreDocumentsModes: readonly SearchMode[];
  readonly maxBatchSize: number;
  readonly maxK: number;
  readonly embedderId: string;
  private readonly embedder: Pick<Embedder, "id" | "embedQueries">;
  /** Search indexes by collection, then by target; dropped by every write, so searches never see stale content. */
  private readonly indexes = new Map<string, Map<string, SearchIndex>>();
  private readonly tokenizer = new Tokenizer();

  constructor(options: ReferenceEngineOptions = {}) {
    super("reference");
    this.modes = options.modes ?? ["bm25", "vector", "hybrid"];
    // A hybrid score depends on the other candidates, so it cannot be given for one document alone.
    this.scoreDocumentsModes = this.modes.filter((mode) => mode !== "hybrid");
    this.maxBatchSize = options.maxBatchSize ?? 3;
    this.maxK = options.maxK ?? 1000;
    this.embedder = options.embedder ?? new FixtureEmbedder();
    this.embedderId = this.embedder.id;
  }

  async search(target: DocumentTarget, requests: readonly SearchRequest[], options: SearchOptions): Promise<Hit[][]> {
    const index = this.indexOf(target);
    const all = index.documents.size;
    const vectors = options.mode === "bm25" ? [] : await this.queryVectors(target, requests);
    return requests.map((request, position) => {
      if (options.mode === "bm25") return ranked(this.bm25Scores(index, request.text), options.k);
      if (options.mode === "vector") return ranked(this.cosineScores(index, vectors[position]!, target), options.k);
      // Hybrid fuses the two full lists, so where a document lands does not depend on k.
      const keyword = ranked(this.bm25Scores(index, request.text), all);
      const vector = ranked(this.cosineScores(index, vectors[position]!, target), all);
      return fuseHits(keyword, vector, { alpha: options.alpha!, fusion: options.fusion!, k: options.k });
    });
  }

  async scoreDocuments(
    target: DocumentTarget,
    request: SearchRequest,
    ids: readonly string[],
    options: SearchOptions,
  ): Promise<Map<string, number>> {
    const index = this.indexOf(target);
    const scores =
      options.mode === "bm25"
        ? this.bm25Scores(index, request.text)
        : this.cosineScores(index, (await this.queryVectors(target, [request]))[0]!, target);
    // A held document sharing no term with the query scores 0 in bm25: search leaves it out, but it has a score.
    return new Map(ids.filter((id) => index.documents.has(id)).map((id) => [id, scores.get(id) ?? 0]));
  }

  async getDocuments(target: DocumentTarget, ids: readonly string[]): Promise<Map<string, Doc>> {
    const index = this.indexOf(target);
    const found = new Map<string, Doc>();
    for (const id of ids) {
      const document = index.documents.get(id);
      if (document !== undefined) found.set(id, documentFromProperties(id, structuredClone(document.properties), target));
    }
    return found;
  }

  /** Any write makes the collection's indexes stale: they are rebuilt on the next search. */
  protected override recordWritten(collection: string): void {
    this.indexes.delete(collection);
  }

  protected override collectionDropped(collection: string): void {
    this.indexes.delete(collection);
  }

  /** The collection's index for `target`, built from its records on first use. */
  private indexOf(target: DocumentTarget): SearchIndex {
    const records = this.recordsOf(target.collection);
    const indexes = this.indexes.get(target.collection) ?? new Map<string, SearchIndex>();
    this.indexes.set(target.collection, indexes);
    const key = JSON.stringify([target.idKey, target.contentKey, target.titleKey ?? null]);
    let index = indexes.get(key);
    if (index === undefined) {
      index = this.buildIndex(records.values(), target);
      indexes.set(key, index);
    }
    return index;
  }

  private buildIndex(records: Iterable<StoredRecord>, target: DocumentTarget): SearchIndex {
    const documents = new Map<string, IndexedDocument>();
    for (const record of records) {
      const id = record.properties[target.idKey];
      if (typeof id !== "string" || id === "") continue;
      // Title and content are searched together, as adapters embed them.
      const terms = this.tokenizer.tokenize(documentTextOf(record, target));
      const termFrequencies = new Map<string, number>();
      for (const term of terms) termFrequencies.set(term, (termFrequencies.get(term) ?? 0) + 1);
      const vector = record.properties["vector"];
      documents.set(id, {
        id,
        properties: record.properties,
        termFrequencies,
        length: terms.length,
        vector: isVector(vector) ? vector : undefined,
      });
    }
    const documentFrequencies = new Map<string, number>();
    let totalLength = 0;
    for (const document of documents.values()) {
      totalLength += document.length;
      for (const term of document.termFrequencies.keys()) documentFrequencies.set(term, (documentFrequencies.get(term) ?? 0) + 1);
    }
    return { documents, documentFrequencies, averageLength: documents.size === 0 ? 0 : totalLength / documents.size };
  }

  /** BM25 of every document sharing a term with `text`; the others are left out. */
  private bm25Scores(index: SearchIndex, text: string): Map<string, number> {
    const scores = new Map<string, number>();
    const count = index.documents.size;
    for (const term of new Set(this.tokenizer.tokenize(text))) {
      const frequency = index.documentFrequencies.get(term);
      if (frequency === undefined) continue;
      const idf = Math.log(1 + (count - frequency + 0.5) / (frequency + 0.5));
      for (const document of index.documents.values()) {
        const tf = document.termFrequencies.get(term);
        if (tf === undefined) continue;
        const norm = tf + K1 * (1 - B + (B * document.length) / index.averageLength);
        scores.set(document.id, (scores.get(document.id) ?? 0) + (idf * tf * (K1 + 1)) / norm);
      }
    }
    return scores;
  }

  /** Each request's own vector, else the embedder's for its text. */
  private queryVectors(target: DocumentTarget, requests: readonly SearchRequest[]): Promise<ArrayLike<number>[]> {
    return queryVectorsOf(
      requests,
      requests.map((request) => request.text),
      this.embedder,
      { component: this.name, collection: target.collection },
    );
  }

  /** Cosine of a query vector with every document that has one. */
  private cosineScores(index: SearchIndex, query: ArrayLike<number>, target: DocumentTarget): Map<string, number> {
    const scores = new Map<string, number>();
    for (const document of index.documents.values()) {
      if (document.vector === undefined) continue;
      if (document.vector.length !== query.length) {
        throw new BadInputError(`query vector has ${query.length} dimensions, document "${document.id}" ${document.vector.length}`, {
          component: this.name,
          collection: target.collection,
        });
      }
      scores.set(document.id, cosine(query, document.vector));
    }
    return scores;
  }
}

/** Hits best first (ties by id, so answers are deterministic), at most `k`, ranked from 1. */
function ranked(scores: Map<string, number>, k: number): Hit[] {
  return [...scores]
    .sort(([leftId, left], [rightId, right]) => right - left || (leftId < rightId ? -1 : leftId > rightId ? 1 : 0))
    .slice(0, k)
    .map(([id, score], position) => ({ id, score, rank: position + 1 }));
}

function cosine(left: ArrayLike<number>, right: readonly number[]): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let position = 0; position < right.length; position++) {
    dot += left[position]! * right[position]!;
    leftNorm += left[position]! ** 2;
    rightNorm += right[position]! ** 2;
  }
  return leftNorm === 0 || rightNorm === 0 ? 0 : dot / Math.sqrt(leftNorm * rightNorm);
}

function isVector(value: unknown): value is number[] {
  return (
    Array.isArray(value) && value.length > 0 && value.every((component) => typeof component === "number" && Number.isFinite(component))
  );
}
