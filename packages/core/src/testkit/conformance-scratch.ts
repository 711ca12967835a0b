/**
 * Documents for the tests that write, replace and delete while searching, in a scratch
 * collection of their own so the fixture collection stays as loaded. Its target uses other
 * property names than the fixture's ("ref", "body", "heading"), so an adapter that reads fixed
 * names instead of the target's is caught; its ids start with "s-" or "t-", so a document leaking
 * in from the fixture collection shows.
 */
import type { DocumentTarget, Engine } from "../backend.js";
import type { StoredRecord } from "../types.js";
import { CONFORMANCE_FIXTURE, fixtureVector } from "./conformance-fixture.js";

/** Property names of the scratch documents collection. */
export const SCRATCH_KEYS = { idKey: "ref", contentKey: "body", titleKey: "heading" } as const;

/** A scratch document; its vector is the fixture's embedding of title and text. */
export interface ScratchDocument {
  id: string;
  title?: string;
  text: string;
}

/** Made-up words no fixture document holds, each one token in any analyser. */
export const UNIQUE_WORDS = { added: "zorbulax", addedTitle: "vellichor", replaced: "quintarel", deleted: "mizzenwold" } as const;

/** The document the upsert tests add: one unique word in its text, another only in its title. */
export const ADDED_DOCUMENT: ScratchDocument = {
  id: "s-added",
  title: `Vellichor notes`,
  text: `A ${UNIQUE_WORDS.added} hums near the hive at dusk.`,
};

/**
 * The same document (same id, same record id) with new text and no title: a replaced record
 * keeps nothing of the old one, so an engine merging properties keeps a title and is caught.
 */
export const REPLACED_DOCUMENT: ScratchDocument = {
  id: "s-added",
  text: `A ${UNIQUE_WORDS.replaced} rests on the warm loaf while it proves.`,
};

/** A document of the collection that the delete test deletes. */
export const DELETED_DOCUMENT: ScratchDocument = {
  id: "s-deleted",
  title: "Old notes",
  text: `The ${UNIQUE_WORDS.deleted} was kept in the cellar with the honey.`,
};

/** Two fixture topics (bees, bread) as scratch documents "s-<fixture id>": a small corpus for realistic BM25 statistics. */
export const SCRATCH_CORPUS: readonly ScratchDocument[] = topics(["bee-", "bread-"], "s-");

/** Two other topics (lighthouses, bikes) as "t-<fixture id>": what the delete test puts in the re-created collection. */
export const OTHER_CORPUS: readonly ScratchDocument[] = topics(["light-", "bike-"], "t-");

/** The record of a scratch document: record id `rec-<id>`, properties `ref`, `body`, `heading` (when titled) and `vector`. */
export function scratchRecord(document: ScratchDocument): StoredRecord {
  return {
    id: scratchRecordId(document.id),
    properties: {
      [SCRATCH_KEYS.idKey]: document.id,
      [SCRATCH_KEYS.contentKey]: document.text,
      ...(document.title === undefined ? {} : { [SCRATCH_KEYS.titleKey]: document.title }),
      [CONFORMANCE_FIXTURE.vectorKey]: scratchVector(document),
    },
  };
}

/** The record id of a scratch document. */
export function scratchRecordId(id: string): string {
  return `rec-${id}`;
}

/** The fixture's embedding of a scratch document (title and text, as the fixture's documents). */
export function scratchVector(document: ScratchDocument): number[] {
  return fixtureVector(document.title === undefined ? document.text : `${document.title} ${document.text}`);
}

/** A request that finds `document` by `word` (in bm25) and by its vector (in vector and hybrid). */
export function probeOf(document: ScratchDocument, word: string): { text: string; vector: number[] } {
  return { text: word, vector: scratchVector(document) };
}

/** Deletes the scratch documents collection `name`, creates it again holding `documents`, and returns its target. */
export async function recreateScratchDocuments(
  engine: Engine,
  name: string,
  documents: readonly ScratchDocument[],
): Promise<DocumentTarget> {
  await engine.deleteCollection(name);
  await engine.createCollection({ name, kind: "documents", target: { ...SCRATCH_KEYS } });
  if (documents.length > 0) await engine.upsert(name, documents.map(scratchRecord));
  return { collection: name, ...SCRATCH_KEYS };
}

function topics(prefixes: readonly string[], idPrefix: string): ScratchDocument[] {
  return CONFORMANCE_FIXTURE.documents
    .filter((document) => prefixes.some((prefix) => document.id.startsWith(prefix)))
    .map((document) => ({
      id: `${idPrefix}${document.id}`,
      text: document.text,
      ...(document.title === undefined ? {} : { title: document.title }),
    }));
}
