import type { EngineOpener } from "@hardneg/core/adapter";
import { openQdrantBackend } from "./qdrant-backend.js";

export { QdrantBackend, openQdrantBackend, type QdrantBackendOptions } from "./qdrant-backend.js";
export { createQdrantClient, type QdrantClientLike, type QdrantConnectionOptions, type QdrantPoint } from "./qdrant-client.js";
export {
  documentSparseVector,
  querySparseVector,
  termIndex,
  tokenize,
  type Bm25Weighting,
  type SparseVector,
} from "./bm25-sparse-vectors.js";
export { RECORD_ID_KEY, pointIdOf, type VectorNames } from "./qdrant-requests.js";

/**
 * How the CLI opens `--engine qdrant:<url>`: {@link openQdrantBackend} with the CLI's options
 * (its `embedder`; `create` and `readOnly` mean nothing to a server and are ignored).
 */
export const openEngine: EngineOpener = (location, options) => openQdrantBackend(location, options);
