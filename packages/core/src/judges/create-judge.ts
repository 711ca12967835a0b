import { BadOptionError } from "../errors.js";
import { JUDGE_KINDS, type Judge, type JudgeKind } from "./judge.js";
import type { JudgeHttpOptions } from "./judge-http.js";
import { LlmJudge } from "./llm-judge.js";
import { RerankJudge, type RerankApi } from "./rerank-judge.js";

/** The LLM judge's base URL when none is given: OpenAI's. */
export const DEFAULT_LLM_BASE_URL = "https://api.openai.com/v1";

/** Options of {@link createJudge}: what the CLI's `--judge*` options carry. */
export interface CreateJudgeOptions extends Omit<JudgeHttpOptions, "baseUrl"> {
  kind: JudgeKind;
  /** Required. */
  model?: string;
  /** Default {@link DEFAULT_LLM_BASE_URL} for "llm"; required for "rerank" (no common default). */
  baseUrl?: string;
  /** Rerank only; see {@link RerankJudgeOptions.threshold}. Default 0.9. */
  threshold?: number;
  /** Rerank only. Default "cohere". */
  rerankApi?: RerankApi;
}

/** An {@link LlmJudge} or a {@link RerankJudge}; the API key comes from the environment unless given. */
export function createJudge(options: CreateJudgeOptions): Judge {
  const { kind, model, baseUrl, threshold, rerankApi, ...http } = options;
  if (!JUDGE_KINDS.includes(kind)) throw new BadOptionError("--judge", `"${String(kind)}" is not one of ${JUDGE_KINDS.join(", ")}`);
  if (model === undefined || model.trim() === "") throw new BadOptionError("--judge-model", `the ${kind} judge needs a model name`);
  if (kind === "llm") return new LlmJudge({ ...http, model, baseUrl: baseUrl ?? DEFAULT_LLM_BASE_URL });
  if (baseUrl === undefined)
    throw new BadOptionError(
      "--judge-base-url",
      "the rerank judge needs the service's base URL, e.g. https://api.cohere.com/v2 or http://127.0.0.1:8080",
    );
  return new RerankJudge({
    ...http,
    model,
    baseUrl,
    ...(threshold === undefined ? {} : { threshold }),
    ...(rerankApi === undefined ? {} : { api: rerankApi }),
  });
}
