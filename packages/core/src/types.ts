/** A document of a corpus, in the normalised shape core works with. */
export interface Doc {
  /** The benchmark's own document id (what gold ids refer to). */
  id: string;
  /** The text searched and exported (for multi-field documents, the content field). */
  text: string;
  title?: string;
  /** Any other properties of the stored record. */
  fields?: Record<string, unknown>;
}

/** A benchmark query with its labelled gold documents. */
export interface Query {
  id: string;
  text: string;
  /** Ids of relevant documents, in the benchmark's order. */
  goldIds: string[];
  /** Graded relevance per gold id (qrels score); absent means every gold has grade 1. */
  grades?: Record<string, number>;
}

/** One ranked result. `rank` is 1-based; `score` is on the engine's own scale (higher is better). */
export interface Hit {
  id: string;
  score: number;
  rank: number;
}

/** Search modes a backend can offer. */
export type SearchMode = "bm25" | "vector" | "hybrid";

/** How hybrid search fuses the keyword and vector lists (Weaviate's names). */
export type FusionType = "relative-score" | "rrf";

/** One stored record: a caller-chosen id and free-form properties. */
export interface StoredRecord {
  id: string;
  properties: Record<string, unknown>;
}
