import { checkLanguage } from "./analysis/languages.js";
import { BadOptionError } from "./errors.js";
import type { DocumentTarget } from "./backend.js";

/** Options of {@link DocsCollection}; the original Python API's names, camelCased. */
export interface DocsCollectionOptions {
  collectionName: string;
  /** Property holding the document text. Default "text". */
  contentKey?: string;
  /** Property holding the benchmark's document id. Default "doc_id". */
  idKey?: string;
  /** Optional property holding a title, searched with the content. Default: none. */
  titleKey?: string;
  /**
   * ISO 639-1 code of the documents' language, recorded with the collection when it is loaded; it
   * chooses the BM25 analyser of engines that analyse text themselves (stemmer, stop words, word
   * segmentation). Default "en". Read back from the collection, so later commands need no flag.
   */
  language?: string;
}

/** A corpus collection: where documents live and which properties hold id, text and title. */
export class DocsCollection {
  readonly collectionName: string;
  readonly contentKey: string;
  readonly idKey: string;
  readonly titleKey: string | undefined;
  /** The language given when loading, if any (see {@link DocsCollectionOptions.language}). */
  readonly language: string | undefined;

  constructor(options: DocsCollectionOptions) {
    this.collectionName = requireName(options.collectionName, "docsCollection.collectionName");
    this.contentKey = options.contentKey ?? "text";
    this.idKey = options.idKey ?? "doc_id";
    this.titleKey = options.titleKey;
    if (options.language !== undefined) checkLanguage(options.language, "docsCollection.language");
    this.language = options.language;
  }

  /** The search target backends receive. */
  get target(): DocumentTarget {
    return {
      collection: this.collectionName,
      idKey: this.idKey,
      contentKey: this.contentKey,
      ...(this.titleKey === undefined ? {} : { titleKey: this.titleKey }),
    };
  }
}

/** Options of {@link QueriesCollection}. */
export interface QueriesCollectionOptions {
  collectionName: string;
  /** Property holding the query text. Default "text". */
  queryContentKey?: string;
  /** Property holding the list of gold document ids. Default "gold_ids". */
  goldIdsKey?: string;
  /**
   * Property holding the query id. Default "query_id". Records without it get a stable id
   * derived from their text (the original API named no id property).
   */
  idKey?: string;
  /** Property holding graded relevance `{docId: grade}`. Default "gold_grades". */
  gradesKey?: string;
}

/** A query collection: text and gold ids per record. */
export class QueriesCollection {
  readonly collectionName: string;
  readonly queryContentKey: string;
  readonly goldIdsKey: string;
  readonly idKey: string;
  readonly gradesKey: string;

  constructor(options: QueriesCollectionOptions) {
    this.collectionName = requireName(options.collectionName, "queriesCollection.collectionName");
    this.queryContentKey = options.queryContentKey ?? "text";
    this.goldIdsKey = options.goldIdsKey ?? "gold_ids";
    this.idKey = options.idKey ?? "query_id";
    this.gradesKey = options.gradesKey ?? "gold_grades";
  }
}

/** The property names of a hard-negative row that the user chooses (the original five). */
export interface HardNegativeKeys {
  queryContentKey: string;
  goldIdsKey: string;
  goldDocumentsKey: string;
  hardNegativeDocumentKey: string;
  hardNegativeIdKey: string;
}

/** Options of {@link HardNegativesCollection}; defaults are the original tool's names. */
export interface HardNegativesCollectionOptions extends Partial<HardNegativeKeys> {
  collectionName: string;
}

/**
 * The output collection. Each row is one (query, negative) pair with the five original
 * properties under the user's names plus the fixed properties of {@link HardNegativeRowExtras}.
 */
export class HardNegativesCollection implements HardNegativeKeys {
  readonly collectionName: string;
  readonly queryContentKey: string;
  readonly goldIdsKey: string;
  readonly goldDocumentsKey: string;
  readonly hardNegativeDocumentKey: string;
  readonly hardNegativeIdKey: string;

  constructor(options: HardNegativesCollectionOptions) {
    this.collectionName = requireName(options.collectionName, "hardNegativesCollection.collectionName");
    this.queryContentKey = options.queryContentKey ?? "query";
    this.goldIdsKey = options.goldIdsKey ?? "gold_doc_ids";
    this.goldDocumentsKey = options.goldDocumentsKey ?? "gold_documents";
    this.hardNegativeDocumentKey = options.hardNegativeDocumentKey ?? "hard_negative_doc";
    this.hardNegativeIdKey = options.hardNegativeIdKey ?? "hard_negative_id";
    const names = [this.queryContentKey, this.goldIdsKey, this.goldDocumentsKey, this.hardNegativeDocumentKey, this.hardNegativeIdKey];
    for (const name of names) {
      if (FIXED_ROW_KEYS.includes(name as (typeof FIXED_ROW_KEYS)[number]) || names.indexOf(name) !== names.lastIndexOf(name)) {
        throw new BadOptionError(
          "hardNegativesCollection",
          `key "${name}" is used twice or clashes with a fixed row property (${FIXED_ROW_KEYS.join(", ")}); choose another name`,
        );
      }
    }
  }

  /** The five user-named keys, for storing in the collection spec and for exporters. */
  get keys(): HardNegativeKeys {
    const { queryContentKey, goldIdsKey, goldDocumentsKey, hardNegativeDocumentKey, hardNegativeIdKey } = this;
    return { queryContentKey, goldIdsKey, goldDocumentsKey, hardNegativeDocumentKey, hardNegativeIdKey };
  }
}

/** Properties every hard-negative row carries besides the five user-named ones. */
export interface HardNegativeRowExtras {
  query_id: string;
  /** 1-based rank of the negative in the engine's candidate pool. */
  rank: number;
  /** The engine's score for the negative. */
  score: number;
  /** Best gold rank in the candidate pool, or null when no gold was in it. */
  gold_rank: number | null;
  /** Score of the lowest-scoring gold document (what margins compare against), or null. */
  gold_score: number | null;
  /** The gold documents' titles, in gold-id order; "" for a document without one. */
  gold_titles: string[];
  /** The negative's title; "" for none. */
  hard_negative_title: string;
  run_id: string;
  strategy: string;
}

export const FIXED_ROW_KEYS = [
  "query_id",
  "rank",
  "score",
  "gold_rank",
  "gold_score",
  "gold_titles",
  "hard_negative_title",
  "run_id",
  "strategy",
] as const;

function requireName(name: unknown, option: string): string {
  if (typeof name !== "string" || name.trim() === "") {
    throw new BadOptionError(option, "must be a non-empty collection name");
  }
  return name;
}
