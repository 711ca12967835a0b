// Loaded with `node --import ./measure-peak-rss.mjs ...`: when the process exits, appends its
// wall time and peak resident set size (from the kernel's rusage) to $PEAK_RSS_FILE as JSON.
import { appendFileSync } from "node:fs";

const started = performance.now();
const file = process.env.PEAK_RSS_FILE;
if (file) {
  process.on("exit", () => {
    const seconds = (performance.now() - started) / 1000;
    appendFileSync(file, `${JSON.stringify({ seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
  });
}
