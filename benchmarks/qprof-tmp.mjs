import { openLocalBackend } from "@hardneg/backend-local";
import { createSyntheticCorpus } from "./synthetic-corpus.mjs";
const path = process.argv[2];
const docs = Number(process.argv[3]);
const b = await openLocalBackend(path, { indexDirectory: process.argv[4] });
const target = { collection: "synthetic", idKey: "doc_id", contentKey: "text" };
console.log((await b.prepareIndex(target)).source);
const requests = createSyntheticCorpus({ docs, queries: 2000 }).queries().map(({ text }) => ({ text }));
for (let pass = 0; pass < 3; pass++) {
  const t0 = performance.now();
  for (let s = 0; s < requests.length; s += 256) await b.search(target, requests.slice(s, s + 256), { mode: "bm25", k: 10 });
  console.log("q/s", (requests.length / (performance.now() - t0) * 1000).toFixed(1));
}
