import type { ExportedDocument, QueryGroup } from "./query-group.js";

/** Output formats of {@link exportHardNegatives}; every one writes one JSON object per line. */
export const EXPORT_FORMATS = ["seed", "triplets", "ntuple", "flagembedding", "tevatron", "labeled-pair", "labeled-list"] as const;

/** One of {@link EXPORT_FORMATS}. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** True when `value` names an export format. */
export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

/** Which positives an `ntuple` line pairs with its negatives. */
export const NTUPLE_POSITIVES = ["first", "each"] as const;
export type NtuplePositives = (typeof NTUPLE_POSITIVES)[number];

/** How a grouped format shapes its lines. */
export interface GroupedLineOptions {
  /**
   * `ntuple`: the negatives on every line (the best-ranked ones); the query must have as many.
   * Default: all the query's negatives.
   */
  negativesPerLine?: number;
  /** `ntuple`: the first positive only (default), or one line per positive. */
  positives?: NtuplePositives;
  /**
   * Add the engine's scores for distillation (`triplets`, `ntuple`, `flagembedding` only; every
   * document of the group must have a score). Default false.
   */
  withScores?: boolean;
}

/** The formats with a place for scores (MarginMSE-style margins, FlagEmbedding's score lists). */
export const FORMATS_WITH_SCORES: readonly ExportFormat[] = ["triplets", "ntuple", "flagembedding"];

/**
 * A document as one text field: its title, a space, then its text (as BEIR's dense evaluation
 * joins them, and as BM25 searched them together); the text alone when it has no title.
 */
export function withTitle(document: ExportedDocument): string {
  return document.title === "" ? document.text : `${document.title} ${document.text}`;
}

/** The score of a document that has one (the caller checked every document of the group has). */
function scoreOf(document: ExportedDocument): number {
  return document.score!;
}

/** A query no trainer can use: no positive or no negative left. The exporter leaves it out and counts it. */
export function isUnusable(group: QueryGroup): boolean {
  return group.positives.length === 0 || group.negatives.length === 0;
}

/**
 * The lines (as objects) a grouped format writes for one usable query (see {@link isUnusable});
 * for `ntuple`, one with at least `negativesPerLine` negatives. The exporter leaves the other
 * queries out, and counts them, before it asks for lines.
 *
 * - `triplets`: `{anchor, positive, negative}` per negative. Negative i is paired with positive
 *   i mod (number of positives), so a multi-gold query trains against all its gold documents,
 *   not only the first, and the pairing is deterministic.
 * - `ntuple`: `{anchor, positive, negative_1, ..., negative_n}` (sentence-transformers n-tuple),
 *   n = `negativesPerLine` (default: all the query's negatives). One line with the first
 *   positive, or one line per positive (`positives: "each"`).
 * - `flagembedding`: `{query, pos, neg}` (FlagEmbedding fine-tuning data).
 * - `tevatron`: `{query_id, query, positive_passages, negative_passages}` with passages
 *   `{docid, title, text}`.
 * - `labeled-pair`: `{query, document, label}` per positive (label 1) and per negative (label 0)
 *   (sentence-transformers' labelled pairs: ContrastiveLoss, CoSENTLoss, a CrossEncoder's BCE).
 * - `labeled-list`: `{query, docs, labels}`: the positives (1) then the negatives (0) by rank
 *   (sentence-transformers CrossEncoder list losses: LambdaLoss, ListNetLoss).
 *
 * Every format but `tevatron` has one text field per document: it holds the title and the text
 * joined by {@link withTitle}.
 *
 * With `withScores`, for knowledge distillation: `triplets` add `label`, the margin
 * score(positive) − score(negative), and `ntuple` a list of those margins, one per negative, as
 * sentence-transformers' MarginMSELoss reads them; `flagembedding` adds `pos_scores` and
 * `neg_scores`. The scores are the engine's, on its own scale (a gold's is the lowest-scoring
 * gold's, the one mining compared negatives with).
 */
export function groupedLines(format: Exclude<ExportFormat, "seed">, group: QueryGroup, options: GroupedLineOptions = {}): object[] {
  const { query, positives, negatives } = group;
  switch (format) {
    case "triplets":
      return negatives.map((negative, index) => {
        const positive = positives[index % positives.length]!;
        const line = { anchor: query, positive: withTitle(positive), negative: withTitle(negative) };
        return options.withScores ? { ...line, label: scoreOf(positive) - scoreOf(negative) } : line;
      });
    case "ntuple": {
      const width = options.negativesPerLine ?? negatives.length;
      const paired = options.positives === "each" ? positives : positives.slice(0, 1);
      const kept = negatives.slice(0, width);
      return paired.map((positive) => {
        const line: Record<string, string | number[]> = { anchor: query, positive: withTitle(positive) };
        kept.forEach((negative, index) => {
          line[`negative_${index + 1}`] = withTitle(negative);
        });
        if (options.withScores) line.label = kept.map((negative) => scoreOf(positive) - scoreOf(negative));
        return line;
      });
    }
    case "flagembedding": {
      const line = { query, pos: positives.map(withTitle), neg: negatives.map(withTitle) };
      return [options.withScores ? { ...line, pos_scores: positives.map(scoreOf), neg_scores: negatives.map(scoreOf) } : line];
    }
    case "tevatron": {
      const passage = (document: ExportedDocument) => ({ docid: document.id, title: document.title, text: document.text });
      return [{ query_id: group.queryId, query, positive_passages: positives.map(passage), negative_passages: negatives.map(passage) }];
    }
    case "labeled-pair":
      return [
        ...positives.map((positive) => ({ query, document: withTitle(positive), label: 1 })),
        ...negatives.map((negative) => ({ query, document: withTitle(negative), label: 0 })),
      ];
    case "labeled-list":
      return [
        {
          query,
          docs: [...positives, ...negatives].map(withTitle),
          labels: [...positives.map(() => 1), ...negatives.map(() => 0)],
        },
      ];
  }
}
