import type { BackendCapabilities, DocumentTarget, Engine, SearchBackend, SearchOptions, SearchRequest, Store } from "../backend.js";
import type { Doc, Hit } from "../types.js";
import { CheckedSearchBackend } from "./checked-search-backend.js";
import { CheckedStore } from "./checked-store.js";
import type { EngineDriver, SearchDriver, StoreDriver } from "./driver.js";

/** A search backend over a search driver (an HTTP search API, a read-only index): core checks its inputs and answers. */
export function createSearchBackend(driver: SearchDriver): SearchBackend {
  return new CheckedSearchBackend(driver);
}

/** `K` when driver `D` always has the optional store ability `K` (declared, not optional). */
type AlwaysHas<D, K extends keyof Store> = K extends keyof D ? (undefined extends D[K] ? never : K) : never;

/**
 * An engine keeps its driver, for what only that adapter offers (e.g. backend-local's
 * `prepareIndex`), and has `replaceCollection` / `upsertTogether` / `listCollections` exactly when its driver does:
 * the type says so too, so callers need no `!`.
 */
export type EngineOf<D extends EngineDriver> = Engine &
  Pick<Required<Store>, AlwaysHas<D, "replaceCollection"> | AlwaysHas<D, "upsertTogether"> | AlwaysHas<D, "listCollections">> & {
    readonly driver: D;
    close(): Promise<void>;
  };

/** A store over a store driver. */
export function createStore(driver: StoreDriver): Store {
  return new CheckedStore(driver);
}

/** An engine (search backend and store) over one driver: what an adapter's opener returns. */
export function createEngine<D extends EngineDriver>(driver: D): EngineOf<D> {
  // CheckedStore sets replaceCollection, upsertTogether and listCollections exactly when the driver has them (checked-store.test.ts).
  return new CheckedEngine(driver) as unknown as EngineOf<D>;
}

/** Both roles of one driver; the search half is a {@link CheckedSearchBackend} it delegates to. */
class CheckedEngine<D extends EngineDriver> extends CheckedStore implements Engine {
  /** Present only when the driver has one (`declare`, so no own property set to undefined). */
  declare readonly embedderId?: string;
  private readonly searchBackend: CheckedSearchBackend;

  constructor(readonly driver: D) {
    super(driver);
    this.searchBackend = new CheckedSearchBackend(driver);
    if (driver.embedderId !== undefined) this.embedderId = driver.embedderId;
  }

  capabilities(): BackendCapabilities {
    return this.searchBackend.capabilities();
  }

  search(target: DocumentTarget, requests: readonly SearchRequest[], options: SearchOptions): Promise<Hit[][]> {
    return this.searchBackend.search(target, requests, options);
  }

  getDocuments(target: DocumentTarget, ids: readonly string[]): Promise<Map<string, Doc>> {
    return this.searchBackend.getDocuments(target, ids);
  }

  scoreDocuments(
    target: DocumentTarget,
    request: SearchRequest,
    ids: readonly string[],
    options: SearchOptions,
  ): Promise<Map<string, number>> {
    return this.searchBackend.scoreDocuments(target, request, ids, options);
  }
}
