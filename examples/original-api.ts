// The original Python API, in TypeScript, against the embedded local engine.
// Run from the repository root after `bash scripts/setup.sh`:
//   node --experimental-strip-types examples/original-api.ts   (Node 22.6+)
// or import `runOriginalApiExample` as the tests do.
import { openLocalBackend } from "@hardneg/backend-local";
import {
  addHardNegatives, DocsCollection, HardNegativesCollection, ingestDocuments, ingestQueries, openBeir, QueriesCollection,
  type MineReport,
} from "@hardneg/core";

export async function runOriginalApiExample(databasePath: string, sampleFolder: string): Promise<MineReport> {
  const backend = await openLocalBackend(databasePath);
  try {
    const docs = new DocsCollection({ collectionName: "BrightBiology", contentKey: "content", idKey: "dataset_id" });
    const queries = new QueriesCollection({
      collectionName: "SyntheticBrightBiology", queryContentKey: "simulated_user_query", goldIdsKey: "dataset_ids",
    });
    // Load the bundled sample under the original tool's property names (Weaviate users already have theirs).
    const sample = await openBeir(sampleFolder, { split: "test" });
    await ingestDocuments(backend, docs, sample.documents());
    await ingestQueries(backend, queries, sample.queries());

    const out = new HardNegativesCollection({
      collectionName: "HardNegatives", queryContentKey: "query",
      goldIdsKey: "gold_doc_ids", goldDocumentsKey: "gold_documents",
      hardNegativeDocumentKey: "hard_negative_doc", hardNegativeIdKey: "hard_negative_id",
    });
    return await addHardNegatives({
      backend, negativesPerQuery: 5, docsCollection: docs,
      queriesCollection: queries, hardNegativesCollection: out, querySamples: 100,
    });
  } finally {
    await backend.close();
  }
}
