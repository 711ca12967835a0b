/**
 * What the adapter needs from an embedding model, typed structurally so any object with these
 * members fits (core's planned `Embedder` has this shape). Qdrant stores and searches dense
 * vectors but does not compute them here, so vector and hybrid search need one.
 */
export interface TextEmbedder {
  /** Vector dimension; used for the dense vector config of new document collections. */
  readonly dim: number;
  embedQueries(texts: string[]): Promise<ArrayLike<number>[]>;
  embedDocuments(texts: string[]): Promise<ArrayLike<number>[]>;
}
