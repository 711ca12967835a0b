// Writes core's JavaScript: its three entry files (dist/index.js, dist/adapter/index.js,
// dist/testkit/index.js) as bundles of the sources. `tsc` writes only the declarations beside them
// (`--emitDeclarationOnly`): nothing imports core's modules one by one.
//
// Why: Node loads ESM one file at a time, and core is about a hundred modules. On the 2-core
// machines the benchmarks run on, importing core alone took 150-260 ms, and 35-50 ms bundled; a
// whole `hardneg` command starts about 50 ms sooner (the load-then-mine job runs two).
//
// The entries share their modules through chunks (dist/chunks/), so a class is defined once
// whichever entry a package imports it from (`instanceof BadInputError` holds across them).
// Dependencies stay external: they are resolved from core's node_modules as before.
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
// Chunk names carry a content hash: drop the previous build's.
rmSync(join(dist, "chunks"), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ["src/index.ts", "src/adapter/index.ts", "src/testkit/index.ts"],
  outbase: "src",
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
