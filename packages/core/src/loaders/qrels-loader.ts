import { BadInputError } from "../errors.js";
import { readLines } from "./line-reader.js";
import { emptyFileError } from "./record-reader.js";

/**
 * Relevance judgements: query id → document id → grade. Grades > 0 are relevant (gold);
 * grade 0 (or below) rows are kept as judged non-relevant. The line of every judgement is kept
 * so later checks (e.g. a gold id missing from the corpus) can point at the qrels row.
 */
export interface Qrels {
  /** The file the judgements were read from. */
  readonly file: string;
  /** query id → (document id → grade), in file order. */
  readonly grades: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** 1-based line of the judgement of `documentId` for `queryId`, or undefined. */
  lineOf(queryId: string, documentId: string): number | undefined;
  /** Relevant (grade > 0) document ids of a query in file order; [] when it has none. */
  goldIds(queryId: string): string[];
}

/** Builds a {@link Qrels} in memory; used by {@link readQrels} and handy in tests. */
export class QrelsTable implements Qrels {
  readonly file: string;
  private readonly gradesByQuery = new Map<string, Map<string, number>>();
  private readonly linesByQuery = new Map<string, Map<string, number>>();

  constructor(file: string) {
    this.file = file;
  }

  get grades(): ReadonlyMap<string, ReadonlyMap<string, number>> {
    return this.gradesByQuery;
  }

  /**
   * Adds one judgement. A repeated (query, document) pair with the same grade is ignored.
   *
   * @throws BadInputError when the pair was already judged with another grade (which one is
   * meant cannot be guessed).
   */
  add(queryId: string, documentId: string, grade: number, line: number): void {
    let documentGrades = this.gradesByQuery.get(queryId);
    let documentLines = this.linesByQuery.get(queryId);
    if (documentGrades === undefined || documentLines === undefined) {
      documentGrades = new Map();
      documentLines = new Map();
      this.gradesByQuery.set(queryId, documentGrades);
      this.linesByQuery.set(queryId, documentLines);
    }
    const previous = documentGrades.get(documentId);
    if (previous !== undefined) {
      if (previous === grade) return;
      const previousLine = documentLines.get(documentId);
      throw new BadInputError(
        `query "${queryId}" judges document "${documentId}" again with grade ${grade} ` +
          `(line ${previousLine} gave ${previous}); keep one row`,
        { file: this.file, line },
      );
    }
    documentGrades.set(documentId, grade);
    documentLines.set(documentId, line);
  }

  lineOf(queryId: string, documentId: string): number | undefined {
    return this.linesByQuery.get(queryId)?.get(documentId);
  }

  goldIds(queryId: string): string[] {
    const documentGrades = this.gradesByQuery.get(queryId);
    if (documentGrades === undefined) return [];
    return [...documentGrades].filter(([, grade]) => grade > 0).map(([documentId]) => documentId);
  }
}

/**
 * Reads a qrels file (gunzipped when the name ends in ".gz") into memory: qrels are what a run
 * must hold, and they are small next to a corpus.
 *
 * Rows are tab-separated (whitespace-separated when a line has no tab, as in classic TREC
 * files) with 3 columns, BEIR's `query-id corpus-id score`, or 4, TREC's
 * `query-id iteration doc-id relevance`; every row must have the count of the first. A header
 * row is optional: the first row is taken as a header when its score column is not a number.
 * Blank lines are skipped.
 *
 * @throws BadInputError naming file and line for a row with another column count, an empty id,
 * a score that is not a number, a conflicting repeated judgement, a byte that is not UTF-8, or
 * an unreadable file; naming the file when it holds no judgement at all.
 */
export async function readQrels(file: string): Promise<Qrels> {
  const qrels = new QrelsTable(file);
  let columnCount: number | undefined;
  let firstRow = true;
  for await (const { line, text } of readLines(file)) {
    if (text.trim() === "") continue;
    const cells = (text.includes("\t") ? text.split("\t") : text.trim().split(/\s+/)).map((cell) => cell.trim());
    const isFirstRow = firstRow;
    firstRow = false;
    if (cells.length !== 3 && cells.length !== 4) {
      throw new BadInputError(
        `row has ${cells.length} column${cells.length === 1 ? "" : "s"}; ` +
          `qrels rows are "query-id<TAB>corpus-id<TAB>score" (BEIR) or "query-id iteration doc-id relevance" (TREC)`,
        { file, line },
      );
    }
    const scoreCell = cells[cells.length - 1]!;
    if (isFirstRow && !isNumber(scoreCell)) continue; // a header such as "query-id corpus-id score"
    columnCount ??= cells.length;
    if (cells.length !== columnCount) {
      throw new BadInputError(`row has ${cells.length} columns but earlier rows have ${columnCount}; use one layout for the whole file`, {
        file,
        line,
      });
    }
    const queryId = cells[0]!;
    const documentId = cells.length === 3 ? cells[1]! : cells[2]!;
    if (queryId === "" || documentId === "") throw new BadInputError("row has an empty query or document id", { file, line });
    if (!isNumber(scoreCell))
      throw new BadInputError(`score "${scoreCell}" is not a number; the last column is the relevance grade`, { file, line });
    qrels.add(queryId, documentId, Number(scoreCell), line);
  }
  if (columnCount === undefined) throw emptyFileError(file, "judgements");
  return qrels;
}

function isNumber(cell: string): boolean {
  return cell !== "" && Number.isFinite(Number(cell));
}
