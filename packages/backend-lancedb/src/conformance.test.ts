import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeConformance, FixtureEmbedder } from "@hardneg/core/testkit";
import { openLanceDbBackend } from "./lancedb-backend.js";

// The shared suite against a real LanceDB database in a temp folder. The fixture's own hashed
// bag-of-words embedding stands in for a model, so vector and hybrid are claimed and tested too.
const folder = mkdtempSync(join(tmpdir(), "hardneg-lancedb-conformance-"));

describeConformance({
  name: "lancedb",
  open: () => openLanceDbBackend(join(folder, "db"), { embedder: new FixtureEmbedder() }),
  close: async (engine) => {
    await engine.close?.();
    rmSync(folder, { recursive: true, force: true });
  },
});
