import { InvalidArgumentError, Option, type Command } from "commander";
import {
  BadOptionError,
  createJudge,
  JUDGE_KINDS,
  JUDGE_POLICIES,
  judgeCollection,
  RERANK_APIS,
  type Engine,
  type Judge,
  type JudgeCollectionReport,
  type JudgeKind,
  type JudgePolicy,
  type MineJudgeReport,
  type RerankApi,
} from "@hardneg/core";
import { formatNumber, printResult, progressLine } from "../output.js";

/** The `--judge*` options as commander parses them (shared by `judge` and `mine`). */
export interface JudgeCommandOptions {
  judge?: JudgeKind;
  policy?: JudgePolicy;
  judgeBaseUrl?: string;
  judgeModel?: string;
  judgeThreshold?: number;
  judgeRerankApi?: RerankApi;
  judgeConcurrency?: number;
  judgeTimeout?: number;
  maxRelabelled?: number;
}

const JUDGE_OPTION_KEYS = [
  "judge",
  "policy",
  "judgeBaseUrl",
  "judgeModel",
  "judgeThreshold",
  "judgeRerankApi",
  "judgeConcurrency",
  "judgeTimeout",
  "maxRelabelled",
] as const;

function positiveNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number) || number <= 0) throw new InvalidArgumentError("expected a number above 0.");
  return number;
}

function wholeNumber(value: string, minimum: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < minimum) throw new InvalidArgumentError(`expected a whole number of at least ${minimum}.`);
  return number;
}

/**
 * Adds the judge options to a command. The API key is never an option (it would land in shell
 * history and process lists): it comes from HARDNEG_JUDGE_API_KEY or OPENAI_API_KEY.
 */
export function addJudgeOptions(command: Command, options: { required: boolean; mining?: boolean }): Command {
  if (options.mining === true) {
    command.option(
      "--max-judged-per-query <n>",
      "drop/relabel: most candidates judged per query, replacements included (default 3 × negatives per query)",
      (value) => wholeNumber(value, 1),
    );
  }
  const judge = new Option("--judge <kind>", "false-negative judge: an OpenAI-compatible chat model, or a /rerank service").choices(
    JUDGE_KINDS,
  );
  const policy = new Option("--policy <policy>", "what to do with negatives judged relevant (default flag)").choices(JUDGE_POLICIES);
  return command
    .addOption(options.required ? judge.makeOptionMandatory() : judge)
    .addOption(policy)
    .option("--judge-base-url <url>", "judge API base URL (llm default https://api.openai.com/v1; env HARDNEG_JUDGE_BASE_URL)")
    .option("--judge-model <name>", "judge model (env HARDNEG_JUDGE_MODEL)")
    .option("--judge-threshold <x>", "rerank: relevant when score ≥ gold score × x (default 0.9)", positiveNumber)
    .addOption(
      new Option("--judge-rerank-api <shape>", "rerank request shape: cohere (Cohere, Jina, vLLM) or tei (default cohere)").choices(
        RERANK_APIS,
      ),
    )
    .option("--judge-concurrency <n>", "judge requests in flight (default 4)", (value) => wholeNumber(value, 1))
    .option("--judge-timeout <ms>", "time allowed per judge request (default 60000)", (value) => wholeNumber(value, 1))
    .option("--max-relabelled <n>", "relabel: report queries with more relabelled candidates than n (default 2)", (value) =>
      wholeNumber(value, 0),
    );
}

/** The judge the options ask for, or undefined without `--judge`. Judge-only options without `--judge` are bad usage. */
export function judgeFromOptions(options: JudgeCommandOptions): Judge | undefined {
  if (options.judge === undefined) {
    const stray = JUDGE_OPTION_KEYS.find((key) => key !== "judge" && options[key] !== undefined);
    if (stray !== undefined)
      throw new BadOptionError(`--${stray.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`, "needs --judge llm|rerank");
    return undefined;
  }
  const baseUrl = options.judgeBaseUrl ?? nonEmpty(process.env["HARDNEG_JUDGE_BASE_URL"]);
  const model = options.judgeModel ?? nonEmpty(process.env["HARDNEG_JUDGE_MODEL"]);
  return createJudge({
    kind: options.judge,
    ...(model === undefined ? {} : { model }),
    ...(baseUrl === undefined ? {} : { baseUrl }),
    ...(options.judgeThreshold === undefined ? {} : { threshold: options.judgeThreshold }),
    ...(options.judgeRerankApi === undefined ? {} : { rerankApi: options.judgeRerankApi }),
    ...(options.judgeConcurrency === undefined ? {} : { concurrency: options.judgeConcurrency }),
    ...(options.judgeTimeout === undefined ? {} : { timeoutMs: options.judgeTimeout }),
  });
}

