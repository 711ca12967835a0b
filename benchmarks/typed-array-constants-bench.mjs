// Why the BM25 search kernels cost 2-4 ns a posting: V8 reads a typed array faster when the
// array is a compile-time constant (here a module-level const) than when it arrives as a
// parameter or an object field, as the scorer's posting lists do. Runs the same two loops both
// ways, alternating, on 2M synthetic postings over 1M documents:
//   - read: sums every posting's score and document id;
//   - accumulate: the exhaustive sum's `accumulator[document] += score`.
//
//   node typed-array-constants-bench.mjs [--rounds 7]
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "7" } } });
const rounds = Number(values.rounds);
const POSTINGS = 2_000_000;
const DOCUMENTS = 1_000_000;
const CALLS_PER_ROUND = 20;

// Shared memory, as search threads receive the lists.
const DOCUMENT_IDS = new Uint32Array(new SharedArrayBuffer(POSTINGS * 4));
const SCORES = new Float32Array(new SharedArrayBuffer(POSTINGS * 4));
for (let posting = 0; posting < POSTINGS; posting++) {
  DOCUMENT_IDS[posting] = Math.floor((posting * DOCUMENTS) / POSTINGS);
  SCORES[posting] = 1 + (posting % 7) / 8;
}
const lists = { postingDocuments: DOCUMENT_IDS, postingScores: SCORES };
const accumulator = new Float32Array(DOCUMENTS);

const loops = {
  "read, constant arrays": () => {
    let sum = 0;
    let mixed = 0;
    for (let posting = 0; posting < POSTINGS; posting++) {
      sum += SCORES[posting];
      mixed ^= DOCUMENT_IDS[posting];
    }
    return sum + mixed;
  },
  "read, arrays from an object": (from) => {
    const { postingDocuments, postingScores } = from;
    let sum = 0;
    let mixed = 0;
    for (let posting = 0; posting < POSTINGS; posting++) {
      sum += postingScores[posting];
      mixed ^= postingDocuments[posting];
    }
    return sum + mixed;
  },
  "accumulate, constant arrays": () => {
    for (let posting = 0; posting < POSTINGS; posting++) {
      const document = DOCUMENT_IDS[posting];
      accumulator[document] = accumulator[document] + SCORES[posting];
    }
    return accumulator[0];
  },
  "accumulate, arrays from an object": (from) => {
    const { postingDocuments, postingScores } = from;
    for (let posting = 0; posting < POSTINGS; posting++) {
      const document = postingDocuments[posting];
      accumulator[document] = accumulator[document] + postingScores[posting];
    }
    return accumulator[0];
  },
};

const milliseconds = Object.fromEntries(Object.keys(loops).map((name) => [name, []]));
let checksum = 0;
for (let round = 0; round < rounds; round++) {
  for (const [name, loop] of Object.entries(loops)) {
    const started = performance.now();
    for (let call = 0; call < CALLS_PER_ROUND; call++) checksum += loop(lists);
    milliseconds[name].push((performance.now() - started) / CALLS_PER_ROUND);
    accumulator.fill(0);
  }
}
const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];
console.log(`${POSTINGS.toLocaleString("en")} postings, ${rounds} alternating rounds of ${CALLS_PER_ROUND} calls, median per call:`);
for (const [name, times] of Object.entries(milliseconds)) {
  console.log(`  ${name.padEnd(34)} ${median(times).toFixed(2)} ms (${((median(times) * 1e6) / POSTINGS).toFixed(2)} ns a posting)`);
}
console.log(`peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB (checksum ${checksum > 0})`);
