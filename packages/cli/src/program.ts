import { checkLanguageOption } from "./corpus-language.js";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import {
  EXPORT_FORMATS,
  NTUPLE_POSITIVES,
  QUERY_SAMPLINGS,
  SAMPLINGS,
  SHORTFALL_POLICIES,
  STRATEGIES,
  scrubUrlSecrets,
} from "@hardneg/core";
import { explainInterruption } from "./interrupt.js";
import { addJudgeOptions, judgeCommand } from "./commands/judge.js";
import { DEFAULT_ENGINE } from "./engine.js";
import { enginesHelp, installedSchemes } from "./engines-help.js";
import { cliFlagsOf, fixHint, inCliTerms } from "./error-wording.js";
import { failureOutput } from "./failure-output.js";
import { withEngine, withEngineAndStore } from "./with-engines.js";

// Each command's module is imported when that command runs, so a run loads only its own code
// (`hardneg mine` not the export, compare or load code): Node's start is a good part of a small job.
const commands = {
  compare: () => import("./commands/compare.js"),
  eval: () => import("./commands/eval.js"),
  export: () => import("./commands/export.js"),
  list: () => import("./commands/list.js"),
  load: () => import("./commands/load.js"),
  mine: () => import("./commands/mine.js"),
  report: () => import("./commands/report.js"),
};

/** Exit codes: 0 ok, 1 failure, 2 bad usage or bad input (`failureOutput` picks 1 or 2 for errors). */
const EXIT_BAD_INPUT = 2;

function wholeNumber(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError("expected a whole number of at least 1.");
  return number;
}

function integer(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number)) throw new InvalidArgumentError("expected a whole number.");
  return number;
}

function decimal(value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number)) throw new InvalidArgumentError("expected a number.");
  return number;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function collectMode(value: string, previous: string[] | undefined): string[] {
  if (!["bm25", "vector", "hybrid"].includes(value)) throw new InvalidArgumentError("expected bm25, vector or hybrid.");
  return [...(previous ?? []), value];
}

const engineOption = () =>
  new Option("--engine <spec>", `engine to use, <engine>:<location> (installed: ${installedSchemes()})`).default(DEFAULT_ENGINE);
/** `--store`: see README, "Searching one engine, storing in another". */
const storeOption = (what: string) => new Option("--store <spec>", `engine keeping ${what} (default: the --engine)`);
const jsonOption = () => new Option("--json", "print one JSON object on stdout").default(false);
/** `--language`: see README, "Languages". Recorded with the documents collection; later commands read it from there. */
const languageOption = () =>
  new Option(
    "--language <code>",
    "language of the documents, for BM25 analysis: an ISO 639-1 code (en, de, fr, zh, ja, ar, ...) " +
      "or auto (detected from the first documents)",
  ).default("en");

/** `--embedder`, `--embedder-base-url` and `--embedder-cache`, on every command that loads or searches. */
function addEmbedderOptions(command: Command): Command {
  return command
    .option("--embedder <spec>", "embedder for vector/hybrid modes: onnx:<model id or folder> or openai:<model>")
    .option(
      "--embedder-base-url <url>",
      "OpenAI-compatible server for --embedder openai:<model> (default https://api.openai.com/v1; " +
        "key from HARDNEG_EMBEDDER_API_KEY or OPENAI_API_KEY)",
    )
    .option("--embedder-cache <dir>", "embedding cache folder (default .hardneg-cache/embeddings)");
}

/** `--search-threads`: "auto" or a whole number from 0 (search on the main thread) to 64. */
function threadCount(value: string): number | "auto" {
  if (value === "auto") return value;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 64)
    throw new InvalidArgumentError('expected "auto" or a whole number from 0 to 64.');
  return number;
}

/**
 * `--vector-index` and `--search-threads`, on the commands that search (mine, compare, eval):
 * how the local engine searches. Neither changes results, so neither enters a run's options.
 */
function addLocalSearchOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--vector-index <how>",
        "vector/hybrid search on the local engine: exact (every document), approximate (HNSW index, stored beside the vectors) " +
          "or auto (approximate from 50,000 documents; default)",
      ).choices(["auto", "exact", "approximate"]),
    )
    .option(
      "--search-threads <n>",
      "threads running BM25 searches on the local engine: 0 (main thread only), a number, or auto " +
        "(one per core from 1M postings, about 10,000 documents; default)",
      threadCount,
    );
}

