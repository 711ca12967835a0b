/**
 * BM25 as Qdrant sparse vectors. Qdrant's `idf` modifier multiplies each query term by the
 * collection's inverse document frequency, ln(1 + (N - n + 0.5) / (n + 0.5)), at search time;
 * the document side is computed here: the BM25 term-frequency part
 * tf · (k1 + 1) / (tf + k1 · (1 - b + b · length / averageLength)). The dot product of the two
 * is then BM25 with Lucene's IDF. The average length is a fixed option, not measured, because
 * documents are written in streamed batches (fastembed's BM25 makes the same choice).
 */
import { Tokenizer } from "@hardneg/core/adapter";

/** BM25 parameters of the client-side weighting. */
export interface Bm25Weighting {
  /** Term-frequency saturation. Default 1.5 (backend-local's). */
  k1?: number;
  /** Length normalisation, 0 to 1. Default 0.75 (backend-local's). */
  b?: number;
  /** Assumed average document length in terms. Default 256. */
  averageDocumentLength?: number;
}

export interface SparseVector {
  indices: number[];
  values: number[];
}

/**
 * The same analyser as backend-local (core's Tokenizer: by default lowercase, Unicode word runs,
 * English stop words, Porter stemming), so BM25 terms agree across the two engines. A
 * collection in another language passes its own (`TokenizersByLanguage`).
 */
const ENGLISH = new Tokenizer();

/** The BM25 terms of `text`, repeats kept. */
export function tokenize(text: string, tokenizer: Tokenizer = ENGLISH): string[] {
  return tokenizer.tokenize(text);
}

/**
 * The sparse index of a term: 32-bit FNV-1a of its UTF-16 code units. Qdrant indices are u32;
 * a hash needs no shared vocabulary between writers. Distinct terms may collide (rarely); they
 * then count as one term, as with fastembed's hashed BM25.
 */
export function termIndex(term: string): number {
  let hash = 0x811c9dc5;
  for (let position = 0; position < term.length; position++) hash = Math.imul(hash ^ term.charCodeAt(position), 0x01000193);
  return hash >>> 0;
}

/** The document-side sparse vector of `text` (indices ascending), analysed by `tokenizer` (default English). */
export function documentSparseVector(text: string, weighting: Bm25Weighting = {}, tokenizer: Tokenizer = ENGLISH): SparseVector {
  const k1 = weighting.k1 ?? 1.5;
  const b = weighting.b ?? 0.75;
  const averageLength = weighting.averageDocumentLength ?? 256;
  const terms = tokenize(text, tokenizer);
  const frequencies = countByIndex(terms);
  const norm = k1 * (1 - b + (b * terms.length) / averageLength);
  return sparseOf(frequencies, (frequency) => (frequency * (k1 + 1)) / (frequency + norm));
}

/** The query-side sparse vector: each term weighted by how often the query repeats it (backend-local's "sum"). */
export function querySparseVector(text: string, tokenizer: Tokenizer = ENGLISH): SparseVector {
  return sparseOf(countByIndex(tokenize(text, tokenizer)), (count) => count);
}

function countByIndex(terms: readonly string[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const term of terms) {
    const index = termIndex(term);
    counts.set(index, (counts.get(index) ?? 0) + 1);
  }
  return counts;
}

function sparseOf(counts: Map<number, number>, weight: (count: number) => number): SparseVector {
  const indices = [...counts.keys()].sort((left, right) => left - right);
  return { indices, values: indices.map((index) => weight(counts.get(index)!)) };
}
