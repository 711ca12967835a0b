import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { BadInputError } from "../errors.js";
import type { Doc, Query } from "../types.js";
import { readDocuments, type DocumentMapping } from "./documents-loader.js";
import type { LoadReport } from "./load-report.js";
import { readQrels, type Qrels } from "./qrels-loader.js";
import { readQueries, type QueryMapping } from "./queries-loader.js";

/** How BEIR names document properties. */
export const BEIR_DOCUMENT_MAPPING: DocumentMapping = { idKey: "_id", contentKey: "text", titleKey: "title" };
/** How BEIR names query properties (gold ids come from the qrels). */
export const BEIR_QUERY_MAPPING: QueryMapping = { idKey: "_id", contentKey: "text" };

/** Options of {@link openBeir}. */
export interface OpenBeirOptions {
  /** Qrels split to use: reads `qrels/<split>.tsv`. Default "test". */
  split?: string;
}

/** A checked BEIR dataset folder, read lazily and streamed. */
export interface BeirDataset {
  readonly folder: string;
  readonly split: string;
  readonly corpusFile: string;
  readonly queriesFile: string;
  readonly qrelsFile: string;
  /** Splits with a `qrels/<split>.tsv` file, sorted. */
  readonly availableSplits: readonly string[];
  /** Streams the corpus (`_id` → id, `title`, `text`); call again to re-read. */
  documents(report?: LoadReport): AsyncIterable<Doc>;
  /** The split's qrels, read once and cached. */
  qrels(): Promise<Qrels>;
  /** Streams the split's queries (those with a qrels entry) with graded gold ids. */
  queries(report?: LoadReport): AsyncIterable<Query>;
}

/**
 * Checks a BEIR folder (`corpus.jsonl[.gz]`, `queries.jsonl[.gz]`, `qrels/<split>.tsv`) and
 * returns readers for it. Nothing is read until iterated, except the folder listing.
 *
 * @throws BadInputError naming the expected path when a file is missing (listing the
 * available splits when it is the qrels file).
 */
export async function openBeir(folder: string, options: OpenBeirOptions = {}): Promise<BeirDataset> {
  const split = options.split ?? "test";
  if (!(await isFolder(folder))) {
    throw new BadInputError("is not a folder; expected a BEIR dataset folder with corpus.jsonl, queries.jsonl and qrels/", {
      file: folder,
    });
  }
  const corpusFile = await findFile(folder, ["corpus.jsonl", "corpus.jsonl.gz"]);
  const queriesFile = await findFile(folder, ["queries.jsonl", "queries.jsonl.gz"]);
  const availableSplits = await listSplits(folder);
  const qrelsFile = join(folder, "qrels", `${split}.tsv`);
  if (!availableSplits.includes(split)) {
    const choices =
      availableSplits.length === 0 ? "the folder has no qrels/*.tsv files" : `available splits: ${availableSplits.join(", ")}`;
    throw new BadInputError(`qrels file for split "${split}" not found (${choices}); pass --split`, { file: qrelsFile });
  }
  let qrelsPromise: Promise<Qrels> | undefined;
  const qrels = (): Promise<Qrels> => (qrelsPromise ??= readQrels(qrelsFile));
  return {
    folder,
    split,
    corpusFile,
    queriesFile,
    qrelsFile,
    availableSplits,
    documents: (report) => readDocuments(corpusFile, BEIR_DOCUMENT_MAPPING, report),
    qrels,
    queries: (report) => readBeirQueries(queriesFile, qrels, report),
  };
}

async function* readBeirQueries(queriesFile: string, qrels: () => Promise<Qrels>, report: LoadReport | undefined): AsyncGenerator<Query> {
  yield* readQueries(queriesFile, BEIR_QUERY_MAPPING, { qrels: await qrels(), ...(report === undefined ? {} : { report }) });
}

async function findFile(folder: string, names: readonly string[]): Promise<string> {
  for (const name of names) {
    const candidate = join(folder, name);
    if (await isFile(candidate)) return candidate;
  }
  throw new BadInputError(
    `not found (nor ${names.slice(1).join(", ")}); a BEIR folder holds corpus.jsonl, queries.jsonl and qrels/<split>.tsv`,
    { file: join(folder, names[0]!) },
  );
}

async function listSplits(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(join(folder, "qrels"));
    return entries
      .filter((name) => name.endsWith(".tsv"))
      .map((name) => name.slice(0, -".tsv".length))
      .sort();
  } catch {
    return [];
  }
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isFile(),
    () => false,
  );
}
