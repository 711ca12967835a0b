import { describe, expect, it } from "vitest";
import { emptyJudgingStats } from "../judges/cached-judging.js";
import type { Judge, JudgeItem, JudgePolicy, Verdict } from "../judges/judge.js";
import { judgeQueries, type JudgedQuery, type QueryToJudge, type ReplacementSource, type ResolvedJudging } from "./judge-negatives.js";
import type { SelectedNegative } from "./select-negatives.js";

/** A judge that finds the candidates in `relevant` relevant, cannot answer for those in `unanswered`, and records its calls. */
class ScriptedJudge implements Judge {
  readonly id = "scripted";
  readonly calls: JudgeItem[][] = [];

  constructor(
    private readonly relevant: ReadonlySet<string>,
    private readonly unanswered: ReadonlySet<string> = new Set(),
  ) {}

  async judge(items: readonly JudgeItem[]): Promise<Verdict[]> {
    this.calls.push(items.slice());
    return items.map((item) => ({ relevant: this.unanswered.has(item.candidateId) ? null : this.relevant.has(item.candidateId) }));
  }

  /** Candidate ids judged, in order, over every call. */
  get judgedIds(): string[] {
    return this.calls.flat().map((item) => item.candidateId);
  }

  /** The candidate ids of each call about `queryId` (the judge is asked about one query at a time). */
  callsFor(queryId: string): string[][] {
    return this.calls.filter((call) => call[0]?.queryId === queryId).map((call) => call.map((item) => item.candidateId));
  }
}

/** Replacement candidates per query, in draw order; records the query ids each `prepare` asked for. */
class ListedReplacements implements ReplacementSource {
  readonly prepared: string[][] = [];

  constructor(private readonly drawOrders: Record<string, string[]>) {}

  async prepare(queryIds: readonly string[]): Promise<void> {
    this.prepared.push(queryIds.slice());
  }

  drawOrder(queryId: string): readonly SelectedNegative[] {
    return (this.drawOrders[queryId] ?? []).map(negativeOf);
  }
}

function negativeOf(id: string): SelectedNegative {
  return { id, text: `text of ${id}`, rank: null, score: null, padded: false };
}

function queryOf(queryId: string, negativeIds: string[]): QueryToJudge {
  return { queryId, queryText: `query ${queryId}`, goldIds: ["g1"], goldTexts: ["gold text"], negatives: negativeIds.map(negativeOf) };
}

function judgingOf(judge: Judge, policy: JudgePolicy, maxJudgedPerQuery = 100): ResolvedJudging {
  return { judge, policy, maxRelabelled: 2, maxJudgedPerQuery, cache: undefined, stats: emptyJudgingStats() };
}

const idsOf = (negatives: readonly { id: string }[]) => negatives.map((negative) => negative.id);

function resultOf(results: Map<string, JudgedQuery>, queryId: string): JudgedQuery {
  const result = results.get(queryId);
  if (result === undefined) throw new Error(`no result for query ${queryId}`);
  return result;
}

