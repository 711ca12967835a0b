// The original Python API, in TypeScript, against the embedded local engine (or any engine).
// Run from the repository root after `bash scripts/setup.sh`:
//   node --experimental-strip-types examples/original-api.ts   (Node 22.6+)
// or import `runOriginalApiExample` / `runOriginalApi` as the tests do.
import { openLocalBackend } from "@hardneg/backend-local";
import {
  addHardNegatives,
  DocsCollection,
  HardNegativesCollection,
  ingestDocuments,
  ingestQueries,
  openBeir,
  QueriesCollection,
  type Engine,
  type MineReport,
} from "@hardneg/core";

/** The original tool's collections, named and keyed as it named them. */
export const docs = new DocsCollection({ collectionName: "BrightBiology", contentKey: "content", idKey: "dataset_id" });
export const queries = new QueriesCollection({
  collectionName: "SyntheticBrightBiology",
  queryContentKey: "simulated_user_query",
  goldIdsKey: "dataset_ids",
});
export const out = new HardNegativesCollection({
  collectionName: "HardNegatives",
  queryContentKey: "query",
  goldIdsKey: "gold_doc_ids",
  goldDocumentsKey: "gold_documents",
  hardNegativeDocumentKey: "hard_negative_doc",
  hardNegativeIdKey: "hard_negative_id",
});

/** Loads the bundled sample under the original property names, then mines as the original did. */
export async function runOriginalApi(backend: Engine, sampleFolder: string): Promise<MineReport> {
  // Load the bundled sample under the original tool's property names (Weaviate users already have theirs).
  const sample = await openBeir(sampleFolder, { split: "test" });
  await ingestDocuments(backend, docs, sample.documents());
  await ingestQueries(backend, queries, sample.queries());

  return addHardNegatives({
    backend,
    negativesPerQuery: 5,
    docsCollection: docs,
    queriesCollection: queries,
    hardNegativesCollection: out,
    querySamples: 100,
  });
}

/** The same, on the embedded local engine in `databasePath`. */
export async function runOriginalApiExample(databasePath: string, sampleFolder: string): Promise<MineReport> {
  const backend = await openLocalBackend(databasePath);
  try {
    return await runOriginalApi(backend, sampleFolder);
  } finally {
    await backend.close();
  }
}
