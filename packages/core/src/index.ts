export * from "./errors.js";
export * from "./types.js";
export * from "./backend.js";
export { uuidV5, contentId, HARDNEG_NAMESPACE } from "./ids.js";
export { seededRandom, shuffled } from "./random.js";
export * from "./metrics.js";
export * from "./collections.js";
