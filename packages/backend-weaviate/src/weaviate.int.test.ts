/**
 * Live conformance: the shared suite from @hardneg/core/testkit against a real Weaviate
 * (`bash scripts/engines.sh up weaviate` starts one). Runs only when WEAVIATE_URL is set (API key
 * from WEAVIATE_API_KEY; gRPC on port WEAVIATE_GRPC_PORT, default 50051); otherwise the suite is
 * skipped loudly, and fails instead under HARDNEG_REQUIRE_LIVE_ENGINES=1 (as in CI). Vectors come
 * from the fixture embedder, a client-side core `Embedder`, so every mode runs without modules.
 */
import {
  describeConformance,
  describeDocumentVectors,
  describeSciFactRetrieval,
  FixtureEmbedder,
  liveEngineUrl,
} from "@hardneg/core/testkit";
import { openWeaviateBackend } from "./weaviate-backend.js";

const url = liveEngineUrl("WEAVIATE_URL", "Weaviate");
const grpcPort = process.env.WEAVIATE_GRPC_PORT;

describeConformance({
  name: "weaviate",
  open: () =>
    openWeaviateBackend(url.value ?? "", { embedder: new FixtureEmbedder(), ...(grpcPort ? { grpcPort: Number(grpcPort) } : {}) }),
  collectionPrefix: `Hardneg_conformance_${process.pid}`,
  skip: url.skip,
});

describeSciFactRetrieval({
  name: "weaviate",
  open: (embedder) => openWeaviateBackend(url.value ?? "", { embedder, ...(grpcPort ? { grpcPort: Number(grpcPort) } : {}) }),
  collection: `Hardneg_scifact_${process.pid}`,
  bm25Floor: 0.5,
  skip: url.skip,
  testFileUrl: import.meta.url,
});

describeDocumentVectors({
  name: "weaviate",
  open: (embedder) =>
    openWeaviateBackend(url.value ?? "", {
      ...(embedder === undefined ? {} : { embedder }),
      ...(grpcPort ? { grpcPort: Number(grpcPort) } : {}),
    }),
  collection: `Hardneg_vectors_${process.pid}`,
  skip: url.skip,
});