export function buildProgram(): Command {
  const program = new Command("hardneg")
    .description("Mine hard negatives for IR benchmarks from the search engine you already run.")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    // Built only when help is shown (the --engine descriptions list the installed engines by name only).
    .addHelpText("after", () => enginesHelp())
    // Options after `load beir` belong to `beir`, not to `load <file>`.
    .enablePositionalOptions();

  const load = program.command("load").description("load a benchmark or a file into the engine").enablePositionalOptions();
  load
    .command("beir <dir>")
    .description("load a BEIR folder (corpus.jsonl[.gz], queries.jsonl, qrels/<split>.tsv)")
    .option("--split <name>", "qrels split to load", "test")
    .option("--docs-collection <name>", "documents collection (default: the folder name)")
    .option("--queries-collection <name>", "queries collection (default: <folder>-<split>)")
    .addOption(languageOption())
    .addOption(engineOption())
    .addOption(storeOption("the queries; the corpus goes to --engine"))
    .addOption(jsonOption())
    .action(async (dir: string, options) => {
      checkLanguageOption(options.language);
      await withEngineAndStore(
        options,
        { engine: "create", store: "create" },
        async (engine, store) => (await commands.load()).loadBeir(engine, store, dir, options),
        options,
      );
    });
  addEmbedderOptions(load.commands.find((command) => command.name() === "beir")!);
  load
    .argument("[file]", "a .jsonl, .csv or .tsv file (optionally .gz)")
    .option("--collection <name>", "collection to load into")
    .option("--id-key <key>", 'property holding the record id (documents: default "id"; queries: none, ids derived from the text)')
    .option("--content-key <key>", "property holding the text")
    .option("--title-key <key>", "property holding a document title")
    .option("--gold-ids-key <key>", "property holding gold document ids: loads the file as queries")
    .addOption(languageOption())
    .addOption(engineOption())
    .addOption(jsonOption())
    .action(async (file: string | undefined, options) => {
      if (file === undefined) throw new CommanderError(EXIT_BAD_INPUT, "hardneg.usage", "load needs a file, or `load beir <dir>`");
      for (const required of ["collection", "contentKey"] as const) {
        if (options[required] === undefined) {
          throw new CommanderError(
            EXIT_BAD_INPUT,
            "hardneg.usage",
            `load <file> needs --${required === "collection" ? "collection" : "content-key"}`,
          );
        }
      }
      checkLanguageOption(options.language);
      await withEngine(options.engine, "create", async (engine) => (await commands.load()).loadFile(engine, file, options), options);
    });
  addEmbedderOptions(load);

  const mine = program
    .command("mine")
    .description("mine hard negatives into a collection (re-running resumes and never duplicates)")
    .requiredOption("--docs-collection <name>", "documents collection")
    .requiredOption("--queries-collection <name>", "queries collection")
    .requiredOption("--out-collection <name>", "collection receiving the hard negatives")
    .requiredOption("--negatives-per-query <n>", "negatives per query", wholeNumber)
    .option("--query-samples <n>", "queries to mine (default: all)", wholeNumber)
    .addOption(new Option("--query-sampling <how>", "first N queries or a seeded random N").choices(QUERY_SAMPLINGS))
    .option("--seed <n>", "seed of every random choice (default 42)", integer)
    .addOption(new Option("--mode <mode>", "search mode (default: the engine's best)").choices(["bm25", "vector", "hybrid"]))
    .option("--alpha <x>", "hybrid weight, 1 = pure vector (default 0.75)", decimal)
    .addOption(new Option("--fusion <type>", "hybrid fusion").choices(["relative-score", "rrf"]))
    .option("--pool-size <n>", "candidates asked per query (default 100)", wholeNumber)
    .addOption(new Option("--strategy <name>", "which candidates are eligible (default top-k)").choices(STRATEGIES))
    .option("--range-min <rank>", "first eligible pool rank for --strategy range", wholeNumber)
    .option("--range-max <rank>", "last eligible pool rank for --strategy range", wholeNumber)
    .option("--relative-margin <x>", "drop candidates scoring above (1 - x) × the gold's score (0.05 = TopK-PercPos 95%)", decimal)
    .option("--absolute-margin <x>", "drop candidates scoring above the gold's score - x", decimal)
    .option("--max-score <x>", "drop candidates scoring above x", decimal)
    .option("--min-score <x>", "drop candidates scoring below x", decimal)
    .addOption(new Option("--sampling <how>", "best-ranked eligible candidates, or a seeded random draw (default top)").choices(SAMPLINGS))
    .addOption(
      new Option("--shortfall <policy>", "when fewer than N candidates are eligible (default keep-fewer)").choices(SHORTFALL_POLICIES),
    )
    .option(
      "--near-duplicate-threshold <x>",
      "drop candidates whose text is this near a copy (0..1, shingle containment) of the query, a gold or an earlier negative; " +
        "1 = exact copies only (default 0.9)",
      decimal,
    )
    .option(
      "--exclude-golds-of <queries collection>",
      "never take a gold of these queries as a negative, e.g. the test split when mining train (repeat it)",
      collect,
      [],
    )
    .option("--batch-size <n>", "queries per search call and per committed write (default 64)", wholeNumber)
    .option("--concurrency <n>", "batches in flight (default 2)", wholeNumber)
    .option("--report <file.html>", "also write an HTML report of the run")
    .addOption(engineOption())
    .addOption(storeOption("the queries, hard negatives and run records; --engine is then only searched (opened read-only)"))
    .addOption(jsonOption())
    .action(async (options) =>
      withEngineAndStore(
        options,
        { engine: "read", store: "write" },
        async (engine, store) => (await commands.mine()).mineCommand(engine, store, options),
        options,
      ),
    );
  addJudgeOptions(mine, { required: false, mining: true });

  const judge = program
    .command("judge")
    .description("judge an existing hard-negatives collection for false negatives (flag, drop or relabel them)")
    .requiredOption("--collection <name>", "hard-negatives collection")
    .option("--dry-run", "only print how many judge calls (after the cache) and prompt tokens it would take", false)
    .addOption(engineOption())
    .addOption(jsonOption())
    .action(async (options) => withEngine(options.engine, "write", (engine) => judgeCommand(engine, options)));
  addJudgeOptions(judge, { required: true });

  program
    .command("compare")
    .description("mine the same queries with several engines/modes and compare metrics and negatives")
    .requiredOption("--docs-collection <name>", "documents collection (in every engine)")
    .requiredOption("--queries-collection <name>", "queries collection (in every engine)")
    .option("--engine <spec>", `an engine to compare (repeat it), <engine>:<location> (installed: ${installedSchemes()})`, collect, [])
    .option("--mode <mode>", "a search mode to run on every engine (repeat it; default: each engine's best)", collectMode, undefined)
    .requiredOption("--negatives-per-query <n>", "negatives per query", wholeNumber)
    .option("--query-samples <n>", "queries to mine (default: all)", wholeNumber)
    .option("--pool-size <n>", "candidates asked per query (default 100)", wholeNumber)
    .option("--out-prefix <name>", "hard negatives go to <prefix>_<mode> in each engine", "compare")
    .option("--alpha <x>", "hybrid weight, 1 = pure vector (default 0.75)", decimal)
    .addOption(new Option("--fusion <type>", "hybrid fusion (default relative-score)").choices(["relative-score", "rrf"]))
    .option("--report <file.html>", "also write an HTML report of the comparison")
    .addOption(jsonOption())
    .action(async (options) => (await commands.compare()).compareCommand(options));

  program
    .command("eval")
    .description("evaluate the engine on the queries: nDCG@10, MRR@10, Recall@10, Recall@100")
    .requiredOption("--docs-collection <name>", "documents collection")
    .requiredOption("--queries-collection <name>", "queries collection")
    .addOption(new Option("--mode <mode>", "search mode (default: the engine's best)").choices(["bm25", "vector", "hybrid"]))
    .option("--alpha <x>", "hybrid weight, 1 = pure vector", decimal)
    .addOption(new Option("--fusion <type>", "hybrid fusion").choices(["relative-score", "rrf"]))
    .option("--per-query <file>", "also write each query's gold rank, nDCG@10 and Recall@100 as JSONL")
    .addOption(engineOption())
    .addOption(storeOption("the queries; --engine is then only searched"))
    .addOption(jsonOption())
    .action(async (options) =>
      withEngineAndStore(
        options,
        { engine: "read", store: "read" },
        async (engine, store) => (await commands.eval()).evalCommand(engine, store, options),
        options,
      ),
    );

  program
    .command("list")
    .description("list the engine's collections (kind, count, keys) and mining runs (settings, complete or incomplete)")
    .addOption(engineOption())
    .addOption(jsonOption())
    .action(async (options) => withEngine(options.engine, "read", async (engine) => (await commands.list()).listCommand(engine, options)));

  program
    .command("report <run>")
    .description("write a self-contained HTML report of a mining run (by run id or output collection)")
    .option("--output <file.html>", "file to write (default: report-<run id>.html)")
    .addOption(engineOption())
    .addOption(jsonOption())
    .action(async (run: string, options) =>
      withEngine(options.engine, "read", async (engine) => (await commands.report()).reportCommand(engine, run, options)),
    );

  program
    .command("export")
    .description("export a hard-negatives collection for a trainer")
    .requiredOption("--collection <name>", "hard-negatives collection")
    .addOption(new Option("--format <format>", "output format").choices(EXPORT_FORMATS).makeOptionMandatory())
    .requiredOption("--output <file>", "file to write (JSONL), or - for stdout (the summary then goes to stderr)")
    .option(
      "--negatives-per-line <n>",
      "ntuple: negatives on every line (default: the most any query has); queries with fewer are left out and counted",
      wholeNumber,
    )
    .addOption(
      new Option("--positives <which>", "ntuple: the first positive of each query, or one line per positive")
        .choices(NTUPLE_POSITIVES)
        .default("first"),
    )
    .option("--with-scores", "add the engine's scores for distillation (triplets, ntuple: MarginMSE margins; flagembedding)", false)
    .addOption(engineOption())
    .addOption(jsonOption())
    .action(async (options) =>
      withEngine(options.engine, "read", async (engine) => (await commands.export()).exportCommand(engine, options)),
    );

  for (const command of program.commands) {
    if (["mine", "compare", "eval"].includes(command.name())) addLocalSearchOptions(addEmbedderOptions(command));
  }
  return program;
}

