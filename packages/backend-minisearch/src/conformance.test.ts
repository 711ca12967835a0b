import { describeConformance } from "@hardneg/core/testkit";
import { openMiniSearchBackend } from "./minisearch-backend.js";

// The shared suite, in memory: nothing to start, nothing to clean up but the engine itself.
describeConformance({
  name: "minisearch",
  open: () => openMiniSearchBackend("conformance"),
});
