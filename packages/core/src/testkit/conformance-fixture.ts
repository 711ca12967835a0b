import type { Doc, Query } from "../types.js";

/** Dimension of the fixture's vectors. */
export const FIXTURE_VECTOR_DIMENSION = 32;

/**
 * The fixture's deterministic embedding: a normalised hashed bag of words. Each lower-cased
 * word (letters and digits) other than a few function words adds ±1 to one of 32 slots chosen
 * by its FNV-1a hash; the sum is
 * scaled to unit length, so cosine similarity is a dot product. Texts sharing words get close
 * vectors, which is all the conformance suite needs from a "model": it is stable across
 * machines and engines, and needs no download.
 */
export function fixtureVector(text: string): number[] {
  const vector = new Array<number>(FIXTURE_VECTOR_DIMENSION).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    // Function words would dominate such short texts and pull unrelated ones together.
    if (FUNCTION_WORDS.has(word)) continue;
    const hash = fnv1a(word);
    // The low bits pick the slot, a higher bit the sign, so words do not all add up positively.
    vector[hash % FIXTURE_VECTOR_DIMENSION]! += (hash >>> 16) & 1 ? 1 : -1;
  }
  const length = Math.hypot(...vector);
  // An empty text (or words cancelling out) keeps a fixed unit vector, so every vector is valid.
  if (length === 0) return vector.map((_, slot) => (slot === 0 ? 1 : 0));
  return vector.map((value) => value / length);
}

