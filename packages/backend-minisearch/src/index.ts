export { MiniSearchDriver, openEngine, openMiniSearchBackend } from "./minisearch-backend.js";
