import type { Doc } from "../types.js";
import { LoadReport } from "./load-report.js";
import { emptyFileError, readRecords } from "./record-reader.js";
import { idFromValue, requireKey, textFromValue } from "./record-values.js";

/** Which record properties hold a document's id, content and title. */
export interface DocumentMapping {
  /** Property holding the document id (what gold ids refer to), e.g. "_id" for BEIR. */
  idKey: string;
  /** Property holding the document text, e.g. "text". */
  contentKey: string;
  /** Optional property holding a title. Default: none (documents get no title). */
  titleKey?: string;
}

/**
 * Streams the documents of a corpus file: ".jsonl", ".csv" or ".tsv", each optionally gzipped
 * (".gz"). Every other property of a record is kept in `Doc.fields`.
 *
 * Not fatal, counted in `report`: records with empty (or whitespace-only) content are skipped;
 * a repeated id keeps the first record. Ids seen are held in a Set (memory grows with the
 * number of documents, not with their text).
 *
 * @param report Receives counts and examples; pass one to show the user what was left out.
 * @throws BadInputError naming file and line when a record lacks the id or content key (listing
 * the keys it has), when an id is empty or not a string/number, or when the file is malformed
 * or not UTF-8; naming the file when it holds no record at all.
 */
export async function* readDocuments(file: string, mapping: DocumentMapping, report: LoadReport = new LoadReport()): AsyncGenerator<Doc> {
  const seenIds = new Set<string>();
  let records = 0;
  for await (const { line, value: record } of readRecords(file)) {
    records += 1;
    report.read += 1;
    const location = { file, line };
    const id = idFromValue(requireKey(record, mapping.idKey, location, "--id-key"), mapping.idKey, location);
    const text = textFromValue(requireKey(record, mapping.contentKey, location, "--content-key"), mapping.contentKey, location);
    if (text.trim() === "") {
      report.skip(file, line, "empty content");
      continue;
    }
    if (seenIds.has(id)) {
      report.duplicate(file, line, id);
      continue;
    }
    seenIds.add(id);
    const doc: Doc = { id, text };
    const title = mapping.titleKey === undefined ? "" : textFromValue(record[mapping.titleKey], mapping.titleKey, location);
    if (title !== "") doc.title = title;
    const fields = otherFields(record, [mapping.idKey, mapping.contentKey, mapping.titleKey]);
    if (fields !== undefined) doc.fields = fields;
    report.kept += 1;
    yield doc;
  }
  if (records === 0) throw emptyFileError(file, "documents");
}

/** The record's properties minus the mapped ones, or undefined when none are left. */
function otherFields(record: Record<string, unknown>, mappedKeys: readonly (string | undefined)[]): Record<string, unknown> | undefined {
  let fields: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(record)) {
    if (mappedKeys.includes(key)) continue;
    fields ??= {};
    fields[key] = value;
  }
  return fields;
}
