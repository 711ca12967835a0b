import { describe, expect, it } from "vitest";
import { LoadReport } from "./load-report.js";

describe("LoadReport.summary", () => {
  it("groups thousands with commas, as toLocaleString('en-US') does", () => {
    const report = new LoadReport();
    report.read = 1_234_567;
    report.kept = 1_000;
    report.notInSplit = 999;
    report.skip("corpus.jsonl", 3, "empty content");
    expect(report.summary()).toBe(
      "read 1,234,567, kept 1,000; skipped 1 (empty content: 1); 999 not in the qrels split; first: corpus.jsonl:3 empty content",
    );
    for (const count of [0, 7, 12, 999, 1_000, 5_183, 10_000, 100_000, 8_841_823, 123_456_789_012]) {
      const counted = new LoadReport();
      counted.read = count;
      expect(counted.summary()).toBe(`read ${count.toLocaleString("en-US")}, kept 0`);
    }
  });
});
