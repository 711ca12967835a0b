/**
 * Live conformance: the shared suite from @hardneg/core/testkit against a real Qdrant (1.16+
 * for collection metadata, 1.17+ for weighted RRF). Runs only when QDRANT_URL is set (API key
 * from QDRANT_API_KEY); otherwise the suite is skipped, loudly. Qdrant's server cannot be
 * obtained on the project's machines (it is not published to any registry they reach), so
 * HARDNEG_REQUIRE_LIVE_ENGINES does not make this suite required. Vectors come from the fixture
 * embedder, a client-side core `Embedder`, so every mode is exercised.
 */
import { describeConformance, describeDocumentVectors, FixtureEmbedder, liveEngineUrl } from "@hardneg/core/testkit";
import { openQdrantBackend } from "./qdrant-backend.js";

const url = liveEngineUrl("QDRANT_URL", "Qdrant", { required: false });

describeConformance({
  name: "qdrant",
  open: () => openQdrantBackend(url.value ?? "", { embedder: new FixtureEmbedder() }),
  collectionPrefix: `hardneg_conformance_${process.pid}`,
  skip: url.skip,
});

describeDocumentVectors({
  name: "qdrant",
  open: (embedder) => openQdrantBackend(url.value ?? "", embedder === undefined ? {} : { embedder }),
  collection: `hardneg_vectors_${process.pid}`,
  skip: url.skip,
});
