/**
 * What core checks in a driver's answers. A driver that breaks its contract (duplicate hits,
 * unsorted scores, ids nobody asked for) would silently corrupt mined data; these checks turn it
 * into an error naming the adapter and the rule, so it is found by the conformance suite and
 * never reaches a user's files.
 */
import { HardnegError } from "../errors.js";
import type { Hit } from "../types.js";

/** A driver answered against its contract: a bug in the adapter, not in the user's input. */
export class AdapterContractError extends HardnegError {
  constructor(adapter: string, rule: string) {
    super("INTERNAL", `adapter "${adapter}" broke the adapter contract: ${rule}`);
    this.name = "AdapterContractError";
  }
}

/** One hit list per request; each at most `k` hits with distinct ids, finite non-increasing scores and ranks 1..n. */
export function checkHitLists(adapter: string, lists: Hit[][], requestCount: number, k: number): void {
  if (!Array.isArray(lists) || lists.length !== requestCount) {
    throw new AdapterContractError(
      adapter,
      `search must return one hit list per request (${requestCount}), got ${Array.isArray(lists) ? lists.length : typeof lists}`,
    );
  }
  for (let request = 0; request < lists.length; request++) checkHitList(adapter, lists[request]!, request, k);
}

/** {@link checkHitLists} for one list. Runs on every hit of every search: nothing is built unless a rule is broken. */
function checkHitList(adapter: string, hits: Hit[], request: number, k: number): void {
  if (!Array.isArray(hits)) throw new AdapterContractError(adapter, `search returned a non-array hit list for request ${request}`);
  if (hits.length > k)
    throw new AdapterContractError(adapter, `search returned ${hits.length} hits for request ${request}, more than k = ${k}`);
  const seen = new Set<string>();
  for (let position = 0; position < hits.length; position++) {
    const hit = hits[position]!;
    if (typeof hit?.id !== "string" || hit.id === "") throw brokenHit(adapter, request, position, "a hit without a document id");
    if (seen.has(hit.id)) throw brokenHit(adapter, request, position, `document "${hit.id}" twice in one hit list`);
    seen.add(hit.id);
    if (typeof hit.score !== "number" || !Number.isFinite(hit.score))
      throw brokenHit(adapter, request, position, `a non-finite score for "${hit.id}"`);
    if (position > 0 && hit.score > hits[position - 1]!.score)
      throw brokenHit(adapter, request, position, `scores out of order: "${hit.id}" scores above the hit before it`);
    if (hit.rank !== position + 1)
      throw brokenHit(adapter, request, position, `rank ${String(hit.rank)} for "${hit.id}" at position ${position + 1}`);
  }
}

function brokenHit(adapter: string, request: number, position: number, rule: string): AdapterContractError {
  return new AdapterContractError(adapter, `search returned ${rule} (request ${request}, hit ${position})`);
}

/** Only ids that were asked for: a map from them to `what`. */
export function checkAnsweredIds(adapter: string, method: string, answer: Map<string, unknown>, asked: readonly string[]): void {
  if (!(answer instanceof Map)) throw new AdapterContractError(adapter, `${method} must return a Map, got ${typeof answer}`);
  const askedIds = new Set(asked);
  for (const id of answer.keys()) {
    if (!askedIds.has(id)) throw new AdapterContractError(adapter, `${method} returned "${id}", which was not asked for`);
  }
}

/** Finite scores. */
export function checkScores(adapter: string, scores: Map<string, number>): void {
  for (const [id, score] of scores) {
    if (typeof score !== "number" || !Number.isFinite(score))
      throw new AdapterContractError(adapter, `scoreDocuments returned a non-finite score for "${id}"`);
  }
}

/** Collection names: an array of distinct, non-empty strings. */
export function checkCollectionNames(adapter: string, names: unknown): string[] {
  if (!Array.isArray(names)) throw new AdapterContractError(adapter, `listCollections must return an array of names, got ${typeof names}`);
  const seen = new Set<string>();
  names.forEach((name, position) => {
    if (typeof name !== "string" || name === "")
      throw new AdapterContractError(
        adapter,
        `listCollections returned ${JSON.stringify(name) ?? typeof name} at position ${position}, not a name`,
      );
    if (seen.has(name)) throw new AdapterContractError(adapter, `listCollections returned "${name}" twice`);
    seen.add(name);
  });
  return names as string[];
}
