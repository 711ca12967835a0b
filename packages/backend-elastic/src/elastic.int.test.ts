/**
 * Live conformance: the shared suite from @hardneg/core/testkit against a real Elasticsearch.
 * Runs only when ELASTICSEARCH_URL is set (credentials from ELASTICSEARCH_API_KEY or
 * ELASTICSEARCH_USERNAME / ELASTICSEARCH_PASSWORD); otherwise the suite is skipped, loudly.
 * Document vectors come from the fixture's `vector` property, so every mode is exercised.
 */
import { describeConformance, FIXTURE_VECTOR_DIMENSION } from "@hardneg/core/testkit";
import { openElasticBackend } from "./elastic-backend.js";

const url = process.env.ELASTICSEARCH_URL;

describeConformance({
  name: "elastic",
  open: () => openElasticBackend(url ?? "", { documentVectors: { property: "vector", dimension: FIXTURE_VECTOR_DIMENSION } }),
  collectionPrefix: `hardneg-conformance-${process.pid}`,
  scoreDocumentsModes: ["bm25", "vector"],
  skip: url ? false : "ELASTICSEARCH_URL not set: live Elasticsearch conformance not run",
});
