import { Bm25Scorer, inSharedMemory, type PostingLists, type TopKStrategy } from "./bm25-scorer.js";
import { rangeMaxScoresOf } from "./range-max-scores.js";
import type { RankedDocuments } from "./top-k.js";

export type { TopKStrategy } from "./bm25-scorer.js";

/** BM25 free parameters. */
export interface Bm25Parameters {
  /** Term-frequency saturation. Default 1.5. */
  k1: number;
  /** Document-length normalisation, 0 (none) to 1 (full). Default 0.75. */
  b: number;
}

/**
 * How a term repeated in a query counts. "sum" adds its postings once per occurrence (what
 * Lucene's boolean OR, SQLite FTS5 and bm25s do); "once" counts each distinct term once.
 */
export type QueryTermRepeats = "sum" | "once";

/** The arrays that make up an index, as built or as loaded from its file. */
export interface Bm25IndexData {
  /** The collection the index was built from. */
  collection: string;
  parameters: Bm25Parameters;
  averageDocumentLength: number;
  /** docIndex → the document's benchmark id (the `idKey` property). */
  documentIds: readonly string[];
  /** docIndex → SQLite row id of its record, for fetching documents in one query. */
  recordRowIds: Float64Array;
  /** termId → term. */
  vocabulary: readonly string[];
  /** Postings of term t are positions `termOffsets[t] .. termOffsets[t + 1]` (CSR layout). */
  termOffsets: Uint32Array;
  /** Document index of each posting, ascending within a term. */
  postingDocuments: Uint32Array;
  /** Precomputed BM25 contribution idf(t) · tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)). */
  postingScores: Float32Array;
  /** termId → its largest posting score (0 at least), MaxScore's upper bound (see posting-layout.ts). */
  termMaxScores: Float32Array;
}

/**
 * An eager BM25 index (the bm25s approach): every (term, document) score contribution is
 * computed at build time, so a query only sums the posting lists of its terms into a score
 * accumulator and selects the top k (see {@link Bm25Scorer}). Read-only once built.
 */
export class Bm25Index {
  private indexData: Bm25IndexData;
  private termIdByTerm: Map<string, number> | undefined;
  private documentIndexById: Map<string, number> | undefined;
  /** Searches this thread's queries (search threads have scorers of their own over the same lists). */
  private scorer: Bm25Scorer;
  /** Whether the scorer's lists carry their range bounds yet (computed on the first search, not by `load`). */
  private rangesAdded = false;

  constructor(data: Bm25IndexData) {
    this.indexData = data;
    const { termOffsets, postingDocuments, postingScores, termMaxScores } = data;
    this.scorer = new Bm25Scorer({ termOffsets, postingDocuments, postingScores, termMaxScores, documentCount: data.documentIds.length });
  }

  /** The index's arrays. */
  get data(): Bm25IndexData {
    return this.indexData;
  }

  get collection(): string {
    return this.data.collection;
  }

  get documentCount(): number {
    return this.data.documentIds.length;
  }

  get termCount(): number {
    return this.data.vocabulary.length;
  }

  get postingCount(): number {
    return this.data.postingDocuments.length;
  }

  /** Term ids of the query terms the index knows; unknown terms are dropped. */
  termIdsOf(terms: readonly string[], repeats: QueryTermRepeats): number[] {
    this.termIdByTerm ??= new Map(this.data.vocabulary.map((term, termId) => [term, termId]));
    const termIds: number[] = [];
    for (const term of terms) {
      const termId = this.termIdByTerm.get(term);
      if (termId === undefined || (repeats === "once" && termIds.includes(termId))) continue;
      termIds.push(termId);
    }
    return termIds;
  }

  /** The index of the document whose id is `documentId` (first one when ids repeat). */
  documentIndexOf(documentId: string): number | undefined {
    if (this.documentIndexById === undefined) {
      // Last to first, so the first index of a repeated id is the one left: one map operation
      // per document instead of two (1M ids: 0.41-0.45 s against 0.58-0.84 s).
      const byId = new Map<string, number>();
      const { documentIds } = this.data;
      for (let documentIndex = documentIds.length - 1; documentIndex >= 0; documentIndex--)
        byId.set(documentIds[documentIndex]!, documentIndex);
      this.documentIndexById = byId;
    }
    return this.documentIndexById.get(documentId);
  }

  /**
   * The arrays a search reads, over shared memory for search threads. An index read from its
   * file is there already; a built one is moved there on the first call (copied once, the
   * private arrays then dropped). Built indexes start private: filling shared buffers while
   * building raised load's peak memory by a fifth at 1M documents.
   */
  sharedPostingLists(): PostingLists {
    this.addRangeMaxScores();
    const lists = inSharedMemory(this.scorer.lists);
    if (lists !== this.scorer.lists) {
      const { termOffsets, postingDocuments, postingScores, termMaxScores } = lists;
      this.indexData = { ...this.indexData, termOffsets, postingDocuments, postingScores, termMaxScores };
      this.scorer = new Bm25Scorer(lists);
    }
    return lists;
  }

  /**
   * The `k` best documents for the query terms, best first; documents scoring 0 are left out.
   * Pruned or exhaustive, the answer is the same to the last bit (ids, order and scores).
   */
  search(termIds: readonly number[], k: number, strategy: TopKStrategy = "auto"): RankedDocuments {
    this.addRangeMaxScores();
    return this.scorer.search(termIds, k, strategy);
  }

  /** Gives the scorer's lists their range bounds (rangeMaxScoresOf, in shared memory), once. */
  private addRangeMaxScores(): void {
    if (this.rangesAdded) return;
    this.rangesAdded = true;
    const rangeMaxScores = rangeMaxScoresOf(this.scorer.lists, this.documentCount);
    if (rangeMaxScores !== undefined) this.scorer = new Bm25Scorer({ ...this.scorer.lists, rangeMaxScores });
  }

  /** Scores of the given documents for the query terms, summed exactly as {@link search} sums them. */
  scoreDocuments(termIds: readonly number[], documentIndexes: readonly number[]): Float32Array {
    return this.scorer.scoreDocuments(termIds, documentIndexes);
  }
}
