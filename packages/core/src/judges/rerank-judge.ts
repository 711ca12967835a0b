import { BadOptionError } from "../errors.js";
import { forEachConcurrently } from "../concurrency.js";
import { groupByQuery } from "./group-by-query.js";
import { JudgeHttpClient, RejectedRequestError, type JudgeHttpOptions } from "./judge-http.js";
import type { Judge, JudgeEstimate, JudgeItem, Verdict } from "./judge.js";
import { MAX_DOCUMENT_CHARACTERS } from "./judge-prompt.js";

/**
 * The request shape of a `/rerank` endpoint:
 * - `cohere`: `{model, query, documents, top_n}` → `{results: [{index, relevance_score}]}` (Cohere, Jina, vLLM, most gateways);
 * - `tei`: `{query, texts}` → `[{index, score}]` (Hugging Face text-embeddings-inference).
 */
export type RerankApi = "cohere" | "tei";

export const RERANK_APIS: readonly RerankApi[] = ["cohere", "tei"];

/** Version of how the rerank judge builds its requests and verdicts; part of cache keys. */
export const RERANK_JUDGE_VERSION = "hardneg-rerank-v1";

/** Options of {@link RerankJudge}. */
export interface RerankJudgeOptions extends JudgeHttpOptions {
  /** Reranker model, e.g. "rerank-v3.5", "jina-reranker-v2-base-multilingual", "BAAI/bge-reranker-v2-m3". */
  model: string;
  /**
   * A candidate is relevant (a false negative) when its score reaches this fraction of the gold's:
   * `score ≥ gold − |gold| × (1 − threshold)`, which is `gold × threshold` for positive scores.
   * The gold is the query's lowest-scoring gold document (as for mining's margins). Default 0.9.
   */
  threshold?: number;
  /** Default "cohere". */
  api?: RerankApi;
  /** Extra attempts after a malformed answer, before the query's items are recorded unjudged. Default 2. */
  malformedRetries?: number;
}

/**
 * A judge over the common `/rerank` API: the query's gold documents and its candidates are
 * scored in one request per query, and each candidate is compared with the gold's score (see
 * {@link RerankJudgeOptions.threshold}). Its id is `rerank:<model>@<threshold>`.
 */
export class RerankJudge implements Judge {
  readonly id: string;
  readonly version = RERANK_JUDGE_VERSION;
  private readonly http: JudgeHttpClient;
  private readonly model: string;
  private readonly threshold: number;
  private readonly api: RerankApi;
  private readonly malformedRetries: number;
  private readonly concurrency: number;

  constructor(options: RerankJudgeOptions) {
    if (typeof options.model !== "string" || options.model.trim() === "") {
      throw new BadOptionError("--judge-model", "the rerank judge needs a model name, e.g. BAAI/bge-reranker-v2-m3");
    }
    const threshold = options.threshold ?? 0.9;
    if (!Number.isFinite(threshold) || threshold <= 0)
      throw new BadOptionError("threshold", `must be a number above 0 (default 0.9), got ${String(threshold)}`);
    const api = options.api ?? "cohere";
    if (!RERANK_APIS.includes(api))
      throw new BadOptionError("--judge-rerank-api", `"${String(api)}" is not one of ${RERANK_APIS.join(", ")}`);
    this.model = options.model;
    this.threshold = threshold;
    this.api = api;
    this.id = `rerank:${options.model}@${threshold}`;
    this.http = new JudgeHttpClient("judge rerank", options);
    this.malformedRetries = options.malformedRetries ?? 2;
    this.concurrency = options.concurrency ?? 4;
  }

  get requestsMade(): number {
    return this.http.requestsMade;
  }

  async judge(items: readonly JudgeItem[]): Promise<Verdict[]> {
    const verdicts: Verdict[] = new Array(items.length);
    await forEachConcurrently(groupByQuery(items), this.concurrency, async (group) => {
      const groupVerdicts = await this.judgeQuery(group.map((index) => items[index]!));
      group.forEach((itemIndex, position) => {
        verdicts[itemIndex] = groupVerdicts[position]!;
      });
    });
    return verdicts;
  }

