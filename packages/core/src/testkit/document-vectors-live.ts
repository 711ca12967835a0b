import { afterAll, describe, expect, it } from "vitest";
import type { DocumentTarget, Engine } from "../backend.js";
import type { Embedder } from "../embedders/embedder.js";
import { expectHardnegError } from "./conformance-assertions.js";
import { CONFORMANCE_FIXTURE } from "./conformance-fixture.js";
import { FixtureEmbedder } from "./fixture-embedder.js";
import { describeSkippedLoudly } from "./skip-loudly.js";

/** Options of {@link describeDocumentVectors}. */
export interface DocumentVectorsOptions {
  /** Engine name in test titles. */
  name: string;
  /** Opens the engine, with the embedder that computes its vectors or without one. */
  open: (embedder?: Embedder) => Promise<Engine>;
  /** Collection the test creates (deleted before and after). */
  collection: string;
  /** A skip reason (the suite is then skipped loudly), or false. */
  skip: string | false;
}

/**
 * For engines that keep one vector per document (Weaviate, Elasticsearch, Qdrant): a corpus
 * loaded without vectors must refuse vector search (live engines answered it with nothing), get
 * its vectors when loaded again with an embedder, and refuse queries embedded by another model.
 */
export function describeDocumentVectors(options: DocumentVectorsOptions): void {
  const title = `document vectors on ${options.name}: loaded later, never mixed`;
  if (options.skip !== false) {
    describeSkippedLoudly("document vectors", options.name, title, options.skip);
    return;
  }
  const target: DocumentTarget = { collection: options.collection, idKey: "doc_id", contentKey: "text", titleKey: "title" };
  const documents = CONFORMANCE_FIXTURE.documents.slice(0, 10);
  const records = documents.map((document) => ({
    id: document.id,
    properties: { doc_id: document.id, text: document.text, ...(document.title === undefined ? {} : { title: document.title }) },
  }));
  const opened: Engine[] = [];
  const open = async (embedder?: Embedder) => {
    const engine = await options.open(embedder);
    opened.push(engine);
    return engine;
  };

  describe(title, () => {
    afterAll(async () => {
      try {
        await opened[0]?.deleteCollection(options.collection);
      } finally {
        for (const engine of opened) await engine.close?.();
      }
    });

    it(
      "a corpus loaded without vectors refuses vector search; " + "loaded again with an embedder it serves it; another embedder is refused",
      async () => {
        const plain = await open();
        await plain.deleteCollection(options.collection);
        await plain.createCollection({
          name: options.collection,
          kind: "documents",
          target: { idKey: "doc_id", contentKey: "text", titleKey: "title" },
        });
        await plain.upsert(options.collection, records);

        const embedder = new FixtureEmbedder();
        const withEmbedder = await open(embedder);
        const probe = documents[3]!;
        const probeText = probe.title === undefined ? probe.text : `${probe.title} ${probe.text}`;
        await expectHardnegError(
          () => withEmbedder.search(target, [{ text: probeText }], { mode: "vector", k: 3 }),
          ["UNSUPPORTED_CAPABILITY"],
          "vector search on a corpus without vectors",
        );

        await withEmbedder.upsert(options.collection, records);
        expect(embedder.embeddedDocuments, "documents embedded when loaded again with the embedder").toBe(records.length);
        const [hits] = await withEmbedder.search(target, [{ text: probeText }], { mode: "vector", k: 3 });
        expect(hits?.[0]?.id, "a document's own text finds it first").toBe(probe.id);

        const otherModel = await open(new FixtureEmbedder("fixture:another-model"));
        await expectHardnegError(
          () => otherModel.search(target, [{ text: probeText }], { mode: "vector", k: 3 }),
          ["BAD_OPTION"],
          "vector search with another embedder",
        );
        await expectHardnegError(
          () => otherModel.upsert(options.collection, records.slice(0, 1)),
          ["BAD_OPTION"],
          "writing another embedder's vectors",
        );
      },
    );
  });
}
