/**
 * `@hardneg/core/testkit`: the conformance suite every adapter runs against its own engine.
 * Needs vitest (an optional peer dependency of core). See CONTRIBUTING.md, "Writing an adapter".
 */
export { describeConformance } from "./describe-conformance.js";
export type { ConformanceContext, ConformanceOptions } from "./conformance-context.js";
export { FixtureEmbedder } from "./fixture-embedder.js";
export {
  CONFORMANCE_FIXTURE,
  FIXTURE_VECTOR_DIMENSION,
  fixtureVector,
  type FixtureDocumentWithVector,
  type FixtureQueryWithVector,
} from "./conformance-fixture.js";
export { expectHardnegError, expectHardnegRejection, expectRankedList, expectSameScore } from "./conformance-assertions.js";
export {
  startFixtureServer,
  on,
  times,
  type FixtureResponse,
  type FixtureServer,
  type RecordedRequest,
  type Route,
} from "./fixture-server.js";
export { sharedData, type SharedData } from "./shared-data.js";
export { describeDocumentVectors, type DocumentVectorsOptions } from "./document-vectors-live.js";
export { describeSciFactRetrieval, type SciFactRetrievalOptions } from "./scifact-retrieval.js";
export { liveEngineUrl, type LiveEngineUrl, type LiveEngineUrlOptions } from "./live-engine.js";
