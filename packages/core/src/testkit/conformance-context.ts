import type { DocumentTarget, Engine } from "../backend.js";
import { DocsCollection, HardNegativesCollection, QueriesCollection } from "../collections.js";
import type { CONFORMANCE_FIXTURE } from "./conformance-fixture.js";

/** Options of {@link describeConformance}. */
export interface ConformanceOptions {
  /** Backend name in test titles, e.g. "local", "lancedb", "weaviate". */
  name: string;
  /** Opens a fresh engine. Called once per suite (beforeAll). */
  open: () => Promise<Engine>;
  /** Closes / cleans up after the suite (afterAll). Default: `engine.close?.()`. */
  close?: (engine: Engine) => Promise<void>;
  /**
   * Prefix for every collection the suite creates (unique per run on shared live servers).
   * Collections are named `<prefix>_docs`, `<prefix>_queries`, `<prefix>_records`,
   * `<prefix>_scratch`, `<prefix>_scratch_docs`, `<prefix>_missing` (never created: the suite
   * deletes it in case a buggy upsert created it), `<prefix>_negatives` (and
   * `<prefix>_negatives_pool1_<mode>`), plus the portable names `<p>_pn_...` where `<p>` is the
   * prefix lowercased with other characters turned into "_" (see `portableCollectionNames`).
   * Default "conformance".
   */
  collectionPrefix?: string;
  /** When a string, the whole suite is skipped and the reason is printed loudly (console.warn) and put in the describe title. */
  skip?: string | false;
  /** Extra tests the adapter wants to run against the same engine and fixture. */
  additionalTests?: (context: () => ConformanceContext) => void;
  /**
   * Relative tolerance when comparing scores of the same document from two calls (float32
   * engines round). Default 1e-4.
   */
  scoreTolerance?: number;
}

/** What tests (the suite's and `additionalTests`) get once the fixture is loaded. */
export interface ConformanceContext {
  engine: Engine;
  /** The fixture corpus (record ids are `record-<doc id>`; the `doc_id` property holds the document id). */
  docsCollection: DocsCollection;
  /** The fixture queries. */
  queriesCollection: QueriesCollection;
  /** Where the suite's `addHardNegatives` run writes. */
  hardNegativesCollection: HardNegativesCollection;
  /** `docsCollection.target`. */
  target: DocumentTarget;
  /** A `records` collection created empty by the suite for store tests. */
  recordsCollection: string;
  fixture: typeof CONFORMANCE_FIXTURE;
}

/** What the suite's own tests get: the public context, scratch names, and the suite's options. */
export interface SuiteContext extends ConformanceContext {
  /** A records collection tests create and delete freely: `<prefix>_scratch`. */
  scratchCollection: string;
  /** A documents collection tests create and delete freely: `<prefix>_scratch_docs`. */
  scratchDocumentsCollection: string;
  /** A name never created (`<prefix>_missing`): every method but the collection ones must say it is missing. */
  missingCollection: string;
  /** Portable names (PORTABLE_COLLECTION_NAME_PATTERN) derived from the prefix, created and deleted by the name test. */
  portableCollections: readonly string[];
}

/** The collection names and key names the suite uses for a prefix. */
export function conformanceCollections(prefix: string): Omit<SuiteContext, "engine" | "fixture"> {
  const docsCollection = new DocsCollection({ collectionName: `${prefix}_docs`, idKey: "doc_id", contentKey: "text", titleKey: "title" });
  return {
    docsCollection,
    queriesCollection: new QueriesCollection({
      collectionName: `${prefix}_queries`,
      idKey: "query_id",
      queryContentKey: "text",
      goldIdsKey: "gold_ids",
    }),
    hardNegativesCollection: new HardNegativesCollection({ collectionName: `${prefix}_negatives` }),
    target: docsCollection.target,
    recordsCollection: `${prefix}_records`,
    scratchCollection: `${prefix}_scratch`,
    scratchDocumentsCollection: `${prefix}_scratch_docs`,
    missingCollection: `${prefix}_missing`,
    portableCollections: portableCollectionNames(prefix),
  };
}

/**
 * Names matching PORTABLE_COLLECTION_NAME_PATTERN, unique to `prefix` (lowercased, other
 * characters turned into "_"), chosen so that an engine mapping names lossily makes two of them
 * collide: one with a doubled "_" and one without, one digit-heavy, one of exactly 64 characters
 * and its 63-character start (a name cut short), and one ending in "_".
 */
export function portableCollectionNames(prefix: string): string[] {
  let base = prefix.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  if (!/^[a-z]/.test(base)) base = `c${base}`;
  base = base.slice(0, 40);
  const long = `${base}_pn_long_`.padEnd(64, "x");
  return [`${base}_pn_ab`, `${base}_pn__ab`, `${base}_pn_0123456789`, long, long.slice(0, 63), `${base}_pn_end_`];
}
