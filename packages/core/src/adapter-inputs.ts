/**
 * Checks adapters share beyond what core's wrapper does, so every adapter refuses the same inputs
 * with the same messages: query vectors and whole-number options. Each takes the adapter's error
 * options (its `component`, and the collection where there is one).
 */
import type { SearchRequest } from "./backend.js";
import { BadInputError, BadOptionError, type HardnegErrorOptions } from "./errors.js";

/** The embedding side an adapter needs for queries (structural: any embedder with this method fits). */
interface QueryVectorSource {
  embedQueries(texts: string[]): Promise<ArrayLike<number>[]>;
}

/**
 * One query vector per request, in order: the request's own `vector`, else one computed by
 * `embedder` from `texts` (the requests' texts, same positions), with a single call for all the
 * requests that lack one.
 *
 * @throws BadInputError naming the first request without a vector when there is no embedder.
 */
export async function queryVectorsOf(
  requests: readonly SearchRequest[],
  texts: readonly string[],
  embedder: QueryVectorSource | undefined,
  errorOptions: HardnegErrorOptions,
): Promise<ArrayLike<number>[]> {
  const missing = requests.flatMap((request, position) => (request.vector === undefined ? [position] : []));
  if (missing.length > 0 && embedder === undefined) {
    throw new BadInputError(
      `search request ${missing[0]} has no vector: with documentVectors and no embedder, every request must carry its query vector`,
      errorOptions,
    );
  }
  const computed = missing.length === 0 ? [] : await embedder!.embedQueries(missing.map((position) => texts[position]!));
  const vectors: ArrayLike<number>[] = requests.map((request) => request.vector ?? []);
  missing.forEach((position, index) => {
    vectors[position] = computed[index]!;
  });
  return vectors;
}

/**
 * `value` when it is an integer of at least 1.
 *
 * @throws BadOptionError naming `option` ("must be a positive integer, got …") otherwise.
 */
export function positiveIntegerOption(value: number, option: string, errorOptions: Omit<HardnegErrorOptions, "option">): number {
  if (!Number.isInteger(value) || value < 1)
    throw new BadOptionError(option, `must be a positive integer, got ${String(value)}`, errorOptions);
  return value;
}
