// Exact vector search speed of the local backend's kernel (blocked dot-product top-k over unit
// vectors), on random vectors: queries/s at 5k and 1M documents, dimensions 128 and 384.
// Decides whether an ANN index is needed. Build first: (cd ../packages/backend-local && npx tsc -p tsconfig.json)
// With --ann: the approximate index (usearch HNSW, the backend's parameters) instead: build
// time, index file size, queries/s at k and Recall@k against exact search for several efSearch
// values, peak RSS; with --scifact, Recall@k on SciFact with the tiny ONNX model's embeddings.
//
//   node vector-bench.mjs                          # 5k and 1M documents × dims 128 and 384
//   node vector-bench.mjs --docs 5000,100000 --dims 384 --k 100
//   node vector-bench.mjs --ann --docs 100000 --dims 384       # add --ef 64,256,1024 --sample 200 --queries 1000
//   node vector-bench.mjs --ann --scifact                      # SciFact corpus, test + train queries
//   node vector-bench.mjs --ann --docs 100000 --dims 384 --latent 32   # vectors from a 32-dimensional latent space
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
// Core's seeded generator (mulberry32), so every run searches the same vectors.
import { OnnxEmbedder, seededRandom } from "@hardneg/core";
import { VECTOR_INDEX_PARAMETERS, VectorIndex } from "../packages/backend-local/dist/vectors/vector-index.js";
import { searchVectors } from "../packages/backend-local/dist/vectors/vector-search.js";

const { values } = parseArgs({
  options: {
    docs: { type: "string", default: "5000,1000000" },
    dims: { type: "string", default: "128,384" },
    k: { type: "string", default: "100" },
    seed: { type: "string", default: "42" },
    ann: { type: "boolean", default: false },
    scifact: { type: "boolean", default: false },
    ef: { type: "string", default: "" },
    sample: { type: "string", default: "200" },
    queries: { type: "string", default: "1000" },
    latent: { type: "string", default: "0" },
  },
});
const k = Number(values.k);
const rssMiB = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);

function unitVectors(count, dimension, next) {
  const matrix = new Float32Array(count * dimension);
  for (let row = 0; row < count; row++) {
    let sum = 0;
    for (let column = 0; column < dimension; column++) {
      const value = next() * 2 - 1;
      matrix[row * dimension + column] = value;
      sum += value * value;
    }
    const scale = 1 / Math.sqrt(sum);
    for (let column = 0; column < dimension; column++) matrix[row * dimension + column] *= scale;
  }
  return matrix;
}

if (values.ann) {
  await annBench();
  process.exit(0);
}

console.log(`exact top-${k} by dot product (cosine on unit vectors), one thread`);
console.log("documents  dim  queries  seconds  queries/s  ms/query  matrix MiB  peak RSS MiB");
for (const documents of values.docs.split(",").map(Number)) {
  for (const dimension of values.dims.split(",").map(Number)) {
    const next = seededRandom(Number(values.seed));
    const matrix = unitVectors(documents, dimension, next);
    // Enough queries for a stable figure without minutes per row.
    const queryCount = Math.max(16, Math.min(2000, Math.round(2e9 / (documents * dimension))));
    const queryMatrix = unitVectors(queryCount, dimension, next);
    const queries = Array.from({ length: queryCount }, (_, row) => queryMatrix.subarray(row * dimension, (row + 1) * dimension));
    searchVectors(matrix, dimension, queries.slice(0, 8), k); // warm-up
    const started = performance.now();
    const results = searchVectors(matrix, dimension, queries, k);
    const seconds = (performance.now() - started) / 1000;
    if (results.length !== queryCount || results[0].documentIndexes.length !== Math.min(k, documents))
      throw new Error("wrong result shape");
    console.log(
      [
        String(documents).padStart(9),
        String(dimension).padStart(4),
        String(queryCount).padStart(8),
        seconds.toFixed(2).padStart(8),
        (queryCount / seconds).toFixed(1).padStart(10),
        ((1000 * seconds) / queryCount).toFixed(2).padStart(9),
        (matrix.byteLength / 2 ** 20).toFixed(0).padStart(11),
        (process.resourceUsage().maxRSS / 1024).toFixed(0).padStart(13),
      ].join("  "),
    );
  }
}

