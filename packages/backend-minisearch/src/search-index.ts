import MiniSearch, { type SearchResult } from "minisearch";
import type { DocumentTarget, StoredRecord } from "@hardneg/core/adapter";

/** What MiniSearch indexes of one record: the record id (MiniSearch's id), the document id, and the two searched fields. */
interface IndexedDocument {
  id: string;
  docId: string;
  title?: string;
  text: string;
}

/**
 * One MiniSearch index over a collection's records, for one target (the properties holding id,
 * content and title). Scores are MiniSearch's own: BM25+ (k 1.2, b 0.7, d 0.5) in title and in
 * text, summed, times the number of query words the document matches. Words are split on
 * spaces and punctuation and lowercased; no stemming, no stop words.
 */
export class SearchIndex {
  /** autoVacuum off: `remove` (below) leaves nothing to vacuum. */
  private readonly miniSearch = new MiniSearch<IndexedDocument>({ fields: ["title", "text"], storeFields: ["docId"], autoVacuum: false });
  /** The record holding each document id (the record id and the document id differ, e.g. `record-7` and `7`). */
  readonly recordIdOf = new Map<string, string>();

  constructor(
    readonly target: DocumentTarget,
    records: Iterable<StoredRecord>,
  ) {
    for (const record of records) this.put(record, undefined);
  }

  /**
   * Indexes `record` in place of `previous` (its earlier version). `remove`, not `discard`: a
   * discarded document still counts in term statistics until MiniSearch cleans it up during a
   * later search, so the same query could score differently twice.
   */
  put(record: StoredRecord, previous: StoredRecord | undefined): void {
    if (previous !== undefined && this.miniSearch.has(previous.id)) {
      const old = this.indexed(previous)!;
      this.miniSearch.remove(old);
      if (this.recordIdOf.get(old.docId) === previous.id) this.recordIdOf.delete(old.docId);
    }
    const document = this.indexed(record);
    if (document === undefined) return;
    this.miniSearch.add(document);
    this.recordIdOf.set(document.docId, record.id);
  }

  /** Hits by document id, best first, one per document (two records may share a document id); only `wanted` ids when given. */
  search(text: string, wanted?: ReadonlySet<string>): Array<{ id: string; score: number }> {
    const options = wanted === undefined ? {} : { filter: (result: SearchResult) => wanted.has(result["docId"] as string) };
    const seen = new Set<string>();
    const hits: Array<{ id: string; score: number }> = [];
    for (const result of this.miniSearch.search(text, options)) {
      const id = result["docId"] as string;
      if (!seen.has(id)) hits.push({ id, score: result.score });
      seen.add(id);
    }
    return hits;
  }

  /** The document MiniSearch sees for a record; undefined when the record has no document id (it is not searchable). */
  private indexed(record: StoredRecord): IndexedDocument | undefined {
    const { idKey, contentKey, titleKey } = this.target;
    const docId = record.properties[idKey];
    if (typeof docId !== "string" && typeof docId !== "number") return undefined;
    const content = record.properties[contentKey];
    const title = titleKey === undefined ? undefined : record.properties[titleKey];
    return {
      id: record.id,
      docId: String(docId),
      text: content === undefined || content === null ? "" : String(content),
      ...(typeof title === "string" ? { title } : {}),
    };
  }
}
