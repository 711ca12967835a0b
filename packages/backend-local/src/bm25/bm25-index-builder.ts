import { Bm25Index, type Bm25Parameters } from "./bm25-index.js";
import { GrowableArray } from "./growable-array.js";
import { inverseDocumentFrequencies, layOutPostings, type ScannedPairs } from "./posting-layout.js";
import type { Tokenizer } from "@hardneg/core/adapter";
import { Vocabulary } from "./vocabulary.js";
import { WordTable } from "./word-table.js";

/** Marks a word that is dropped as a stop word in the word cache. */
const STOP_WORD = -1;

/**
 * What scanning a run of consecutive documents yields, with term ids local to the scanning
 * builder (a build thread's answer, see parallel-build.ts): the terms that builder saw first in
 * this run (they continue its local ids), each document's distinct terms with their
 * frequencies, and each document's length.
 */
export interface ScannedDocuments extends ScannedPairs {
  newTerms: string[];
}

/**
 * Builds a {@link Bm25Index} in one streaming pass over the corpus, then one pass over the
 * collected (term, frequency) pairs. Documents are added in collection order; their position
 * is their document index.
 *
 * Memory holds what the index needs (per document its distinct terms with frequencies, then the
 * postings), never the texts: each text is tokenised and dropped.
 */
