import type { BackendCapabilities, DocumentTarget, SearchBackend, SearchOptions, SearchRequest, SpecificationVersion } from "../backend.js";
import { chunked } from "../concurrency.js";
import { BadOptionError, UnsupportedCapabilityError } from "../errors.js";
import type { Doc, Hit } from "../types.js";
import { AdapterContractError, checkAnsweredIds, checkHitLists, checkScores } from "./answer-checks.js";
import type { SearchDriver } from "./driver.js";
import { checkRequest, checkRequests, checkSearchOptions, checkTarget, distinctIds, SEARCH_MODES } from "./input-checks.js";

const DEFAULT_MAX_BATCH_SIZE = 256;

/** The capabilities a driver declares, with the stated defaults applied and checked. */
export function capabilitiesOf(driver: SearchDriver): BackendCapabilities {
  const component = driver.name;
  const modes = driver.modes ?? ["bm25"];
  for (const mode of modes)
    if (!SEARCH_MODES.includes(mode)) throw new BadOptionError("modes", `unknown search mode ${JSON.stringify(mode)}`, { component });
  const scoreDocumentsModes =
    driver.scoreDocuments === undefined ? [] : (driver.scoreDocumentsModes ?? modes).filter((mode) => modes.includes(mode));
  const maxBatchSize = driver.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1)
    throw new BadOptionError("maxBatchSize", `must be a positive integer, got ${String(maxBatchSize)}`, { component });
  if (driver.maxK !== undefined && (!Number.isInteger(driver.maxK) || driver.maxK < 1))
    throw new BadOptionError("maxK", `must be a positive integer, got ${String(driver.maxK)}`, { component });
  return { modes: [...modes], scoreDocumentsModes, maxBatchSize, ...(driver.maxK === undefined ? {} : { maxK: driver.maxK }) };
}

/**
 * A {@link SearchBackend} over a driver: inputs are checked before the driver is called, batches
 * bigger than `maxBatchSize` are split, duplicate ids are asked once, and answers are checked.
 */
export class CheckedSearchBackend implements SearchBackend {
  readonly specificationVersion: SpecificationVersion;
  readonly name: string;
  /** Present only when the driver has one (`declare`, so no own property set to undefined). */
  declare readonly embedderId?: string;

  /** Read and checked once: a driver's capabilities are readonly values. */
  private readonly claimed: BackendCapabilities;

  constructor(private readonly driver: SearchDriver) {
    this.specificationVersion = driver.specificationVersion;
    this.name = driver.name;
    if (driver.embedderId !== undefined) this.embedderId = driver.embedderId;
    this.claimed = capabilitiesOf(driver);
  }

  /** A copy each call, so a caller changing it changes nothing here. */
  capabilities(): BackendCapabilities {
    return { ...this.claimed, modes: [...this.claimed.modes], scoreDocumentsModes: [...this.claimed.scoreDocumentsModes] };
  }

  async search(target: DocumentTarget, requests: readonly SearchRequest[], options: SearchOptions): Promise<Hit[][]> {
    const capabilities = this.checkTargetAndOptions(target, options, "modes");
    const where = { component: this.name, collection: target.collection };
    checkRequests(requests, where);
    const lists: Hit[][] = [];
    for (const batch of chunked(requests, capabilities.maxBatchSize)) {
      const answer = await this.driver.search(target, batch, options);
      checkHitLists(this.name, answer, batch.length, options.k);
      lists.push(...answer);
    }
    return lists;
  }

  async getDocuments(target: DocumentTarget, ids: readonly string[]): Promise<Map<string, Doc>> {
    checkTarget(target, this.name);
    const distinct = distinctIds(ids, { component: this.name, collection: target.collection });
    if (distinct.length === 0) return new Map();
    const documents = await this.driver.getDocuments(target, distinct);
    checkAnsweredIds(this.name, "getDocuments", documents, distinct);
    for (const [id, document] of documents) {
      if (document?.id !== id || typeof document.text !== "string")
        throw new AdapterContractError(this.name, `getDocuments must map "${id}" to a document with that id and a text`);
    }
    return documents;
  }

  async scoreDocuments(
    target: DocumentTarget,
    request: SearchRequest,
    ids: readonly string[],
    options: SearchOptions,
  ): Promise<Map<string, number>> {
    this.checkTargetAndOptions(target, options, "scoreDocumentsModes");
    const where = { component: this.name, collection: target.collection };
    checkRequest(request, 0, where);
    const distinct = distinctIds(ids, where);
    if (distinct.length === 0) return new Map();
    const scores = await this.driver.scoreDocuments!(target, request, distinct, options);
    checkAnsweredIds(this.name, "scoreDocuments", scores, distinct);
    checkScores(this.name, scores);
    return scores;
  }

  async close(): Promise<void> {
    await this.driver.close?.();
  }

  private checkTargetAndOptions(
    target: DocumentTarget,
    options: SearchOptions,
    claim: "modes" | "scoreDocumentsModes",
  ): BackendCapabilities {
    checkTarget(target, this.name);
    const capabilities = this.claimed;
    const where = { component: this.name, collection: target.collection };
    if (claim === "scoreDocumentsModes" && this.driver.scoreDocuments === undefined) {
      throw new UnsupportedCapabilityError("this engine has no scoreDocuments", where);
    }
    checkSearchOptions(options, capabilities, capabilities[claim], claim === "modes" ? "search" : "scoreDocuments", where);
    return capabilities;
  }
}
