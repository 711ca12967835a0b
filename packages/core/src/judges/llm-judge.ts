import { BadOptionError } from "../errors.js";
import { forEachConcurrently } from "../concurrency.js";
import { JudgeHttpClient, RejectedRequestError, type JudgeHttpOptions } from "./judge-http.js";
import type { Judge, JudgeEstimate, JudgeItem, Verdict } from "./judge.js";
import { judgeMessages, parseJudgeAnswer, PROMPT_VERSION } from "./judge-prompt.js";

/** Options of {@link LlmJudge}. */
export interface LlmJudgeOptions extends JudgeHttpOptions {
  /** Model name as the provider spells it, e.g. "gpt-4o-mini", "qwen2.5:7b-instruct". */
  model: string;
  /** Extra attempts after a malformed answer, before the item is recorded unjudged. Default 2. */
  malformedRetries?: number;
  /** Sampling temperature sent with each request; null sends none (for models that refuse it). Default 0. */
  temperature?: number | null;
}

/** Longest piece of a malformed answer kept in the unjudged reason. */
const MAX_QUOTED_ANSWER = 120;

/**
 * An LLM judge over any OpenAI-compatible chat-completions API (OpenAI, vLLM, Ollama, LM Studio,
 * gateways): one `POST {baseUrl}/chat/completions` per item with the prompt of
 * {@link PROMPT_VERSION} and `response_format: {type: "json_object"}`. The answer must be
 * `{"relevant": true|false, "reason": "..."}`; a malformed one is asked again, then the item is
 * recorded unjudged (`relevant: null`), never guessed. Its id is `llm:<model>`.
 */
export class LlmJudge implements Judge {
  readonly id: string;
  readonly version = PROMPT_VERSION;
  private readonly http: JudgeHttpClient;
  private readonly model: string;
  private readonly malformedRetries: number;
  private readonly temperature: number | null;
  private readonly concurrency: number;

  constructor(options: LlmJudgeOptions) {
    if (typeof options.model !== "string" || options.model.trim() === "") {
      throw new BadOptionError("--judge-model", "the LLM judge needs a model name, e.g. gpt-4o-mini");
    }
    this.model = options.model;
    this.id = `llm:${options.model}`;
    this.http = new JudgeHttpClient("judge llm", options);
    this.malformedRetries = options.malformedRetries ?? 2;
    this.temperature = options.temperature === undefined ? 0 : options.temperature;
    this.concurrency = options.concurrency ?? 4;
  }

  get requestsMade(): number {
    return this.http.requestsMade;
  }

  async judge(items: readonly JudgeItem[]): Promise<Verdict[]> {
    const verdicts: Verdict[] = new Array(items.length);
    // forEachConcurrently stops starting items after a fatal error (bad key, unknown model).
    await forEachConcurrently(items, this.concurrency, async (item, index) => {
      verdicts[index] = await this.judgeOne(item);
    });
    return verdicts;
  }

  estimate(items: readonly JudgeItem[]): JudgeEstimate {
    const promptCharacters = items.reduce(
      (sum, item) => sum + judgeMessages(item).reduce((total, message) => total + message.content.length, 0),
      0,
    );
    return { requests: items.length, promptCharacters };
  }

  private async judgeOne(item: JudgeItem): Promise<Verdict> {
    const body = {
      model: this.model,
      messages: judgeMessages(item),
      response_format: { type: "json_object" },
      ...(this.temperature === null ? {} : { temperature: this.temperature }),
    };
    let lastAnswer = "";
    for (let attempt = 0; attempt <= this.malformedRetries; attempt++) {
      let response: unknown;
      try {
        response = await this.http.postJson("chat/completions", body);
      } catch (error) {
        if (error instanceof RejectedRequestError)
          return { relevant: null, reason: `unjudged: the service rejected the request (${error.message})` };
        throw error;
      }
      const content = answerContent(response);
      const answer = parseJudgeAnswer(content);
      if (answer !== undefined) return { relevant: answer.relevant, reason: answer.reason };
      lastAnswer = typeof content === "string" ? content : (JSON.stringify(response) ?? "");
    }
    const quoted = this.http.redact(lastAnswer).slice(0, MAX_QUOTED_ANSWER);
    return { relevant: null, reason: `unjudged: malformed answer after ${this.malformedRetries + 1} attempts: ${JSON.stringify(quoted)}` };
  }
}

/** `choices[0].message.content` of a chat-completions answer, or undefined. */
function answerContent(response: unknown): unknown {
  const choices = (response as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices) || choices.length === 0) return undefined;
  return (choices[0] as { message?: { content?: unknown } } | null)?.message?.content;
}