/** Removes the judge options from a command's options (what is left goes to `mine`). */
export function withoutJudgeOptions<T extends JudgeCommandOptions>(options: T): Omit<T, (typeof JUDGE_OPTION_KEYS)[number]> {
  const rest = { ...options } as Record<string, unknown>;
  for (const key of JUDGE_OPTION_KEYS) delete rest[key];
  return rest as Omit<T, (typeof JUDGE_OPTION_KEYS)[number]>;
}

export interface JudgeRunOptions extends JudgeCommandOptions {
  collection: string;
  dryRun: boolean;
  json: boolean;
}

/** `hardneg judge`: judges the rows of an existing hard-negatives collection (or, with --dry-run, counts what it would cost). */
export async function judgeCommand(engine: Engine, options: JudgeRunOptions): Promise<void> {
  const judge = judgeFromOptions(options)!;
  const progress = progressLine();
  const report = await judgeCollection(engine, options.collection, {
    judge,
    policy: options.policy ?? "flag",
    dryRun: options.dryRun,
    ...(options.maxRelabelled === undefined ? {} : { maxRelabelled: options.maxRelabelled }),
    onProgress: ({ rowsDone, rowsTotal }) => progress(`judging: ${rowsDone}/${rowsTotal} rows`),
  });
  progress.done();
  printResult(options.json, report as unknown as Record<string, unknown>, () => humanJudgeReport(report));
}

function humanJudgeReport(report: JudgeCollectionReport): string[] {
  if (report.estimate !== null) {
    return [
      `dry run: ${report.judge_id} (${report.judge_version}) on collection "${report.collection}", ${report.rows} rows`,
      `would send ${report.judge_calls} pairs to the judge ` +
        `(${report.cache_hits} already cached) in ${report.estimate.requests} requests, ` +
        `about ${report.estimate.estimated_tokens} prompt tokens ` +
        `(${report.estimate.prompt_characters} characters / 4); nothing was sent or written`,
    ];
  }
  return [
    `judged collection "${report.collection}" with ${report.judge_id}, policy ${report.policy}: ${report.rows} rows`,
    `judge calls ${report.judge_calls}, cache hits ${report.cache_hits}, HTTP requests ${formatNumber(report.http_requests)}`,
    verdictLine(report.verdicts),
    ...(report.policy === "drop" ? [`rows marked dropped (left out of exports): ${report.rows_dropped}`] : []),
    ...(report.policy === "relabel"
      ? relabelLines(report.rows_relabelled, report.max_relabelled, report.queries_over_relabel_limit, report.over_relabel_limit_examples)
      : []),
  ];
}

/** The judge lines of `hardneg mine`'s human report. */
export function humanMineJudgeLines(report: MineJudgeReport): string[] {
  return [
    `judge ${report.judge_id}, policy ${report.policy}: judge calls ${report.judge_calls}, ` +
      `cache hits ${report.cache_hits}, HTTP requests ${formatNumber(report.http_requests)}`,
    verdictLine(report.verdicts),
    ...(report.policy === "drop" ? [`negatives dropped ${report.negatives_dropped}, replaced from the pool ${report.replacements}`] : []),
    ...(report.policy === "relabel"
      ? relabelLines(
          report.negatives_relabelled,
          report.max_relabelled,
          report.queries_over_relabel_limit,
          report.over_relabel_limit_examples,
        )
      : []),
  ];
}

function verdictLine(verdicts: { relevant: number; not_relevant: number; unjudged: number }): string {
  return (
    `verdicts: relevant ${verdicts.relevant}, not relevant ${verdicts.not_relevant}, unjudged ${verdicts.unjudged}` +
    (verdicts.unjudged > 0 ? " (kept as negatives; re-run to ask again)" : "")
  );
}

function relabelLines(relabelled: number, maxRelabelled: number, overLimit: number, examples: string[]): string[] {
  return [
    `relabelled as positives: ${relabelled}`,
    ...(overLimit > 0
      ? [
          `queries with more than ${maxRelabelled} relabelled candidates: ` +
            `${overLimit}, e.g. ${examples.slice(0, 5).join(", ")} (check their labels)`,
        ]
      : []),
  ];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
