import { hashOfRange, type WordVisitor } from "./word-scanner.js";

/**
 * Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese): a
 * run of their letters is a phrase, not a word.
 */
const UNSPACED_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** Turns a word visitor into one that first splits runs of unspaced scripts; see {@link unspacedRunSplitter}. */
export type RunSplitter = (visit: WordVisitor) => WordVisitor;

/**
 * Wraps word visitors so that each run of an unspaced script is split into dictionary words by
 * `Intl.Segmenter` (Node's ICU word-break dictionaries) before it is visited; other words pass
 * through unchanged. Ranges and hashes stay those of the lowercased text, as the scanner gives.
 */
export function unspacedRunSplitter(language: string): RunSplitter {
  const segmenter = new Intl.Segmenter(language, { granularity: "word" });
  return (visit) => (text, start, end, hash) => {
    const run = text.slice(start, end);
    if (!UNSPACED_SCRIPT.test(run)) {
      visit(text, start, end, hash);
      return;
    }
    for (const piece of segmenter.segment(run)) {
      if (!piece.isWordLike) continue;
      const pieceStart = start + piece.index;
      const pieceEnd = pieceStart + piece.segment.length;
      visit(text, pieceStart, pieceEnd, hashOfRange(text, pieceStart, pieceEnd));
    }
  };
}
