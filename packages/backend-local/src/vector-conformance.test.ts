import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FixtureEmbedder, describeConformance } from "@hardneg/core/testkit";
import { openLocalBackend } from "./local-backend.js";

// The shared suite again, with an embedder: bm25, vector and hybrid, and scoreDocuments checked
// against search in all three (the fixture embedder produces the fixture's own query vectors).
const folder = mkdtempSync(join(tmpdir(), "hardneg-local-vector-conformance-"));

describeConformance({
  name: "local+embedder",
  open: () => openLocalBackend(join(folder, "conformance.db"), { embedder: new FixtureEmbedder() }),
  close: async (engine) => {
    await engine.close?.();
    rmSync(folder, { recursive: true, force: true });
  },
});
