import type { QueryGroup } from "./query-group.js";

/** Output formats of {@link exportHardNegatives}; every one writes one JSON object per line. */
export const EXPORT_FORMATS = ["seed", "triplets", "ntuple", "flagembedding", "tevatron"] as const;

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
   * `ntuple`: the negatives on every line (the best-ranked ones). A query with fewer writes no
   * line: a trainer reads every line with the same columns. Default: all the query's negatives.
   */
  negativesPerLine?: number;
  /** `ntuple`: the first positive only (default), or one line per positive. */
  positives?: NtuplePositives;
}

/**
 * The lines (as objects) a grouped format writes for one query; [] when the query has no
 * positive or no negative, since no trainer can use such an example.
 *
 * - `triplets`: `{anchor, positive, negative}` per negative. Negative i is paired with positive
 *   i mod (number of positives), so a multi-gold query trains against all its gold documents,
 *   not only the first, and the pairing is deterministic.
 * - `ntuple`: `{anchor, positive, negative_1, ..., negative_n}` (sentence-transformers n-tuple),
 *   n = `negativesPerLine`; [] for a query with fewer negatives. One line with the first
 *   positive, or one line per positive (`positives: "each"`).
 * - `flagembedding`: `{query, pos, neg}` (FlagEmbedding fine-tuning data; its optional score
 *   keys are left out).
 * - `tevatron`: `{query_id, query, positive_passages, negative_passages}` with passages
 *   `{docid, title, text}`; rows carry no titles, so title is "".
 */
export function groupedLines(format: Exclude<ExportFormat, "seed">, group: QueryGroup, options: GroupedLineOptions = {}): object[] {
  const { query, positives, negatives } = group;
  if (positives.length === 0 || negatives.length === 0) return [];
  switch (format) {
    case "triplets":
      return negatives.map((negative, index) => ({
        anchor: query,
        positive: positives[index % positives.length]!.text,
        negative: negative.text,
      }));
    case "ntuple": {
      const width = options.negativesPerLine ?? negatives.length;
      if (negatives.length < width) return [];
      const paired = options.positives === "each" ? positives : positives.slice(0, 1);
      return paired.map((positive) => {
        const line: Record<string, string> = { anchor: query, positive: positive.text };
        negatives.slice(0, width).forEach((negative, index) => {
          line[`negative_${index + 1}`] = negative.text;
        });
        return line;
      });
    }
    case "flagembedding":
      return [{ query, pos: positives.map((positive) => positive.text), neg: negatives.map((negative) => negative.text) }];
    case "tevatron": {
      const passage = (document: { id: string; text: string }) => ({ docid: document.id, title: "", text: document.text });
      return [{ query_id: group.queryId, query, positive_passages: positives.map(passage), negative_passages: negatives.map(passage) }];
    }
  }
}
