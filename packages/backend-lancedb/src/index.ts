import type { EngineOpener } from "@hardneg/core/adapter";
import { openLanceDbBackend } from "./lancedb-backend.js";

export { LanceDbBackend, openLanceDbBackend, type LanceDbBackendOptions } from "./lancedb-backend.js";
export { COLUMNS, METADATA_TABLE } from "./lancedb-schema.js";
/** Core's collection name rule, which this engine keeps (no name can clash with {@link METADATA_TABLE}). */
export { COLLECTION_NAME_PATTERN } from "@hardneg/core/adapter";
export { MissingDatabaseError } from "./missing-database-error.js";

/**
 * The opener the CLI finds by convention (`--engine lancedb:<folder>`): `create`, `readOnly` and
 * `embedder` are passed on to {@link openLanceDbBackend}; `busyTimeoutMs` and other options are ignored.
 */
export const openEngine: EngineOpener = (location, options) => openLanceDbBackend(location, options);

/** The folder the CLI refuses to write an export or report into (`engineFiles`, by convention). */
export { engineFiles } from "./lancedb-files.js";
