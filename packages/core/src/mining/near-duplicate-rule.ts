import { containedAtLeast, ShingleCache, type Shingles, shareAtLeast } from "../near-duplicates.js";
import type { SelectionOptions } from "./options.js";

/**
 * The near-duplicate check of one query's candidates (drop reason `near_duplicate`): a candidate
 * is dropped when at least `threshold` of its shingles are query text (the query reappearing in
 * the corpus, maybe under a title; a document merely quoting a short query keeps most of its
 * shingles elsewhere), or when it and a gold, or it and a candidate kept before it, contain one
 * another to at least `threshold` (see `containedAtLeast`). Shingles are computed only for the
 * texts a check reaches, and once per text.
 */
export class NearDuplicateRule {
  private readonly kept: Shingles[] = [];
  private golds: Shingles[] | undefined;

  constructor(
    private readonly threshold: number,
    private readonly queryText: string,
    private readonly goldTexts: readonly string[],
    private readonly cache: ShingleCache,
  ) {}

  /** True when `text` near-duplicates the query, a gold, or a text kept before. */
  matches(text: string): boolean {
    const shingles = this.cache.of(text);
    if (shareAtLeast(shingles, this.cache.of(this.queryText), this.threshold)) return true;
    this.golds ??= this.goldTexts.map((gold) => this.cache.of(gold));
    return [...this.golds, ...this.kept].some((other) => containedAtLeast(shingles, other, this.threshold));
  }

  /** Records a text taken as a negative: later candidates are compared with it too. */
  keep(text: string): void {
    this.kept.push(this.cache.of(text));
  }
}

/**
 * The rule for one query, or undefined at threshold 1 (or unset): exact checks only, and no
 * shingle is ever computed, so such runs behave exactly as before the rule existed.
 */
export function nearDuplicateRuleOf(
  options: Pick<SelectionOptions, "nearDuplicateThreshold">,
  queryText: string,
  goldTexts: readonly string[],
  cache: ShingleCache = new ShingleCache(),
): NearDuplicateRule | undefined {
  const threshold = options.nearDuplicateThreshold ?? 1;
  return threshold >= 1 ? undefined : new NearDuplicateRule(threshold, queryText, goldTexts, cache);
}
