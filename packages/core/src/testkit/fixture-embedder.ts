import type { Embedder } from "../embedders/embedder.js";
import { FIXTURE_VECTOR_DIMENSION, fixtureVector } from "./conformance-fixture.js";

/**
 * A deterministic embedder for tests: the conformance fixture's hashed bag of words
 * ({@link fixtureVector}, {@link FIXTURE_VECTOR_DIMENSION} dimensions; texts sharing words are
 * close). Open an engine with it and the engine's query and document vectors equal the
 * fixture's own. Counts the texts it embeds, so tests can tell a computed vector from a stored one.
 */
export class FixtureEmbedder implements Embedder {
  readonly dimension = FIXTURE_VECTOR_DIMENSION;
  embeddedDocuments = 0;
  embeddedQueries = 0;

  /** @param id The embedder id engines record. Default "fixture:hashed-words". */
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
