import { basename, resolve } from "node:path";
import {
  DocsCollection,
  ingestDocuments,
  ingestQueries,
  LoadReport,
  openBeir,
  QueriesCollection,
  readDocuments,
  readQueries,
  stageDocuments,
  stageQueries,
  type DocumentTarget,
  type Engine,
  type Qrels,
  type Query,
  type StagedLoad,
  type Store,
} from "@hardneg/core";
import { formatNumber, printResult, progressLine } from "../output.js";
import type { EmbedderCommandOptions } from "../embedder-spec.js";
import { corpusLanguage, languageLine, type CorpusLanguage } from "../corpus-language.js";

export interface LoadBeirOptions extends EmbedderCommandOptions {
  split: string;
  /** An ISO 639-1 code or "auto"; recorded with the documents collection. */
  language: string;
  docsCollection?: string;
  queriesCollection?: string;
  json: boolean;
}

/**
 * `hardneg load beir <dir>`: corpus into one collection of `engine`, the split's queries (gold
 * ids and grades from the qrels) into another, in `store` (the same engine unless `--store`
 * names another: where `mine --store` reads them). Qrels rows naming documents absent from the
 * corpus are counted and reported with file and line; mining skips queries none of whose golds exist.
 */
export async function loadBeir(engine: Engine, store: Store, folder: string, options: LoadBeirOptions): Promise<void> {
  const dataset = await openBeir(folder, { split: options.split });
  const name = collectionNameFrom(folder);
  const language = await corpusLanguage(options.language, () => dataset.documents(new LoadReport()));
  const docs = new DocsCollection({
    collectionName: options.docsCollection ?? name,
    idKey: "doc_id",
    contentKey: "text",
    titleKey: "title",
    language: language.language,
  });
  const queries = new QueriesCollection({ collectionName: options.queriesCollection ?? `${name}-${options.split}` });
  const documentsReport = new LoadReport();
  const queriesReport = new LoadReport();
  const progress = progressLine();
  // The qrels and queries are read once before anything is written: a bad line there fails the
  // load before the corpus (the long part) is written.
  const qrels = await dataset.qrels();
  progress("checking the queries and qrels");
  for await (const _query of dataset.queries(new LoadReport())) {
    /* reading is the check */
  }
  // Both collections are staged and swapped in at the end (with --store, one commit per engine): a
  // failure while staging changes neither.
  const stagedDocuments = await stageDocuments(engine, docs, dataset.documents(documentsReport), {
    onProgress: (count) => progress(`documents: ${count}`),
  });
  const unknownGold: UnknownGold[] = [];
  let stagedQueries: StagedLoad;
  try {
    stagedQueries = await stageQueries(
      store,
      queries,
      checkGoldIds(engine, stagedDocuments.writtenTo, dataset.queries(queriesReport), qrels, unknownGold),
      {
        onProgress: (count) => progress(`queries: ${count}`),
      },
    );
  } catch (error) {
    await stagedDocuments.abort().catch(() => undefined);
    throw error;
  }
  await stagedDocuments.commit();
  await stagedQueries.commit();
  const documents = stagedDocuments.count;
  const loaded = stagedQueries.count;
  if (options.embedder !== undefined) progress(`document vectors: embedding ${documents} documents`);
  progress("BM25 index");
  const index = await prepareIndex(engine, docs.target);
  const vectors = options.embedder === undefined ? undefined : await prepareVectors(engine, docs.target);
  progress.done();
  printResult(
    options.json,
    {
      docs_collection: docs.collectionName,
      queries_collection: queries.collectionName,
      language: language.language,
      ...(language.detected === undefined ? {} : { language_detected: language.detected }),
      documents,
      queries: loaded,
      skipped: documentsReport.skipped + queriesReport.skipped,
      duplicates: documentsReport.duplicates + queriesReport.duplicates,
      not_in_split: queriesReport.notInSplit,
      unknown_gold_ids: unknownGold.length,
      unknown_gold_examples: unknownGold.slice(0, 5),
      skipped_examples: [...documentsReport.examples, ...queriesReport.examples],
      ...(index === undefined ? {} : { bm25_index: index }),
      ...(vectors === undefined ? {} : { vectors }),
    },
    () => [
      `loaded ${formatNumber(documents)} documents into "${docs.collectionName}" ` +
        `and ${formatNumber(loaded)} ${options.split} queries into "${queries.collectionName}"`,
      `corpus: ${documentsReport.summary()}`,
      `queries: ${queriesReport.summary()}`,
      languageLine(language),
      ...unknownGoldLines(unknownGold),
      ...indexLines(index),
      ...vectorLines(vectors),
    ],
  );
}

