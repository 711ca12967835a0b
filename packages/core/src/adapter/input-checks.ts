/**
 * What core checks before it calls a driver, so every adapter refuses the same inputs with the
 * same messages. Each check throws a `BadOptionError` (an option or a name) or a `BadInputError`
 * (a request, an id, a record), naming the component and collection.
 */
import { checkLanguage } from "../analysis/languages.js";
import type { BackendCapabilities, CollectionSpec, DocumentTarget, SearchOptions, SearchRequest } from "../backend.js";
import { BadInputError, BadOptionError, UnsupportedCapabilityError, type HardnegErrorOptions } from "../errors.js";
import type { SearchMode, StoredRecord } from "../types.js";
import { assertCollectionName } from "./collection-names.js";

export const SEARCH_MODES: readonly SearchMode[] = ["bm25", "vector", "hybrid"];
const COLLECTION_KINDS: ReadonlyArray<CollectionSpec["kind"]> = ["documents", "queries", "hard-negatives", "records"];

/** A target with a valid collection name and non-empty property names. */
export function checkTarget(target: DocumentTarget, component: string): void {
  if (typeof target !== "object" || target === null)
    throw new BadOptionError("target", "must be an object { collection, idKey, contentKey, titleKey? }", { component });
  assertCollectionName(target.collection, component);
  const where = { component, collection: target.collection };
  for (const key of ["idKey", "contentKey", "titleKey"] as const) {
    const value = target[key];
    if (key === "titleKey" && value === undefined) continue;
    if (typeof value !== "string" || value === "")
      throw new BadOptionError(key, `must be a non-empty property name, got ${JSON.stringify(value)}`, where);
  }
}

/** Requests with non-empty texts and, where given, vectors of finite numbers. */
export function checkRequests(requests: readonly SearchRequest[], where: HardnegErrorOptions): void {
  if (!Array.isArray(requests)) throw new BadInputError("search requests must be an array", where);
  requests.forEach((request, position) => {
    checkRequest(request, position, where);
  });
}

export function checkRequest(request: SearchRequest, position: number, where: HardnegErrorOptions): void {
  const text = request?.text;
  if (typeof text !== "string" || text.trim() === "") throw new BadInputError(`search request ${position}: query text is empty`, where);
  const vector = request.vector;
  if (vector === undefined) return;
  if (!(Array.isArray(vector) || vector instanceof Float32Array) || vector.length === 0) {
    throw new BadInputError(`search request ${position}: vector must be a non-empty array of numbers`, where);
  }
  for (let index = 0; index < vector.length; index++) {
    if (typeof vector[index] !== "number" || !Number.isFinite(vector[index]))
      throw new BadInputError(`search request ${position}: vector holds a non-finite value at ${index}`, where);
  }
}

/**
 * A mode the capabilities claim (`claimed`: the search modes, or the scoreDocuments modes), `k`
 * a positive integer within `maxK`, and for hybrid an `alpha` in [0, 1] and a `fusion`.
 */
export function checkSearchOptions(
  options: SearchOptions,
  capabilities: BackendCapabilities,
  claimed: readonly SearchMode[],
  what: string,
  where: HardnegErrorOptions,
): void {
  const { component, collection } = where;
  const mode = options?.mode;
  if (!SEARCH_MODES.includes(mode))
    throw new BadOptionError("mode", `must be "bm25", "vector" or "hybrid", got ${JSON.stringify(mode)}`, { component });
  if (!claimed.includes(mode)) {
    const offered = claimed.length === 0 ? "none" : claimed.join(", ");
    const hint =
      capabilities.modes.includes("vector") || mode === "bm25"
        ? ""
        : "; vector and hybrid modes need vectors (open the engine with an embedder; CLI: --embedder)";
    throw new UnsupportedCapabilityError(`${what} in mode "${mode}" is not offered by this engine (it offers: ${offered})${hint}`, {
      component,
      collection,
      option: "mode",
    });
  }
  const k = options.k;
  if (!Number.isInteger(k) || k < 1)
    throw new BadOptionError("k", `must be a positive integer, got ${String(k)}`, { component, collection });
  if (capabilities.maxK !== undefined && k > capabilities.maxK)
    throw new BadOptionError("k", `is ${k}, above this engine's maximum of ${capabilities.maxK}`, { component, collection });
  if (mode !== "hybrid") return;
  const alpha = options.alpha;
  if (typeof alpha !== "number" || !(alpha >= 0 && alpha <= 1))
    throw new BadOptionError("alpha", `hybrid search needs alpha from 0 (keyword) to 1 (vector), got ${String(alpha)}`, {
      component,
      collection,
    });
  if (options.fusion !== "rrf" && options.fusion !== "relative-score")
    throw new BadOptionError("fusion", `must be "rrf" or "relative-score", got ${JSON.stringify(options.fusion)}`, {
      component,
      collection,
    });
}

/** Distinct ids, in first-seen order; each must be a non-empty string. */
export function distinctIds(ids: readonly string[], where: HardnegErrorOptions): string[] {
  if (!Array.isArray(ids)) throw new BadInputError("ids must be an array of strings", where);
  const distinct = new Set<string>();
  for (const id of ids) {
    if (typeof id !== "string" || id === "") throw new BadInputError(`ids must be non-empty strings, got ${JSON.stringify(id)}`, where);
    distinct.add(id);
  }
  return [...distinct];
}

/** A spec with a valid name and kind, and for documents a target's property names. */
export function checkSpec(spec: CollectionSpec, component: string): void {
  if (typeof spec !== "object" || spec === null) throw new BadOptionError("spec", "must be an object { name, kind }", { component });
  assertCollectionName(spec.name, component);
  if (!COLLECTION_KINDS.includes(spec.kind)) {
    throw new BadOptionError(
      "kind",
      `must be one of ${COLLECTION_KINDS.map((kind) => `"${kind}"`).join(", ")}, got ${JSON.stringify(spec.kind)}`,
      { component, collection: spec.name },
    );
  }
  if (spec.kind === "documents" && spec.target !== undefined) checkTarget({ ...spec.target, collection: spec.name }, component);
  if (spec.language !== undefined) checkLanguage(spec.language, "language", component);
}

/**
 * Records with non-empty string ids and plain-object properties; a repeated id keeps its last
 * record, at the position where the id first appears.
 */
export function lastRecordPerId(records: readonly StoredRecord[], where: HardnegErrorOptions): StoredRecord[] {
  if (!Array.isArray(records)) throw new BadInputError("records must be an array", where);
  const byId = new Map<string, StoredRecord>();
  records.forEach((record, position) => {
    if (typeof record?.id !== "string" || record.id === "")
      throw new BadInputError(`record at position ${position} needs a non-empty string id, got ${JSON.stringify(record?.id)}`, where);
    const properties = record.properties;
    if (typeof properties !== "object" || properties === null || Array.isArray(properties))
      throw new BadInputError(`record "${record.id}": properties must be a JSON object`, where);
    byId.set(record.id, record);
  });
  return byId.size === records.length ? [...records] : [...byId.values()];
}

/** A batch size option: a positive integer, default 1000. */
export function batchSizeOf(options: { batchSize?: number } | undefined, component: string): number {
  const batchSize = options?.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new BadOptionError("batchSize", `must be a positive integer, got ${String(batchSize)}`, { component });
  return batchSize;
}