  estimate(items: readonly JudgeItem[]): JudgeEstimate {
    let promptCharacters = 0;
    const groups = groupByQuery(items);
    for (const group of groups) {
      const first = items[group[0]!]!;
      promptCharacters += first.queryText.length + first.goldTexts.reduce((sum, text) => sum + clip(text).length, 0);
      for (const index of group) promptCharacters += clip(items[index]!.candidateText).length;
    }
    return { requests: groups.length, promptCharacters };
  }

  /** One request scoring the golds and every candidate of one query. */
  private async judgeQuery(items: readonly JudgeItem[]): Promise<Verdict[]> {
    const first = items[0]!;
    const goldCount = first.goldTexts.length;
    if (goldCount === 0)
      return items.map(() => ({ relevant: null, reason: "unjudged: the query has no gold document text to compare with" }));
    const documents = [...first.goldTexts, ...items.map((item) => item.candidateText)].map(clip);
    const body =
      this.api === "tei"
        ? { query: first.queryText, texts: documents, raw_scores: false }
        : { model: this.model, query: first.queryText, documents, top_n: documents.length };
    let lastAnswer = "";
    for (let attempt = 0; attempt <= this.malformedRetries; attempt++) {
      let response: unknown;
      try {
        response = await this.http.postJson("rerank", body);
      } catch (error) {
        if (error instanceof RejectedRequestError)
          return items.map(() => ({ relevant: null, reason: `unjudged: the service rejected the request (${error.message})` }));
        throw error;
      }
      const scores = scoresByIndex(response, documents.length);
      const goldScores = scores === undefined ? [] : Array.from({ length: goldCount }, (_, index) => scores.get(index));
      if (scores !== undefined && goldScores.every((score) => score !== undefined)) {
        const goldScore = Math.min(...(goldScores as number[]));
        return items.map((_, position) => this.verdictOf(scores.get(goldCount + position), goldScore));
      }
      lastAnswer = JSON.stringify(response) ?? "";
    }
    const quoted = this.http.redact(lastAnswer).slice(0, 120);
    return items.map(() => ({
      relevant: null,
      reason: `unjudged: malformed rerank answer after ${this.malformedRetries + 1} attempts: ${quoted}`,
    }));
  }

  private verdictOf(score: number | undefined, goldScore: number): Verdict {
    if (score === undefined) return { relevant: null, reason: "unjudged: the reranker returned no score for the candidate" };
    const bar = goldScore - Math.abs(goldScore) * (1 - this.threshold);
    const relevant = score >= bar;
    return {
      relevant,
      score,
      reason: `score ${round(score)} ${relevant ? "≥" : "<"} ${round(bar)} (gold ${round(goldScore)} × threshold ${this.threshold})`,
    };
  }
}

/**
 * Scores by document index from either answer shape, or undefined when the answer is malformed
 * (not a list of `{index, relevance_score | score}`, or an index out of range).
 */
function scoresByIndex(response: unknown, documentCount: number): Map<number, number> | undefined {
  const results = Array.isArray(response) ? response : (response as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) return undefined;
  const scores = new Map<number, number>();
  for (const result of results) {
    const { index, relevance_score: relevanceScore, score } = (result ?? {}) as Record<string, unknown>;
    const value = typeof relevanceScore === "number" ? relevanceScore : score;
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= documentCount) return undefined;
    if (typeof value !== "number" || !Number.isFinite(value)) return undefined;
    scores.set(index, value);
  }
  return scores;
}

function clip(text: string): string {
  return text.length <= MAX_DOCUMENT_CHARACTERS ? text : text.slice(0, MAX_DOCUMENT_CHARACTERS);
}

function round(value: number): string {
  return String(Math.round(value * 10_000) / 10_000);
}