describe("judgeQueries with policy flag", () => {
  it("keeps every negative with its verdict, relevant ones included, and looks for no replacement", async () => {
    const judge = new ScriptedJudge(new Set(["b"]));
    const replacements = new ListedReplacements({ q1: ["a", "b", "c", "d"] });
    const result = resultOf(await judgeQueries([queryOf("q1", ["a", "b"])], judgingOf(judge, "flag"), replacements), "q1");
    expect(result.negatives.map((negative) => [negative.id, negative.verdict.relevant])).toEqual([
      ["a", false],
      ["b", true],
    ]);
    expect(result).toMatchObject({ relabelled: [], dropped: 0, replacements: 0 });
    expect(judge.calls, "one judge call").toHaveLength(1);
    expect(replacements.prepared, "no replacement read").toEqual([]);
  });

  it("asks the judge about each negative with its query and gold documents", async () => {
    const judge = new ScriptedJudge(new Set());
    await judgeQueries([queryOf("q1", ["a"])], judgingOf(judge, "flag"), new ListedReplacements({}));
    expect(judge.calls[0]).toEqual([
      { queryId: "q1", queryText: "query q1", goldIds: ["g1"], goldTexts: ["gold text"], candidateId: "a", candidateText: "text of a" },
    ]);
  });

  it("judges every query of the batch and gives a result for each, one without negatives included", async () => {
    const judge = new ScriptedJudge(new Set());
    const queries = [queryOf("q1", ["a"]), queryOf("q2", ["b", "c"]), queryOf("q3", [])];
    const results = await judgeQueries(queries, judgingOf(judge, "flag"), new ListedReplacements({}));
    expect(judge.callsFor("q1")).toEqual([["a"]]);
    expect(judge.callsFor("q2")).toEqual([["b", "c"]]);
    expect([...results.keys()]).toEqual(["q1", "q2", "q3"]);
    expect(idsOf(resultOf(results, "q2").negatives)).toEqual(["b", "c"]);
    expect(resultOf(results, "q3")).toStrictEqual({ negatives: [], relabelled: [], dropped: 0, replacements: 0 });
  });

  it("adds what judging did to the run's judging stats", async () => {
    const judging = judgingOf(new ScriptedJudge(new Set(["b"])), "flag");
    await judgeQueries([queryOf("q1", ["a", "b"])], judging, new ListedReplacements({}));
    await judgeQueries([queryOf("q2", ["c"])], judging, new ListedReplacements({}));
    expect(judging.stats).toMatchObject({ items: 3, judge_calls: 3, cache_hits: 0 });
    expect(judging.stats.verdicts).toMatchObject({ relevant: 1, not_relevant: 2 });
  });
});

