import {
  createEngine,
  documentFromProperties,
  MemoryStoreDriver,
  type Doc,
  type DocumentTarget,
  type EngineDriver,
  type EngineOf,
  type EngineOpener,
  type EngineOpenOptions,
  type Hit,
  type SearchOptions,
  type SearchRequest,
  type StoredRecord,
} from "@hardneg/core/adapter";
import { SearchIndex } from "./search-index.js";

/**
 * An engine driver over MiniSearch: records kept by core's `MemoryStoreDriver` (in memory, with
 * atomic loads and batch commits), BM25 search through one MiniSearch index per collection,
 * built on the first search and kept in step with every write after it. Core checks every input
 * before calling it (names, ids, modes, k) and every answer after.
 */
export class MiniSearchDriver extends MemoryStoreDriver implements EngineDriver {
  readonly modes = ["bm25"] as const;
  private readonly indexes = new Map<string, SearchIndex>();

  constructor() {
    super("minisearch");
  }

  async search(target: DocumentTarget, requests: readonly SearchRequest[], options: SearchOptions): Promise<Hit[][]> {
    const index = this.indexOf(target);
    return requests.map((request) => {
      const best = index.search(request.text).slice(0, options.k);
      return best.map((hit, position) => ({ ...hit, rank: position + 1 }));
    });
  }

  async getDocuments(target: DocumentTarget, ids: readonly string[]): Promise<Map<string, Doc>> {
    const index = this.indexOf(target);
    const records = this.recordsOf(target.collection);
    const documents = new Map<string, Doc>();
    for (const id of ids) {
      const record = records.get(index.recordIdOf.get(id) ?? "");
      if (record !== undefined) documents.set(id, documentFromProperties(id, structuredClone(record.properties), target));
    }
    return documents;
  }

  /** Exactly `search`'s scores: MiniSearch filters after scoring. A held document that matches no query word scores 0. */
  async scoreDocuments(target: DocumentTarget, request: SearchRequest, ids: readonly string[]): Promise<Map<string, number>> {
    const index = this.indexOf(target);
    const scores = new Map(index.search(request.text, new Set(ids)).map((hit) => [hit.id, hit.score]));
    for (const id of ids) if (!scores.has(id) && index.recordIdOf.has(id)) scores.set(id, 0);
    return scores;
  }

  /** Keeps the collection's index (when built) in step: the old version out, the new one in. */
  protected override recordWritten(collection: string, record: StoredRecord, previous: StoredRecord | undefined): void {
    this.indexes.get(collection)?.put(record, previous);
  }

  protected override collectionDropped(collection: string): void {
    this.indexes.delete(collection);
  }

  /** The collection's index for `target`, built from its records on first use (or when another target asks). */
  private indexOf(target: DocumentTarget): SearchIndex {
    const records = this.recordsOf(target.collection);
    let index = this.indexes.get(target.collection);
    const built = index?.target;
    if (
      index === undefined ||
      built?.idKey !== target.idKey ||
      built.contentKey !== target.contentKey ||
      built.titleKey !== target.titleKey
    ) {
      index = new SearchIndex(target, records.values());
      this.indexes.set(target.collection, index);
    }
    return index;
  }
}

/**
 * Opens an empty MiniSearch engine. `location` is only a label (`--engine minisearch:demo`), and
 * `options` are ignored: every open starts empty, and the data lives until `close` or the end of
 * the process.
 */
export async function openMiniSearchBackend(
  _location = "",
  _options: Partial<EngineOpenOptions> = {},
): Promise<EngineOf<MiniSearchDriver>> {
  return createEngine(new MiniSearchDriver());
}

/** The opener the CLI finds by convention: `--engine minisearch:<label>`. */
export const openEngine: EngineOpener = (location, options) => openMiniSearchBackend(location, options);