/** What `load --embedder` reports about the document vectors. */
interface VectorsLoaded {
  embedder: string;
  source: string;
  documents: number;
  dimension: number;
  seconds: number;
}

/** The part of the local backend's API that computes document vectors ahead of search (on the engine's driver). */
type VectorPreparing = Engine & {
  driver?: {
    prepareVectors?: (
      target: DocumentTarget,
    ) => Promise<{ embedderId: string; source: string; documentCount: number; dimension: number; milliseconds: number }>;
  };
};

/**
 * Computes (or finds stored) document vectors right after loading, when the engine keeps
 * client-side vectors (the local backend's `prepareVectors`, on its driver); other engines embed at search time.
 */
async function prepareVectors(engine: VectorPreparing, target: DocumentTarget): Promise<VectorsLoaded | undefined> {
  if (typeof engine.driver?.prepareVectors !== "function") return undefined;
  const stats = await engine.driver.prepareVectors(target);
  return {
    embedder: stats.embedderId,
    source: stats.source,
    documents: stats.documentCount,
    dimension: stats.dimension,
    seconds: Math.round(stats.milliseconds) / 1000,
  };
}

/** What `load` reports about the BM25 index it built (engines that index client-side). */
interface IndexBuilt {
  terms: number;
  postings: number;
  seconds: number;
}

/** The part of the local backend's API that builds the BM25 index ahead of search (on the engine's driver). */
type IndexPreparing = Engine & {
  driver?: {
    prepareIndex?: (target: DocumentTarget) => Promise<{ termCount: number; postingCount: number; milliseconds: number }>;
  };
};

/**
 * Builds the BM25 index right after loading, when the engine builds one client-side (the local
 * backend's `prepareIndex`): the corpus was just read, and the first `mine` or `eval` then starts
 * searching at once instead of indexing first.
 */
async function prepareIndex(engine: IndexPreparing, target: DocumentTarget): Promise<IndexBuilt | undefined> {
  if (typeof engine.driver?.prepareIndex !== "function") return undefined;
  const stats = await engine.driver.prepareIndex(target);
  return { terms: stats.termCount, postings: stats.postingCount, seconds: Math.round(stats.milliseconds) / 1000 };
}

function indexLines(index: IndexBuilt | undefined): string[] {
  if (index === undefined) return [];
  return [`BM25 index: ${formatNumber(index.terms)} terms, ${formatNumber(index.postings)} postings (${index.seconds} s)`];
}

function vectorLines(vectors: VectorsLoaded | undefined): string[] {
  if (vectors === undefined) return [];
  return [
    `document vectors: ${vectors.documents} × ${vectors.dimension} from ${vectors.embedder} (${vectors.source}, ${vectors.seconds} s)`,
  ];
}

export interface LoadFileOptions extends EmbedderCommandOptions {
  collection: string;
  idKey?: string;
  contentKey: string;
  titleKey?: string;
  goldIdsKey?: string;
  /** An ISO 639-1 code or "auto"; recorded with a documents collection (queries are analysed as their documents are). */
  language: string;
  json: boolean;
}

/**
 * `hardneg load <file>`: a JSONL/CSV/TSV file into one collection, keeping the file's property
 * names. With `--gold-ids-key` the records are queries, otherwise documents.
 */