const FUNCTION_WORDS = new Set(
  "a an and are as at be by do does for from how i in is it its my of on or should so some that the this to what when why with".split(" "),
);

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let position = 0; position < text.length; position++) {
    hash ^= text.charCodeAt(position);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

type FixtureDocument = [id: string, title: string | undefined, text: string];

// An original corpus: eight small topics of five documents, so every query has near-misses
// (same topic, different point) that make realistic hard negatives. Some documents have no
// title on purpose: titles are optional.
const DOCUMENTS: FixtureDocument[] = [
  ["bee-1", "Hive seasons", "A honey bee colony shrinks in winter and clusters around the queen to keep warm."],
  ["bee-2", "Calming a hive", "A puff from the smoker calms guard bees before the beekeeper lifts the frames."],
  ["bee-3", undefined, "Worker bees build wax comb in hexagons, storing nectar above and brood below."],
  ["bee-4", "Swarming", "When a colony outgrows its box, the old queen leaves with half the workers to find a new home."],
  ["bee-5", "Harvest", "Honey is extracted by spinning uncapped frames in a centrifuge, then strained through cloth."],
  ["bread-1", "Feeding a starter", "A sourdough starter is fed flour and water every day and doubles within hours when healthy."],
  ["bread-2", "Shaping loaves", "Shaping builds surface tension so the loaf holds its form while it proves in a basket."],
  ["bread-3", undefined, "Keep the starter in the fridge between bakes and feed it once a week to slow the yeast."],
  ["bread-4", "Oven spring", "Steam in the first minutes of baking keeps the crust soft so the bread can rise further."],
  ["bread-5", "Crumb", "An open crumb comes from high hydration dough and gentle folds rather than kneading."],
  ["light-1", "Fresnel lenses", "A Fresnel lens bends lamp light into a narrow beam with rings of prisms instead of thick glass."],
  ["light-2", "Keepers", "Lighthouse keepers trimmed wicks, wound the clockwork and logged passing ships each night."],
  ["light-3", undefined, "Each lighthouse flashes its own rhythm, so sailors can tell which headland they are seeing."],
  ["light-4", "Automation", "Most towers were automated last century; solar panels now power the lamps on remote rocks."],
  ["light-5", "Fog signals", "In fog a horn sounded a coded blast because the beam could not reach far enough."],
  ["bike-1", "Flat tyres", "To fix a puncture, remove the inner tube, find the hole in a bucket of water and patch it."],
  ["bike-2", "Chains", "A dry chain skips and wears the cassette; clean it and add a drop of oil to each link."],
  ["bike-3", undefined, "Brake pads rub when the caliper is off centre; loosen the bolt, squeeze the lever, retighten."],
  ["bike-4", "Gears", "Indexing the rear derailleur means turning the barrel adjuster until shifts land cleanly."],
  ["bike-5", "Tyre pressure", "Wider tyres run at lower pressure for grip on gravel, narrow ones higher for speed on tarmac."],
  ["volcano-1", "Magma", "Magma rich in silica is sticky and traps gas, which makes eruptions explosive."],
  ["volcano-2", "Lava flows", "Runny basalt lava from shield volcanoes travels far in glowing rivers and tubes."],
  ["volcano-3", undefined, "Pyroclastic flows are avalanches of hot ash and gas racing down the slope of a volcano."],
  ["volcano-4", "Monitoring", "Seismometers and tiltmeters warn of rising magma before a volcano erupts."],
  ["volcano-5", "Soils", "Volcanic ash weathers into fertile soil, which is why farms cling to active slopes."],
  ["knit-1", "Casting on", "The long tail cast on makes a stretchy first row of stitches for a scarf or hat."],
  ["knit-2", "Gauge", "Knit a gauge swatch first: stitches per ten centimetres decide whether the sweater fits."],
  ["knit-3", undefined, "A dropped stitch ladders down the fabric; catch it with a crochet hook and climb back up."],
  ["knit-4", "Cables", "Cables cross stitches over each other using a spare needle to hold them in front or behind."],
  ["knit-5", "Blocking", "Blocking a finished shawl with water and pins evens the stitches and opens lace patterns."],
  ["tide-1", "Why tides", "The moon pulls the ocean into two bulges, so most coasts see two high tides a day."],
  ["tide-2", "Spring tides", "Spring tides happen at new and full moon, when sun and moon pull in a line."],
  ["tide-3", undefined, "Neap tides have the smallest range and come when the moon is at its quarters."],
  ["tide-4", "Tide tables", "A tide table lists the times and heights of high and low water for each harbour."],
  ["tide-5", "Rock pools", "At low water, rock pools hold crabs, anemones and small fish until the sea returns."],
  ["glass-1", "Gathering", "The glassblower gathers molten glass from the furnace on the end of a blowpipe."],
  ["glass-2", "Annealing", "Finished pieces cool slowly in an annealer so internal stress does not crack them."],
  ["glass-3", undefined, "Colour comes from metal oxides: cobalt gives blue, copper green, gold a ruby red."],
  ["glass-4", "Marvering", "Rolling the hot gather on a steel marver table shapes it and cools the skin."],
  ["glass-5", "Sand", "Soda lime glass is melted from silica sand, soda ash and limestone."],
];

const QUERIES: Array<[id: string, text: string, goldIds: string[]]> = [
  // The easy query: "smoker", "calms" and "guard" occur in its gold document only.
  ["q-smoker", "smoker calms guard bees", ["bee-2"]],
  ["q-starter", "how often should I feed my sourdough starter", ["bread-1", "bread-3"]],
  ["q-fresnel", "how does a lighthouse lens make a beam", ["light-1"]],
  ["q-puncture", "patch a puncture in an inner tube", ["bike-1"]],
  ["q-explosive", "why are some volcano eruptions explosive magma gas", ["volcano-1", "volcano-4"]],
  ["q-dropped", "fix a dropped stitch in knitting", ["knit-3"]],
  ["q-spring-tide", "when do spring tides and neap tides happen moon", ["tide-2", "tide-3"]],
  ["q-glass-colour", "what gives glass its blue or green colour", ["glass-3"]],
];

/** A document of the fixture plus its vector (also stored as the `vector` property). */
export interface FixtureDocumentWithVector extends Doc {
  vector: number[];
}

/** A query of the fixture plus its vector. */
export interface FixtureQueryWithVector extends Query {
  vector: number[];
}

/**
 * The conformance suite's benchmark: 40 short original documents in 8 topics and 8 queries
 * with gold ids (three of them multi-gold). Every document and query has a deterministic
 * {@link fixtureVector} of {@link FIXTURE_VECTOR_DIMENSION} dimensions. When loaded by the
 * suite, each document record holds `doc_id`, `text`, `title` (when present) and `vector`
 * (an array of numbers), so vector-capable adapters can index the `vector` property.
 */
export const CONFORMANCE_FIXTURE: {
  readonly documents: readonly FixtureDocumentWithVector[];
  readonly queries: readonly FixtureQueryWithVector[];
  /** Vector by document or query id. */
  readonly vectors: ReadonlyMap<string, readonly number[]>;
  readonly dimension: number;
  /** Property of document records that holds the vector. */
  readonly vectorKey: "vector";
  /** The query whose single gold document every reasonable BM25 ranks first. */
  readonly easyQueryId: string;
} = buildFixture();

function buildFixture(): typeof CONFORMANCE_FIXTURE {
  const documents = DOCUMENTS.map(
    ([id, title, text]): FixtureDocumentWithVector => ({
      id,
      text,
      ...(title === undefined ? {} : { title }),
      vector: fixtureVector(title === undefined ? text : `${title} ${text}`),
    }),
  );
  const queries = QUERIES.map(([id, text, goldIds]): FixtureQueryWithVector => ({ id, text, goldIds, vector: fixtureVector(text) }));
  const vectors = new Map<string, readonly number[]>([...documents, ...queries].map((item) => [item.id, item.vector]));
  return { documents, queries, vectors, dimension: FIXTURE_VECTOR_DIMENSION, vectorKey: "vector", easyQueryId: "q-smoker" };
}
