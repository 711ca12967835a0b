import type { DocumentTarget, Engine } from "../backend.js";
import { DocsCollection, HardNegativesCollection, QueriesCollection } from "../collections.js";
import { CONFORMANCE_FIXTURE } from "./conformance-fixture.js";

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
   * `<prefix>_scratch` and `<prefix>_negatives`. Default "conformance".
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

/** The collection names and key names the suite uses for a prefix. */
export function conformanceCollections(prefix: string): Omit<ConformanceContext, "engine" | "fixture"> & { scratchCollection: string } {
  const docsCollection = new DocsCollection({ collectionName: `${prefix}_docs`, idKey: "doc_id", contentKey: "text", titleKey: "title" });
  return {
    docsCollection,
    queriesCollection: new QueriesCollection({ collectionName: `${prefix}_queries`, idKey: "query_id", queryContentKey: "text", goldIdsKey: "gold_ids" }),
    hardNegativesCollection: new HardNegativesCollection({ collectionName: `${prefix}_negatives` }),
    target: docsCollection.target,
    recordsCollection: `${prefix}_records`,
    scratchCollection: `${prefix}_scratch`,
  };
}
