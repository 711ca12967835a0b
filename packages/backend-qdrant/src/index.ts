export { QdrantBackend, openQdrantBackend, type QdrantBackendOptions } from "./qdrant-backend.js";
export { createQdrantClient, type QdrantClientLike, type QdrantConnectionOptions, type QdrantPoint } from "./qdrant-client.js";
export { documentSparseVector, querySparseVector, termIndex, tokenize, type Bm25Weighting, type SparseVector } from "./bm25-sparse-vectors.js";
export { RECORD_ID_KEY, pointIdOf, type VectorNames } from "./qdrant-requests.js";
