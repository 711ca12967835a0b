import type { EngineOpener } from "@hardneg/core/adapter";
import { openElasticBackend } from "./elastic-backend.js";

export { ElasticBackend, openElasticBackend, type ElasticBackendOptions } from "./elastic-backend.js";
export { createElasticClient, type ElasticClient, type ElasticConnectionOptions } from "./elastic-client.js";
export { assertIndexName } from "./elastic-index-names.js";

/**
 * How the CLI opens `--engine elastic:<url>`: {@link openElasticBackend} with the CLI's options
 * (its `embedder`; `create` and `readOnly` mean nothing to a server and are ignored).
 */
export const openEngine: EngineOpener = (location, options) => openElasticBackend(location, options);
