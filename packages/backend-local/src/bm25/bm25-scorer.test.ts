import { seededRandom, type DocumentTarget } from "@hardneg/core";
import { describe, expect, it } from "vitest";
import { openLocalBackend } from "../local-backend.js";

const target: DocumentTarget = { collection: "corpus", idKey: "doc_id", contentKey: "text" };

describe("BM25 scoreDocuments (postings found by binary search)", () => {
  it("gives every document exactly the score an exhaustive search over the whole corpus gives it, 0 when unmatched", async () => {
    const random = seededRandom(11);
    // Zipf-like words: long lists, short lists, repeats within documents and queries.
    const words = (count: number) => Array.from({ length: count }, () => `w${Math.floor(300 ** random())}`).join(" ");
    const documentCount = 2_000;
    const backend = await openLocalBackend(":memory:");
    try {
      await backend.createCollection({ name: "corpus", kind: "documents" });
      await backend.upsert(
        "corpus",
        Array.from({ length: documentCount }, (_, position) => ({
          id: `r${position}`,
          properties: { doc_id: `d${position}`, text: words(2 + (position % 30)) },
        })),
      );
      const ids = Array.from({ length: documentCount }, (_, position) => `d${position}`);
      backend.driver.bm25TopK = "exhaustive";
      let matched = 0;
      for (let query = 0; query < 30; query++) {
        const request = { text: words(1 + (query % 7)) };
        const [everyMatch] = await backend.search(target, [request], { mode: "bm25", k: documentCount });
        const searched = new Map(everyMatch!.map((hit) => [hit.id, hit.score]));
        const scored = await backend.scoreDocuments(target, request, ids, { mode: "bm25", k: 10 });
        for (const id of ids) expect(scored.get(id), `${request.text} / ${id}`).toBe(searched.get(id) ?? 0);
        matched += searched.size;
      }
      expect(matched).toBeGreaterThan(5_000);
    } finally {
      await backend.close();
    }
  });
});
