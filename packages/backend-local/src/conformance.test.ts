import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeConformance } from "@hardneg/core/testkit";
import { openLocalBackend } from "./local-backend.js";

// The shared suite against a real SQLite file and on-disk BM25 index in a temp folder.
const folder = mkdtempSync(join(tmpdir(), "hardneg-local-conformance-"));

describeConformance({
  name: "local",
  open: () => openLocalBackend(join(folder, "conformance.db")),
  close: async (engine) => {
    await engine.close?.();
    rmSync(folder, { recursive: true, force: true });
  },
});
