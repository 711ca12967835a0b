/**
 * Live conformance: the shared suite from @hardneg/core/testkit against a real Weaviate.
 * Runs only when WEAVIATE_URL is set (API key from WEAVIATE_API_KEY; gRPC on port
 * WEAVIATE_GRPC_PORT, default 50051); otherwise the suite is skipped, loudly. Document vectors
 * come from the fixture's `vector` property (no vectorizer module needed), so every mode runs.
 */
import { describeConformance, FIXTURE_VECTOR_DIMENSION } from "@hardneg/core/testkit";
import { openWeaviateBackend } from "./weaviate-backend.js";

const url = process.env.WEAVIATE_URL;
const grpcPort = process.env.WEAVIATE_GRPC_PORT;

describeConformance({
  name: "weaviate",
  open: () => openWeaviateBackend(url ?? "", {
    documentVectors: { property: "vector", dimension: FIXTURE_VECTOR_DIMENSION },
    ...(grpcPort ? { grpcPort: Number(grpcPort) } : {}),
  }),
  collectionPrefix: `Hardneg_conformance_${process.pid}`,
  scoreDocumentsModes: ["bm25", "vector"],
  skip: url ? false : "WEAVIATE_URL not set: live Weaviate conformance not run",
});
