export { LanceDbBackend, openLanceDbBackend, type LanceDbBackendOptions, type QueryEmbedder } from "./lancedb-backend.js";
export { COLLECTION_NAME_PATTERN, COLUMNS, METADATA_TABLE } from "./lancedb-schema.js";
export { MissingDatabaseError } from "./missing-database-error.js";
