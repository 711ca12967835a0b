import { describeConformance } from "./describe-conformance.js";
import { openReferenceEngine } from "./__fixtures__/reference-engine.js";

// Core runs its own suite against a small correct engine (all three modes, and bm25 only, so the
// checks that unclaimed modes are refused run too): a suite a correct adapter cannot pass is wrong.
describeConformance({ name: "reference", open: async () => openReferenceEngine() });
describeConformance({
  name: "reference, bm25 only",
  open: async () => openReferenceEngine({ modes: ["bm25"] }),
  collectionPrefix: "conformance_bm25",
});
