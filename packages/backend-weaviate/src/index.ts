export { WeaviateBackend, openWeaviateBackend, type WeaviateBackendOptions } from "./weaviate-backend.js";
export { connectWeaviate, type WeaviateClientLike, type WeaviateCollectionLike, type WeaviateConnectionOptions, type WeaviateObjectLike } from "./weaviate-client.js";
export { weaviateCollectionName } from "./weaviate-names.js";
export { RECORD_ID_KEY, objectIdOf } from "./weaviate-requests.js";
