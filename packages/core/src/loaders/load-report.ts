/** One record a loader left out, with where it is and why. */
export interface SkippedRecord {
  file: string;
  /** 1-based line of the record. */
  line: number;
  reason: string;
}

/** Options of {@link LoadReport}. */
export interface LoadReportOptions {
  /** How many skipped records to keep as examples (the counts are always complete). Default 5. */
  maxExamples?: number;
}

/**
 * What a loader did with a file: records read and kept, records skipped (counted per reason,
 * with the first few kept as examples), duplicate ids, and queries left out because they are
 * not in the chosen qrels split. Loaders fill it in; the CLI prints {@link LoadReport.summary}.
 * One report may be shared by several loaders (e.g. corpus and queries).
 */
export class LoadReport {
  /** Records parsed from the files (before skipping). */
  read = 0;
  /** Records yielded to the caller. */
  kept = 0;
  /** Records left out for a reason (empty text, no gold ids, ...); see {@link skippedByReason}. */
  skipped = 0;
  /** Records whose id was already seen; the first one is kept. */
  duplicates = 0;
  /** Queries left out because the qrels have no entry for them (another split's queries). */
  notInSplit = 0;
  /** Queries named in the qrels that the queries file does not contain. */
  qrelsQueriesMissing = 0;
  /** Count of skipped records per reason. */
  readonly skippedByReason = new Map<string, number>();
  /** The first skipped and duplicate records, up to `maxExamples`. */
  readonly examples: SkippedRecord[] = [];
  private readonly maxExamples: number;

  constructor(options: LoadReportOptions = {}) {
    this.maxExamples = options.maxExamples ?? 5;
  }

  /** Records that a record was left out, and why. */
  skip(file: string, line: number, reason: string): void {
    this.skipped += 1;
    this.skippedByReason.set(reason, (this.skippedByReason.get(reason) ?? 0) + 1);
    this.addExample({ file, line, reason });
  }

  /** Records that a record repeated an id seen before (the earlier record is kept). */
  duplicate(file: string, line: number, id: string): void {
    this.duplicates += 1;
    this.addExample({ file, line, reason: `duplicate id "${id}"` });
  }

  /** A short human summary, e.g. "read 10, kept 8; skipped 1 (empty content: 1); 1 duplicate id; first: a.jsonl:3 empty content". */
  summary(): string {
    const parts = [`read ${formatCount(this.read)}, kept ${formatCount(this.kept)}`];
    if (this.skipped > 0) {
      const reasons = [...this.skippedByReason].map(([reason, count]) => `${reason}: ${formatCount(count)}`).join(", ");
      parts.push(`skipped ${formatCount(this.skipped)} (${reasons})`);
    }
    if (this.duplicates > 0) parts.push(`${formatCount(this.duplicates)} duplicate id${this.duplicates === 1 ? "" : "s"} (first kept)`);
    if (this.notInSplit > 0) parts.push(`${formatCount(this.notInSplit)} not in the qrels split`);
    if (this.qrelsQueriesMissing > 0)
      parts.push(
        `${formatCount(this.qrelsQueriesMissing)} qrels quer${this.qrelsQueriesMissing === 1 ? "y" : "ies"} missing from the queries file`,
      );
    if (this.examples.length > 0) {
      parts.push(`first: ${this.examples.map((example) => `${example.file}:${example.line} ${example.reason}`).join("; ")}`);
    }
    return parts.join("; ");
  }

  private addExample(example: SkippedRecord): void {
    if (this.examples.length < this.maxExamples) this.examples.push(example);
  }
}

/**
 * A count with commas between thousands ("5,183"), as `toLocaleString("en-US")` writes it but
 * without loading ICU's number formats, which costs 20-30 ms on a load's first report line.
 */
function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
