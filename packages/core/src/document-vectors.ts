/**
 * The rules remote adapters share for a documents collection's single vector per document:
 * a vector or hybrid search needs stored vectors from the embedder that embeds the queries, and
 * one collection never mixes vectors of two embedders. Without these checks a collection loaded
 * without vectors (or with another model) answered vector searches with nothing (or nonsense).
 */
import type { CollectionSpec, DocumentVectorsSource, SearchRequest } from "./backend.js";
import { queryVectorsOf } from "./adapter-inputs.js";
import type { SearchMode } from "./types.js";

/** What embeds the queries of a search: any embedder with `embedQueries`. */
type QueryEmbedder = Pick<Embedder, "embedQueries">;
import { embedderDimension, type Embedder } from "./embedders/embedder.js";
import { BadOptionError, UnsupportedCapabilityError, type HardnegErrorOptions } from "./errors.js";

/** The source id of vectors an adapter reads from a record property (its `documentVectors` option). */
const PROPERTY_SOURCE_PREFIX = "property:";

/**
 * Where an adapter's document vectors come from: the record property named by its
 * `documentVectors` option (source `property:<name>`), else its embedder (a model learns its
 * dimension on its first call), else nowhere (undefined).
 */
export async function documentVectorsSourceOf(
  documentVectors: { property: string; dimension: number } | undefined,
  embedder: Embedder | undefined,
): Promise<DocumentVectorsSource | undefined> {
  if (documentVectors !== undefined)
    return { embedderId: `${PROPERTY_SOURCE_PREFIX}${documentVectors.property}`, dimension: documentVectors.dimension };
  return embedder === undefined ? undefined : { embedderId: embedder.id, dimension: await embedderDimension(embedder) };
}

/**
 * Throws unless the documents collection `spec` can serve a vector or hybrid search whose query
 * vectors come from `embedderId` (undefined: the requests carry their own vectors, so any stored
 * vectors do). Collections hardneg did not create (kind other than "documents") are not checked.
 *
 * @throws UnsupportedCapabilityError when the collection holds no document vectors.
 * @throws BadOptionError (option "embedder") when its vectors come from another embedder.
 */
export function checkDocumentVectors(
  spec: CollectionSpec | undefined,
  embedderId: string | undefined,
  errorOptions: HardnegErrorOptions,
): void {
  if (spec?.kind !== "documents") return;
  if (spec.vectors === undefined) {
    throw new UnsupportedCapabilityError(
      `holds no document vectors, so vector and hybrid search would find nothing; ` +
        `load it again with an embedder (hardneg load --embedder ...), or use mode "bm25"`,
      errorOptions,
    );
  }
  if (embedderId !== undefined && !spec.vectors.embedderId.startsWith(PROPERTY_SOURCE_PREFIX) && spec.vectors.embedderId !== embedderId) {
    throw new BadOptionError(
      "embedder",
      `the collection's document vectors come from "${spec.vectors.embedderId}", ` +
        `but the queries would be embedded by "${embedderId}"; use the same embedder, or delete the collection and load it again`,
      errorOptions,
    );
  }
}

/**
 * The spec to store once `source` wrote vectors into the collection, or undefined when `spec`
 * already records that source.
 *
 * @throws BadOptionError (option "embedder") when the collection holds vectors of another source.
 */
export function withDocumentVectors(
  spec: CollectionSpec,
  source: DocumentVectorsSource,
  errorOptions: HardnegErrorOptions,
): CollectionSpec | undefined {
  const recorded = spec.vectors;
  if (recorded === undefined) return { ...spec, vectors: source };
  if (recorded.embedderId === source.embedderId && recorded.dimension === source.dimension) return undefined;
  throw new BadOptionError(
    "embedder",
    `the collection holds ${recorded.dimension}-dimensional vectors from "${recorded.embedderId}"; ` +
      `these are ${source.dimension}-dimensional from "${source.embedderId}". ` +
      `One collection keeps one embedder's vectors: delete it and load it again, or load into another collection`,
    errorOptions,
  );
}

/**
 * The query vectors of a vector or hybrid search (undefined in mode "bm25"), for engines keeping
 * one stored vector per document: first {@link checkDocumentVectors} on the spec of
 * `where.collection` (read from `driver` only then), then each request's own vector or the
 * embedder's (`queryVectorsOf`).
 */
export async function searchQueryVectors(
  mode: SearchMode,
  requests: readonly SearchRequest[],
  driver: { describeCollection(name: string): Promise<CollectionSpec | undefined>; readonly embedderId?: string | undefined },
  embedder: QueryEmbedder | undefined,
  where: HardnegErrorOptions & { collection: string },
): Promise<ArrayLike<number>[] | undefined> {
  if (mode === "bm25") return undefined;
  checkDocumentVectors(await driver.describeCollection(where.collection), driver.embedderId, where);
  const texts = requests.map((request) => request.text);
  return queryVectorsOf(requests, texts, embedder, where);
}
