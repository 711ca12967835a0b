import type { EngineOpener } from "@hardneg/core/adapter";
import { openWeaviateBackend } from "./weaviate-backend.js";

export { WeaviateBackend, openWeaviateBackend, type WeaviateBackendOptions } from "./weaviate-backend.js";
export {
  connectWeaviate,
  type WeaviateClientLike,
  type WeaviateCollectionLike,
  type WeaviateConnectionOptions,
  type WeaviateObjectLike,
} from "./weaviate-client.js";
export { weaviateCollectionName } from "./weaviate-names.js";
export { RECORD_ID_KEY, objectIdOf } from "./weaviate-requests.js";

/**
 * How the CLI opens `--engine weaviate:<url>`: {@link openWeaviateBackend} with the CLI's
 * options (its `embedder`; `create` and `readOnly` mean nothing to a server and are ignored).
 */
export const openEngine: EngineOpener = (location, options) => openWeaviateBackend(location, options);
