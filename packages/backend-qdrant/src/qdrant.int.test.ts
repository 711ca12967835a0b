/**
 * Live conformance: the shared suite from @hardneg/core/testkit against a real Qdrant (1.16+
 * for collection metadata, 1.17+ for weighted RRF). Runs only when QDRANT_URL is set (API key
 * from QDRANT_API_KEY); otherwise the suite is skipped, loudly. Document vectors come from the
 * fixture's `vector` property, so every mode is exercised.
 */
import { describeConformance, FIXTURE_VECTOR_DIMENSION } from "@hardneg/core/testkit";
import { openQdrantBackend } from "./qdrant-backend.js";

const url = process.env.QDRANT_URL;

describeConformance({
  name: "qdrant",
  open: () => openQdrantBackend(url ?? "", { documentVectors: { property: "vector", dimension: FIXTURE_VECTOR_DIMENSION } }),
  collectionPrefix: `hardneg_conformance_${process.pid}`,
  scoreDocumentsModes: ["bm25", "vector"],
  skip: url ? false : "QDRANT_URL not set: live Qdrant conformance not run",
});