export class Bm25IndexBuilder {
  /** Lowercased word → term id, or {@link STOP_WORD}: one lookup per token covers stop list, stemming and vocabulary. */
  private readonly termIdByWord = new WordTable();
  /** Distinct term ids of the document being added, in first-seen order. */
  private readonly distinctTermIds = new GrowableArray(Uint32Array);
  private currentLength = 0;
  private readonly vocabulary = new Vocabulary();
  private readonly documentIds: string[] = [];
  private readonly recordRowIds = new GrowableArray(Float64Array);
  private readonly documentLengths = new GrowableArray(Uint32Array);
  /** End (exclusive) of each document's run in `pairTermIds` / `pairFrequencies`. */
  private readonly documentPairEnds = new GrowableArray(Uint32Array);
  private readonly pairTermIds = new GrowableArray(Uint32Array, 1 << 16);
  private readonly pairFrequencies = new GrowableArray(Uint32Array, 1 << 16);
  /**
   * Two counters per term, side by side so a rare term costs one cache miss rather than two:
   * at `2 · termId` its count in the document being added (zero except for that document's
   * terms), at `2 · termId + 1` how many documents contain it. Grown with the vocabulary.
   */
  private termCounts: Uint32Array<ArrayBuffer> = new Uint32Array(2048);
  private totalLength = 0;
  /** How much of the vocabulary {@link takeScanned} has handed out. */
  private termsTaken = 0;

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly parameters: Bm25Parameters,
    private readonly collection: string,
  ) {}

  /**
   * A builder that only scans texts for a threaded build ({@link takeScanned}): BM25 parameters
   * and document ids are the threaded build's business.
   */
  static scanner(tokenizer: Tokenizer): Bm25IndexBuilder {
    return new Bm25IndexBuilder(tokenizer, { k1: 0, b: 0 }, "");
  }

  /** Adds one document: its benchmark id, its SQLite row id, and its searchable text. */
  addDocument(documentId: string, recordRowId: number, text: string): void {
    this.distinctTermIds.length = 0;
    this.currentLength = 0;
    this.tokenizer.scanWords(text, this.countWord);
    const length = this.currentLength;
    const termCounts = this.termCounts;
    for (const termId of this.distinctTermIds.view()) {
      this.pairTermIds.push(termId);
      this.pairFrequencies.push(termCounts[2 * termId]!);
      termCounts[2 * termId] = 0;
      termCounts[2 * termId + 1]!++;
    }
    this.documentIds.push(documentId);
    this.recordRowIds.push(recordRowId);
    this.documentLengths.push(length);
    this.documentPairEnds.push(this.pairTermIds.length);
    this.totalLength += length;
  }

  /**
   * What {@link addDocument} gathered since the last call, copied out into shared memory (so
   * sending it to another thread copies nothing, and the threads that lay the postings out
   * read it in place); the builder then starts an empty run, keeping its vocabulary (so local
   * term ids stay stable across runs).
   */
  takeScanned(): ScannedDocuments {
    const scanned = {
      newTerms: this.vocabulary.terms.slice(this.termsTaken),
      pairTermIds: sharedCopyOf(this.pairTermIds.view()),
      pairFrequencies: sharedCopyOf(this.pairFrequencies.view()),
      documentPairEnds: sharedCopyOf(this.documentPairEnds.view()),
      documentLengths: sharedCopyOf(this.documentLengths.view()),
    };
    this.termsTaken = this.vocabulary.terms.length;
    for (const array of [this.pairTermIds, this.pairFrequencies, this.documentPairEnds, this.documentLengths, this.recordRowIds])
      array.length = 0;
    this.documentIds.length = 0;
    return scanned;
  }

  /** Computes the postings and their score contributions. The builder must not be reused. */
  finish(): Bm25Index {
    const { k1, b } = this.parameters;
    const documentCount = this.documentIds.length;
    const termCount = this.vocabulary.terms.length;
    const averageDocumentLength = documentCount === 0 ? 0 : this.totalLength / documentCount;
    const documentFrequencies = new Uint32Array(termCount);
    for (let termId = 0; termId < termCount; termId++) documentFrequencies[termId] = this.termCounts[2 * termId + 1]!;
    const termOffsets = new Uint32Array(termCount + 1);
    for (let termId = 0; termId < termCount; termId++) termOffsets[termId + 1] = termOffsets[termId]! + documentFrequencies[termId]!;
    const postingCount = termOffsets[termCount]!;
    const postings = { postingDocuments: new Uint32Array(postingCount), postingScores: new Float32Array(postingCount) };
    const termMaxScores = new Float32Array(termCount);
    const scoring = {
      k1,
      b,
      averageDocumentLength,
      inverseDocumentFrequency: inverseDocumentFrequencies(documentFrequencies, termCount, documentCount),
    };
    const run = {
      pairTermIds: this.pairTermIds.view(),
      pairFrequencies: this.pairFrequencies.view(),
      documentPairEnds: this.documentPairEnds.view(),
      documentLengths: this.documentLengths.view(),
    };
    layOutPostings([run], 0, termOffsets.slice(0, termCount), scoring, postings, termMaxScores);
    return new Bm25Index({
      collection: this.collection,
      parameters: { k1, b },
      averageDocumentLength,
      documentIds: this.documentIds,
      recordRowIds: this.recordRowIds.toTrimmedArray(),
      vocabulary: this.vocabulary.terms,
      termOffsets,
      ...postings,
      termMaxScores,
    });
  }

  /** Counts one word of the document being added (a bound method: the scanner calls it per word). */
  private readonly countWord = (text: string, start: number, end: number, hash: number): void => {
    let termId = this.termIdByWord.get(text, start, end, hash);
    if (termId === undefined) {
      const word = text.slice(start, end);
      termId = this.resolveWord(word);
      this.termIdByWord.add(word, hash, termId);
    }
    if (termId === STOP_WORD) return;
    this.currentLength++;
    const termCounts = this.termCounts;
    if (termCounts[2 * termId] === 0) this.distinctTermIds.push(termId);
    termCounts[2 * termId]!++;
  };

  /** Analyses a word seen for the first time and remembers its term id (or that it is a stop word). */
  private resolveWord(word: string): number {
    const term = this.tokenizer.termOfWord(word);
    return term === undefined ? STOP_WORD : this.termIdOf(term);
  }

  private termIdOf(term: string): number {
    const termId = this.vocabulary.idOf(term);
    if (2 * termId + 1 >= this.termCounts.length) this.termCounts = doubled(this.termCounts);
    return termId;
  }
}

function doubled(array: Uint32Array): Uint32Array<ArrayBuffer> {
  const larger = new Uint32Array(array.length * 2);
  larger.set(array);
  return larger;
}

/** `values` as a Uint32Array in shared memory, which another thread reads in place. */
export function sharedCopyOf(values: ArrayLike<number>): Uint32Array {
  const copy = new Uint32Array(new SharedArrayBuffer(4 * values.length));
  copy.set(values);
  return copy;
}
