/**
 * Live conformance: the shared suite from @hardneg/core/testkit against a real Elasticsearch
 * (`bash scripts/engines.sh up elastic` starts one). Runs only when ELASTICSEARCH_URL is set
 * (credentials from ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME / ELASTICSEARCH_PASSWORD);
 * otherwise the suite is skipped loudly, and fails instead under HARDNEG_REQUIRE_LIVE_ENGINES=1
 * (as in CI). Vectors come from the fixture embedder, a client-side core `Embedder`.
 */
import { describeConformance, FixtureEmbedder, liveEngineUrl } from "@hardneg/core/testkit";
import { openElasticBackend } from "./elastic-backend.js";

const url = liveEngineUrl("ELASTICSEARCH_URL", "Elasticsearch");

describeConformance({
  name: "elastic",
  open: () => openElasticBackend(url.value ?? "", { embedder: new FixtureEmbedder() }),
  collectionPrefix: `hardneg-conformance-${process.pid}`,
  scoreDocumentsModes: ["bm25", "vector"],
  skip: url.skip,
});