/** Recall@k of `approximate` against `exact` (RankedDocuments lists), over the queries both have. */
function recallAt(exact, approximate) {
  let found = 0;
  let wanted = 0;
  exact.forEach((ranked, position) => {
    const truth = new Set(ranked.documentIndexes);
    wanted += truth.size;
    for (const document of approximate[position].documentIndexes) if (truth.has(document)) found++;
  });
  return found / wanted;
}

/** The approximate index against exact search: synthetic unit vectors, or SciFact with --scifact. */
async function annBench() {
  const parameters = VECTOR_INDEX_PARAMETERS;
  const efs = values.ef === "" ? [64, 128, 256, 512, 1024] : values.ef.split(",").map(Number);
  const folder = mkdtempSync(join(tmpdir(), "hardneg-ann-bench-"));
  const { version } = JSON.parse(
    readFileSync(new URL("../packages/backend-local/node_modules/usearch/package.json", import.meta.url), "utf8"),
  );
  console.log(
    `approximate top-${k}: usearch ${version} HNSW, M ${parameters.connectivity}, efConstruction ${parameters.expansionAdd}, ` +
      `${parameters.quantization} graph vectors, candidates rescored exactly; ${availableParallelism()} threads`,
  );
  console.log(`target (issue 12): at 1M × 384, ≥ 300 queries/s at Recall@${k} ≥ 0.95 against exact search`);
  try {
    const sets = values.scifact ? [await scifactSet()] : syntheticSets();
    for (const set of sets) {
      const { name, matrix, dimension, documents, queries, sample } = set;
      let started = performance.now();
      const built = VectorIndex.build(matrix, dimension, documents, parameters);
      const buildSeconds = (performance.now() - started) / 1000;
      const file = join(folder, "bench.ann");
      const identity = {
        key: "bench",
        databaseId: "bench",
        collectionVersion: 1,
        embedderId: "bench",
        documentCount: documents,
        dimension,
      };
      built.save(file, identity);
      console.log(
        `${name}: build ${buildSeconds.toFixed(1)} s, index file ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB, ` +
          `peak RSS so far ${rssMiB()} MiB`,
      );
      // The exact top k of the sample: the backend's exact kernel (one thread), or usearch's
      // brute force (all threads, float32 inner product) where that would take minutes.
      started = performance.now();
      const exact = set.exact ?? searchVectors(matrix, dimension, sample, k);
      console.log(`  exact top-${k} of ${sample.length} sample queries: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      console.log(`  efSearch  queries  queries/s  Recall@${k}   (target ≥ 300 q/s at ≥ 0.95, for 1M × 384)`);
      for (const ef of efs) {
        const loaded = VectorIndex.load(file, identity, { ...parameters, expansionSearch: ef });
        if (loaded.status !== "read") throw new Error(`index did not load: ${loaded.status}`);
        loaded.index.search(matrix, dimension, queries.slice(0, 8), k); // warm-up
        started = performance.now();
        const approximate = loaded.index.search(matrix, dimension, queries, k);
        const seconds = (performance.now() - started) / 1000;
        const recall = recallAt(exact, approximate.slice(0, sample.length));
        console.log(
          `  ${String(ef).padStart(8)}  ${String(queries.length).padStart(7)}  ${(queries.length / seconds).toFixed(0).padStart(9)}  ` +
            `${recall.toFixed(3).padStart(9)}`,
        );
      }
      console.log(`  peak RSS ${rssMiB()} MiB`);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function* syntheticSets() {
  const queryCount = Number(values.queries);
  const sampleCount = Math.min(queryCount, Number(values.sample));
  for (const documents of values.docs.split(",").map(Number)) {
    for (const dimension of values.dims.split(",").map(Number)) {
      const next = seededRandom(Number(values.seed));
      const latent = Number(values.latent);
      const generate = latent > 0 ? latentVectors(dimension, latent, next) : (count) => unitVectors(count, dimension, next);
      const matrix = generate(documents);
      const queryMatrix = generate(queryCount);
      const queries = Array.from({ length: queryCount }, (_, row) => queryMatrix.subarray(row * dimension, (row + 1) * dimension));
      const sample = queries.slice(0, sampleCount);
      // Above 200k × 384 the one-thread exact kernel would take many minutes for the sample.
      const exact = documents * dimension > 200_000 * 384 ? usearchExact(matrix, sample, dimension) : undefined;
      const kind = latent > 0 ? `unit vectors from a ${latent}-dimensional latent space (+10% noise)` : "random unit vectors";
      yield { name: `${documents} × ${dimension} ${kind}`, matrix, dimension, documents, queries, sample, exact };
    }
  }
}

/**
 * Unit vectors with structure, like real embeddings' low intrinsic dimension: a random point of a
 * `latent`-dimensional cube mapped by one fixed random linear map to `dimension`, plus 10% noise.
 * (Uniform random unit vectors in 384 dimensions are the worst case for any ANN index: every
 * document is almost equally far from a query.)
 */
function latentVectors(dimension, latent, next) {
  const map = Float32Array.from({ length: latent * dimension }, () => next() * 2 - 1);
  return (count) => {
    const matrix = unitVectors(count, dimension, next);
    const point = new Float32Array(latent);
    const row = new Float32Array(dimension);
    for (let document = 0; document < count; document++) {
      for (let axis = 0; axis < latent; axis++) point[axis] = next() * 2 - 1;
      row.fill(0);
      for (let axis = 0; axis < latent; axis++)
        for (let column = 0; column < dimension; column++) row[column] += point[axis] * map[axis * dimension + column];
      let sum = 0;
      for (let column = 0; column < dimension; column++) sum += row[column] * row[column];
      const scale = 1 / Math.sqrt(sum);
      let norm = 0;
      for (let column = 0; column < dimension; column++) {
        const value = row[column] * scale + 0.1 * matrix[document * dimension + column];
        matrix[document * dimension + column] = value;
        norm += value * value;
      }
      for (let column = 0; column < dimension; column++) matrix[document * dimension + column] /= Math.sqrt(norm);
    }
    return matrix;
  };
}

function usearchExact(matrix, sample, dimension) {
  const usearch = createRequire(import.meta.url)("../packages/backend-local/node_modules/usearch");
  const found = usearch.exactSearch(matrix, sample, dimension, k, "ip", availableParallelism());
  return sample.map((_, position) => ({
    documentIndexes: Uint32Array.from(found.keys.subarray(position * k, (position + 1) * k), Number),
  }));
}

/** SciFact's corpus (title + text) and queries, embedded offline with the tiny test model. */
async function scifactSet() {
  const repositoryRoot = resolve(fileURLToPath(import.meta.url), "../..");
  const model = resolve(repositoryRoot, "../shared/models/tiny-scifact-embedder");
  const dataset = resolve(repositoryRoot, "../shared/datasets/scifact");
  if (!existsSync(model) || !existsSync(dataset)) {
    console.log(`SKIPPED: needs ${model} and ${dataset}`);
    process.exit(0);
  }
  const read = (file) =>
    readFileSync(join(dataset, file), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
  const corpus = read("corpus.jsonl");
  const queryRecords = read("queries.jsonl");
  const embedder = new OnnxEmbedder({ model, cache: { directory: join(tmpdir(), "hardneg-vector-bench-embeddings") } });
  const started = performance.now();
  const documentVectors = await embedder.embedDocuments(
    corpus.map((record) => (record.title ? `${record.title} ${record.text}` : record.text)),
  );
  const queryVectors = await embedder.embedQueries(queryRecords.map((record) => record.text));
  await embedder.close();
  console.log(`SciFact embedded (or read from the cache) in ${((performance.now() - started) / 1000).toFixed(1)} s with ${embedder.id}`);
  const dimension = documentVectors[0].length;
  const matrix = new Float32Array(corpus.length * dimension);
  documentVectors.forEach((vector, row) => {
    matrix.set(normalized(vector), row * dimension);
  });
  const queries = queryVectors.map((vector) => normalized(vector));
  return {
    name: `SciFact ${corpus.length} × ${dimension}, ${queries.length} queries`,
    matrix,
    dimension,
    documents: corpus.length,
    queries,
    sample: queries,
  };
}

function normalized(vector) {
  const row = Float32Array.from(vector);
  const norm = Math.hypot(...row);
  return norm === 0 ? row : row.map((value) => value / norm);
}
