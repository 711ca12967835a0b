/**
 * Live conformance: the shared suite from @hardneg/core/testkit against a real Elasticsearch
 * (`bash scripts/engines.sh up elastic` starts one). Runs only when ELASTICSEARCH_URL is set
 * (credentials from ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME / ELASTICSEARCH_PASSWORD);
 * otherwise the suite is skipped loudly, and fails instead under HARDNEG_REQUIRE_LIVE_ENGINES=1
 * (as in CI). Vectors come from the fixture embedder, a client-side core `Embedder`.
 */
import {
  describeConformance,
  describeDocumentVectors,
  describeSciFactRetrieval,
  FixtureEmbedder,
  liveEngineUrl,
} from "@hardneg/core/testkit";
import { openElasticBackend } from "./elastic-backend.js";

const url = liveEngineUrl("ELASTICSEARCH_URL", "Elasticsearch");

describeConformance({
  name: "elastic",
  open: () => openElasticBackend(url.value ?? "", { embedder: new FixtureEmbedder() }),
  collectionPrefix: `hardneg-conformance-${process.pid}`,
  skip: url.skip,
});

describeSciFactRetrieval({
  name: "elastic",
  open: (embedder) => openElasticBackend(url.value ?? "", { embedder }),
  collection: `hardneg-scifact-${process.pid}`,
  bm25Floor: 0.5,
  skip: url.skip,
  testFileUrl: import.meta.url,
});

describeDocumentVectors({
  name: "elastic",
  open: (embedder) => openElasticBackend(url.value ?? "", embedder === undefined ? {} : { embedder }),
  collection: `hardneg-vectors-${process.pid}`,
  skip: url.skip,
});