export async function loadFile(engine: Engine, file: string, options: LoadFileOptions): Promise<void> {
  const report = new LoadReport();
  const progress = progressLine();
  let count: number;
  let kind: "documents" | "queries";
  let language: CorpusLanguage | undefined;
  if (options.goldIdsKey === undefined) {
    kind = "documents";
    const mapping = {
      idKey: options.idKey ?? "id",
      contentKey: options.contentKey,
      ...(options.titleKey === undefined ? {} : { titleKey: options.titleKey }),
    };
    language = await corpusLanguage(options.language, () => readDocuments(file, mapping, new LoadReport()));
    const docs = new DocsCollection({ collectionName: options.collection, ...mapping, language: language.language });
    count = await ingestDocuments(engine, docs, readDocuments(file, mapping, report), {
      onProgress: (written) => progress(`documents: ${written}`),
    });
  } else {
    kind = "queries";
    const queries = new QueriesCollection({
      collectionName: options.collection,
      queryContentKey: options.contentKey,
      goldIdsKey: options.goldIdsKey,
      ...(options.idKey === undefined ? {} : { idKey: options.idKey }),
    });
    const mapping = {
      contentKey: options.contentKey,
      goldIdsKey: options.goldIdsKey,
      ...(options.idKey === undefined ? {} : { idKey: options.idKey }),
    };
    count = await ingestQueries(engine, queries, readQueries(file, mapping, { report }), {
      onProgress: (written) => progress(`queries: ${written}`),
    });
  }
  const target: DocumentTarget = {
    collection: options.collection,
    idKey: options.idKey ?? "id",
    contentKey: options.contentKey,
    ...(options.titleKey === undefined ? {} : { titleKey: options.titleKey }),
  };
  if (kind === "documents") progress("BM25 index");
  const index = kind === "documents" ? await prepareIndex(engine, target) : undefined;
  const vectors = options.embedder === undefined || kind !== "documents" ? undefined : await prepareVectors(engine, target);
  progress.done();
  printResult(
    options.json,
    {
      collection: options.collection,
      kind,
      ...(language === undefined ? {} : { language: language.language }),
      ...(language?.detected === undefined ? {} : { language_detected: language.detected }),
      records: count,
      skipped: report.skipped,
      duplicates: report.duplicates,
      skipped_examples: report.examples,
      ...(index === undefined ? {} : { bm25_index: index }),
      ...(vectors === undefined ? {} : { vectors }),
    },
    () => [
      `loaded ${formatNumber(count)} ${kind} into "${options.collection}"`,
      report.summary(),
      ...(language === undefined ? [] : [languageLine(language)]),
      ...indexLines(index),
      ...vectorLines(vectors),
    ],
  );
}

interface UnknownGold {
  query_id: string;
  doc_id: string;
  file: string;
  line: number | null;
}

/** Passes queries through, recording gold ids that name no document of the corpus. */
async function* checkGoldIds(
  engine: Engine,
  documentsCollection: string,
  queries: AsyncIterable<Query>,
  qrels: Qrels,
  unknown: UnknownGold[],
): AsyncGenerator<Query> {
  let batch: Query[] = [];
  const flush = async () => {
    const ids = [...new Set(batch.flatMap((query) => query.goldIds))];
    const found = await engine.getRecords(documentsCollection, ids);
    for (const query of batch) {
      for (const id of query.goldIds) {
        if (!found.has(id)) unknown.push({ query_id: query.id, doc_id: id, file: qrels.file, line: qrels.lineOf(query.id, id) ?? null });
      }
    }
    const passed = batch;
    batch = [];
    return passed;
  };
  for await (const query of queries) {
    batch.push(query);
    if (batch.length >= 500) yield* await flush();
  }
  yield* await flush();
}

function unknownGoldLines(unknown: UnknownGold[]): string[] {
  if (unknown.length === 0) return [];
  const first = unknown[0]!;
  return [
    `warning: ${unknown.length} qrels rows name documents that are not in the corpus (first: ${first.file}:${first.line ?? "?"}, ` +
      `query ${first.query_id} → document ${first.doc_id}); queries without any known gold are skipped when mining`,
  ];
}

/** A collection name from a folder name: "datasets/scifact" → "scifact". */
function collectionNameFrom(folder: string): string {
  const name = basename(resolve(folder))
    .replace(/[^A-Za-z0-9_.-]/g, "_")
    .replace(/^[^A-Za-z0-9]+/, "");
  return name === "" ? "corpus" : name;
}
