export { ElasticBackend, openElasticBackend, type ElasticBackendOptions } from "./elastic-backend.js";
export { createElasticClient, type ElasticClient, type ElasticConnectionOptions } from "./elastic-client.js";
export { assertIndexName } from "./elastic-index-names.js";