/**
 * Runs the CLI and returns its exit code. Bad input and operational failures (a full disk, a
 * locked database, a folder given as a file, ...) print one line, never a stack trace; see
 * `failureOutput` for the rest.
 */
export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  const json = wantsJson(argv);
  // Commander prints its own usage errors, which may quote an option's value: scrub those too.
  const output = {
    writeErr: (text: string) => process.stderr.write(scrubUrlSecrets(text)),
    outputError: (text: string, write: (text: string) => void) => write(withPrefix(text)),
  };
  const commands = [program, ...program.commands, ...program.commands.flatMap((parent) => parent.commands)];
  for (const command of commands) command.exitOverride().configureOutput(output);
  program.hook("preAction", (_program, action) => {
    // "load beir" for a subcommand, so the line names what the user typed.
    const parent = action.parent === program ? undefined : action.parent;
    explainInterruption(parent ? `${parent.name()} ${action.name()}` : action.name());
  });
  try {
    await program.parseAsync(argv as string[], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version succeed; help shown because no command was given is bad usage.
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return 0;
      if (error.code === "hardneg.usage") printError(withPrefix(error.message));
      if (json) printJsonError("USAGE", withPrefix(error.message), EXIT_BAD_INPUT);
      return EXIT_BAD_INPUT;
    }
    const failure = failureOutput(error);
    const [firstLine = "", ...detail] = failure.text.split("\n");
    const worded = inCliTerms(firstLine, cliFlagsOf(program));
    const text = [`${worded}${fixHint(worded, argv)}`, ...detail].join("\n");
    printError(text);
    if (json) printJsonError(failure.code, text.split("\n")[0]!, failure.exitCode);
    return failure.exitCode;
  }
}

/** Whether the command line asks for JSON: `--json` before any `--` that ends the options. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}

/** Commander's "error: ..." as hardneg's "[hardneg] ...", like every other error. */
function withPrefix(text: string): string {
  return text.startsWith("[hardneg]") ? text : `[hardneg] ${text.replace(/^error: /, "")}`;
}

/**
 * With `--json`, a failed command still prints one JSON object on stdout, so a script never reads
 * an empty stdout: `{"error": {"code", "message"}, "exit_code"}`. The line on stderr stays.
 */
function printJsonError(code: string, message: string, exitCode: number): void {
  const line = JSON.stringify({ error: { code, message: message.trimEnd() }, exit_code: exitCode });
  process.stdout.write(`${scrubUrlSecrets(line)}\n`);
}

/**
 * Writes an error on stderr. The last line of defence for secrets: whatever built the text (a
 * library, the runtime, an engine's client), URL credentials and key-like query values are
 * scrubbed before anything is printed.
 */
function printError(text: string): void {
  process.stderr.write(`${scrubUrlSecrets(text)}\n`);
}
