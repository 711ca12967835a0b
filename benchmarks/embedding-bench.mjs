// Embedding throughput of the local ONNX embedder on SciFact's corpus (title + text, 5,183
// documents) with the tiny test model, peak RSS, and the re-run time when every vector comes
// from the on-disk cache. Then the local backend's document vectors: computed (cache cold and
// warm) vs loaded from their file. Offline; skipped when ../shared is absent.
// Build first: pnpm build (core and backend-local).
//
//   node embedding-bench.mjs [--docs N] [--batch-size 32] [--model <folder>]
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { OnnxEmbedder } from "@hardneg/core";
import { openLocalBackend } from "@hardneg/backend-local";

const repositoryRoot = resolve(fileURLToPath(import.meta.url), "../..");
const { values } = parseArgs({
  options: {
    docs: { type: "string" },
    "batch-size": { type: "string", default: "32" },
    model: { type: "string", default: resolve(repositoryRoot, "../shared/models/tiny-scifact-embedder") },
    corpus: { type: "string", default: resolve(repositoryRoot, "../shared/datasets/scifact/corpus.jsonl") },
  },
});
if (!existsSync(values.model) || !existsSync(values.corpus)) {
  console.log(`SKIPPED: needs ${values.model} and ${values.corpus}`);
  process.exit(0);
}
const records = readFileSync(values.corpus, "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line));
const documents = values.docs === undefined ? records : records.slice(0, Number(values.docs));
const texts = documents.map((record) => (record.title ? `${record.title} ${record.text}` : record.text));
const folder = mkdtempSync(join(tmpdir(), "hardneg-embedding-bench-"));
const cache = { directory: join(folder, "cache") };
const batchSize = Number(values["batch-size"]);
const rssMiB = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);

try {
  const cold = new OnnxEmbedder({ model: values.model, cache, batchSize });
  let started = performance.now();
  await cold.embedDocuments(texts);
  const coldSeconds = (performance.now() - started) / 1000;
  await cold.close();
  console.log(`model ${cold.id}, ${texts.length} documents, batch ${batchSize}`);
  console.log(`cold: ${coldSeconds.toFixed(1)} s, ${(texts.length / coldSeconds).toFixed(0)} texts/s, peak RSS ${rssMiB()} MiB`);

  const warm = new OnnxEmbedder({ model: values.model, cache, batchSize });
  started = performance.now();
  await warm.embedDocuments(texts);
  const warmSeconds = (performance.now() - started) / 1000;
  console.log(
    `cache hit (new embedder, same cache folder): ${warmSeconds.toFixed(2)} s (${warm.usage.cached} cached, ` +
      `${warm.usage.embedded} embedded), ${(coldSeconds / warmSeconds).toFixed(0)}× faster`,
  );

  // The backend's document vectors: embedded through a warm cache, then loaded from their file.
  const database = join(folder, "bench.db");
  const backend = await openLocalBackend(database, { embedder: warm });
  await backend.createCollection({ name: "corpus", kind: "documents" });
  await backend.upsert(
    "corpus",
    documents.map((record) => ({
      id: String(record._id),
      properties: { doc_id: String(record._id), title: record.title ?? "", text: record.text },
    })),
  );
  const target = { collection: "corpus", idKey: "doc_id", contentKey: "text", titleKey: "title" };
  await backend.driver.prepareIndex(target);
  const computed = await backend.driver.prepareVectors(target);
  await backend.close();
  const reopened = await openLocalBackend(database, { embedder: warm });
  const loaded = await reopened.driver.prepareVectors(target);
  await reopened.close();
  console.log(
    `local backend document vectors: ${computed.source} with a warm embedding cache ${(computed.milliseconds / 1000).toFixed(2)} s; ` +
      `${loaded.source} from ${loaded.documentCount}×${loaded.dimension} file ${(loaded.milliseconds / 1000).toFixed(3)} s`,
  );
  await warm.close();
  console.log(`peak RSS ${rssMiB()} MiB`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