describe("judgeQueries with policies drop and relabel", () => {
  it("drop: a negative judged relevant is removed and the next eligible candidate not yet considered takes its place", async () => {
    const judge = new ScriptedJudge(new Set(["b"]));
    const replacements = new ListedReplacements({ q1: ["a", "b", "c", "d"] });
    const result = resultOf(await judgeQueries([queryOf("q1", ["a", "b"])], judgingOf(judge, "drop"), replacements), "q1");
    expect(idsOf(result.negatives)).toEqual(["a", "c"]);
    expect(result).toMatchObject({ relabelled: [], dropped: 1, replacements: 1 });
    expect(judge.judgedIds, "selected negatives are never judged twice").toEqual(["a", "b", "c"]);
  });

  it("relabel: a negative judged relevant is kept apart as relabelled and replaced", async () => {
    const judge = new ScriptedJudge(new Set(["a"]));
    const replacements = new ListedReplacements({ q1: ["a", "b", "c"] });
    const result = resultOf(await judgeQueries([queryOf("q1", ["a", "b"])], judgingOf(judge, "relabel"), replacements), "q1");
    expect(idsOf(result.negatives)).toEqual(["b", "c"]);
    expect(idsOf(result.relabelled)).toEqual(["a"]);
    expect(result.relabelled[0]!.verdict.relevant).toBe(true);
    expect(result).toMatchObject({ dropped: 0, replacements: 1 });
  });

  it("replacements judged relevant are replaced in turn, round after round", async () => {
    const judge = new ScriptedJudge(new Set(["a", "c", "d"]));
    const replacements = new ListedReplacements({ q1: ["a", "b", "c", "d", "e", "f"] });
    const result = resultOf(await judgeQueries([queryOf("q1", ["a", "b"])], judgingOf(judge, "drop"), replacements), "q1");
    expect(idsOf(result.negatives)).toEqual(["b", "e"]);
    expect(result).toMatchObject({ dropped: 3, replacements: 3 });
    expect(judge.callsFor("q1"), "one round per replacement").toEqual([["a", "b"], ["c"], ["d"], ["e"]]);
  });

  it("a query keeps fewer negatives when its eligible candidates run out", async () => {
    const judge = new ScriptedJudge(new Set(["a", "c"]));
    const replacements = new ListedReplacements({ q1: ["a", "b", "c"] });
    const result = resultOf(await judgeQueries([queryOf("q1", ["a", "b"])], judgingOf(judge, "drop"), replacements), "q1");
    expect(idsOf(result.negatives)).toEqual(["b"]);
    expect(result).toMatchObject({ dropped: 2, replacements: 1 });
  });

  it("a query whose candidates ran out is not looked at again while other queries go on replacing", async () => {
    const judge = new ScriptedJudge(new Set(["a", "x", "y"]));
    const replacements = new ListedReplacements({ q1: ["a"], q2: ["x", "y", "z"] });
    const results = await judgeQueries([queryOf("q1", ["a"]), queryOf("q2", ["x"])], judgingOf(judge, "drop"), replacements);
    expect(replacements.prepared).toEqual([["q1", "q2"], ["q2"]]);
    expect(idsOf(resultOf(results, "q1").negatives)).toEqual([]);
    expect(idsOf(resultOf(results, "q2").negatives)).toEqual(["z"]);
  });

  it("judges at most maxJudgedPerQuery candidates per query, replacements included", async () => {
    const judge = new ScriptedJudge(new Set(["a", "b", "c", "d", "e"]));
    const replacements = new ListedReplacements({ q1: ["a", "b", "c", "d", "e", "f"] });
    const result = resultOf(await judgeQueries([queryOf("q1", ["a", "b"])], judgingOf(judge, "drop", 3), replacements), "q1");
    expect(judge.judgedIds).toEqual(["a", "b", "c"]);
    expect(result).toMatchObject({ negatives: [], dropped: 3, replacements: 1 });
  });

  it("a query that reached maxJudgedPerQuery exactly is not replaced further", async () => {
    const judge = new ScriptedJudge(new Set(["a"]));
    const replacements = new ListedReplacements({ q1: ["a", "b", "c"] });
    const result = resultOf(await judgeQueries([queryOf("q1", ["a", "b"])], judgingOf(judge, "drop", 2), replacements), "q1");
    expect(idsOf(result.negatives)).toEqual(["b"]);
    expect(replacements.prepared, "nothing to replace within the budget").toEqual([]);
  });

  it("an unjudged negative (no answer) stays a negative: a failure to answer is not a verdict", async () => {
    const judge = new ScriptedJudge(new Set(["a"]), new Set(["a"]));
    const replacements = new ListedReplacements({ q1: ["a", "b"] });
    const result = resultOf(await judgeQueries([queryOf("q1", ["a"])], judgingOf(judge, "drop"), replacements), "q1");
    expect(idsOf(result.negatives)).toEqual(["a"]);
    expect(result.negatives[0]!.verdict.relevant).toBeNull();
    expect(result).toMatchObject({ dropped: 0, replacements: 0 });
  });

  it("replacements are read only for the queries still short, all in one round trip", async () => {
    const judge = new ScriptedJudge(new Set(["a", "x"]));
    const replacements = new ListedReplacements({ q1: ["a", "b", "c"], q2: ["x", "y"], q3: ["m", "n"] });
    const queries = [queryOf("q1", ["a", "b"]), queryOf("q2", ["x"]), queryOf("q3", ["m"])];
    const results = await judgeQueries(queries, judgingOf(judge, "relabel"), replacements);
    expect(replacements.prepared).toEqual([["q1", "q2"]]);
    expect(idsOf(resultOf(results, "q1").negatives)).toEqual(["b", "c"]);
    expect(idsOf(resultOf(results, "q2").negatives)).toEqual(["y"]);
    expect(idsOf(resultOf(results, "q3").negatives)).toEqual(["m"]);
    expect(judge.callsFor("q1"), "q1: a selection round, then a replacement round").toEqual([["a", "b"], ["c"]]);
    expect(judge.callsFor("q2")).toEqual([["x"], ["y"]]);
    expect(judge.callsFor("q3"), "q3 lost nothing: judged once").toEqual([["m"]]);
  });
});
