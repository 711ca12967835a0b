/**
 * Terms in first-seen order, each with its id (its position): what fixes term ids, so a build in
 * threads (merging the threads' new terms in collection order) gives the ids one builder gives.
 */
export class Vocabulary {
  readonly terms: string[] = [];
  private readonly idByTerm = new Map<string, number>();

  /** The term's id, the next one when the term is new. */
  idOf(term: string): number {
    let termId = this.idByTerm.get(term);
    if (termId === undefined) {
      termId = this.terms.length;
      this.idByTerm.set(term, termId);
      this.terms.push(term);
    }
    return termId;
  }
}
