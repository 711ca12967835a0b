// Exact vector search speed of the local backend's kernel (blocked dot-product top-k over unit
// vectors), on random vectors: queries/s at 5k and 1M documents, dimensions 128 and 384.
// Decides whether an ANN index is needed. Build first: (cd ../packages/backend-local && npx tsc -p tsconfig.json)
//
//   node vector-bench.mjs                          # 5k and 1M documents × dims 128 and 384
//   node vector-bench.mjs --docs 5000,100000 --dims 384 --k 100
import { parseArgs } from "node:util";
// Core's seeded generator (mulberry32), so every run searches the same vectors.
import { seededRandom } from "@hardneg/core";
import { searchVectors } from "../packages/backend-local/dist/vectors/vector-search.js";

const { values } = parseArgs({
  options: {
    docs: { type: "string", default: "5000,1000000" },
    dims: { type: "string", default: "128,384" },
    k: { type: "string", default: "100" },
    seed: { type: "string", default: "42" },
  },
});
const k = Number(values.k);

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
