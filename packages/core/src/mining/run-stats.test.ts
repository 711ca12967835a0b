import { describe, expect, it } from "vitest";
import { DROP_REASONS } from "./select-negatives.js";
import { dropCounts, emptyCounters, GOLD_RANK_BUCKETS, goldRankBucket, MAX_EXAMPLES, mergeCounters, summarizeScores } from "./run-stats.js";

describe("goldRankBucket", () => {
  it("puts each rank in the bucket whose label contains it, and an absent gold in none", () => {
    const expected: [number | null, string][] = [
      [1, "1"],
      [2, "2"],
      [3, "3"],
      [4, "4"],
      [5, "5"],
      [6, "6-10"],
      [10, "6-10"],
      [11, "11-20"],
      [20, "11-20"],
      [21, "21-50"],
      [50, "21-50"],
      [51, "51-100"],
      [100, "51-100"],
      [101, "101+"],
      [10_000, "101+"],
      [null, "none"],
    ];
    for (const [rank, bucket] of expected) expect(goldRankBucket(rank), `rank ${rank}`).toBe(bucket);
    for (const bucket of GOLD_RANK_BUCKETS)
      expect(
        expected.map(([, label]) => label),
        `bucket ${bucket} is reachable`,
      ).toContain(bucket);
  });
});

describe("mergeCounters", () => {
  it("adds every count, merges the keyed counts and keeps the first examples up to the limit", () => {
    const target = emptyCounters();
    Object.assign(target, { queries: 2, queries_mined: 1, rows_written: 3, queries_short: 1, queries_padded: 1 });
    target.queries_skipped = { shortfall: 1 };
    target.gold_rank_histogram = { "1": 2 };
    target.dropped = { gold: 4 };
    target.short_examples = ["s0"];
    target.negative_scores = [1];
    target.metric_sums = { queries: 1, ndcg_at_10: 0.5, mrr_at_10: 0.25, recall_at_10: 1, recall_at_pool: 1 };
    const source = emptyCounters();
    Object.assign(source, { queries: 5, queries_mined: 4, rows_written: 7, queries_short: 2, queries_padded: 3 });
    source.queries_skipped = { shortfall: 2, gold_not_in_corpus: 1 };
    source.gold_rank_histogram = { "1": 1, none: 1 };
    source.dropped = { gold: 1, duplicate: 2 };
    source.short_examples = Array.from({ length: MAX_EXAMPLES + 5 }, (_, index) => `s${index + 1}`);
    source.skipped_examples = [{ query_id: "k", reason: "shortfall" }];
    source.gold_scores = [2, 3];
    source.metric_sums = { queries: 2, ndcg_at_10: 1, mrr_at_10: 1, recall_at_10: 0.5, recall_at_pool: 2 };
    mergeCounters(target, source);
    expect(target, "summed").toMatchObject({ queries: 7, queries_mined: 5, rows_written: 10, queries_short: 3, queries_padded: 4 });
    expect(target.queries_skipped, "skip reasons").toEqual({ shortfall: 3, gold_not_in_corpus: 1 });
    expect(target.gold_rank_histogram, "histogram").toEqual({ "1": 3, none: 1 });
    expect(target.dropped, "drop reasons").toEqual({ gold: 5, duplicate: 2 });
    expect(target.metric_sums, "metric sums").toEqual({
      queries: 3,
      ndcg_at_10: 1.5,
      mrr_at_10: 1.25,
      recall_at_10: 1.5,
      recall_at_pool: 3,
    });
    expect(target.short_examples, "the first examples, up to the limit").toEqual(["s0", ...source.short_examples].slice(0, MAX_EXAMPLES));
    expect(target.skipped_examples, "skipped examples").toEqual([{ query_id: "k", reason: "shortfall" }]);
    expect([target.negative_scores, target.gold_scores], "scores appended").toEqual([[1], [2, 3]]);
    expect(target.judge, "no judge counters when neither side judged").toBeUndefined();
  });

  it("adds judge counters, creating them on the first judged batch", () => {
    const target = emptyCounters();
    const source = emptyCounters();
    source.judge = {
      verdicts: { relevant: 1, not_relevant: 2, unjudged: 3 },
      negatives_dropped: 1,
      negatives_relabelled: 2,
      replacements: 3,
      queries_over_relabel_limit: 1,
      over_relabel_limit_examples: ["q"],
    };
    mergeCounters(target, source);
    mergeCounters(target, source);
    expect(target.judge, "twice the source").toMatchObject({
      negatives_dropped: 2,
      negatives_relabelled: 4,
      replacements: 6,
      queries_over_relabel_limit: 2,
      over_relabel_limit_examples: ["q", "q"],
    });
    expect(target.judge?.verdicts, "verdicts summed").toEqual({ relevant: 2, not_relevant: 4, unjudged: 6 });
  });
});

describe("summarizeScores", () => {
  it("gives the five-number summary by nearest rank, whatever the input order", () => {
    expect(summarizeScores([]), "nothing to summarize").toBeNull();
    expect(summarizeScores([3]), "one score").toEqual({ count: 1, min: 3, p25: 3, median: 3, p75: 3, max: 3 });
    expect(summarizeScores([5, 1, 4, 2, 3]), "odd count").toEqual({ count: 5, min: 1, p25: 2, median: 3, p75: 4, max: 5 });
    // Positions 0.25 × 8 = 2, 0.5 × 8 = 4, 0.75 × 8 = 6 of the sorted nine.
    expect(summarizeScores([90, 10, 80, 20, 70, 30, 60, 40, 50]), "nine").toEqual({
      count: 9,
      min: 10,
      p25: 30,
      median: 50,
      p75: 70,
      max: 90,
    });
    // Four scores: positions 0.75, 1.5, 2.25 round to 1, 2, 2.
    expect(summarizeScores([-1, 10, 2, 3]), "negative scores sort numerically").toEqual({
      count: 4,
      min: -1,
      p25: 2,
      median: 3,
      p75: 3,
      max: 10,
    });
  });
});

describe("dropCounts", () => {
  it("lists every drop reason in a fixed order, zeros included", () => {
    const counters = emptyCounters();
    counters.dropped = { duplicate: 2, gold: 1 };
    const counts = dropCounts(counters);
    expect(Object.keys(counts), "every reason, in order").toEqual([...DROP_REASONS]);
    expect(counts, "the counts").toEqual({ ...Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])), duplicate: 2, gold: 1 });
  });
});
