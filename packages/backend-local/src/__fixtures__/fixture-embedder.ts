import type { Embedder } from "@hardneg/core";
import { fixtureVector, FIXTURE_VECTOR_DIMENSION } from "@hardneg/core/testkit";

/**
 * A deterministic embedder for tests: the conformance fixture's hashed bag of words (16
 * dimensions, texts sharing words are close). Counts the texts it embeds, so tests can tell a
 * computed vector from a stored one.
 */
export class FixtureEmbedder implements Embedder {
  readonly dimension = FIXTURE_VECTOR_DIMENSION;
  embeddedDocuments = 0;
  embeddedQueries = 0;

  constructor(readonly id = "fixture:hashed-words") {}

  async embedQueries(texts: readonly string[]): Promise<Float32Array[]> {
    this.embeddedQueries += texts.length;
    return texts.map((text) => Float32Array.from(fixtureVector(text)));
  }

  async embedDocuments(texts: readonly string[]): Promise<Float32Array[]> {
    this.embeddedDocuments += texts.length;
    return texts.map((text) => Float32Array.from(fixtureVector(text)));
  }
}
