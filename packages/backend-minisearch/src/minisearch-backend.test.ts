import type { StoredRecord } from "@hardneg/core/adapter";
import { describe, expect, it } from "vitest";
import { openMiniSearchBackend } from "./minisearch-backend.js";

/** What only this adapter does: an index built lazily and kept in step with later writes. */
const target = { collection: "docs", idKey: "doc_id", contentKey: "text", titleKey: "title" };
const record = (id: string, text: string, title?: string): StoredRecord => ({
  id: `record-${id}`,
  properties: { doc_id: id, text, ...(title === undefined ? {} : { title }) },
});
const corpus = [
  record("a", "espresso crema and milk"),
  record("b", "pour over coffee filter", "Filters"),
  record("c", "milk foam for latte"),
];

async function engineWith(records: StoredRecord[]) {
  const engine = await openMiniSearchBackend("test");
  await engine.createCollection({ name: "docs", kind: "documents", target: { idKey: "doc_id", contentKey: "text", titleKey: "title" } });
  await engine.upsert("docs", records);
  return engine;
}

describe("minisearch: the index follows the records", () => {
  it("a document rewritten after the first search is found by its new text only, scored as by a fresh index", async () => {
    const engine = await engineWith(corpus);
    const [before] = await engine.search(target, [{ text: "latte" }], { mode: "bm25", k: 10 });
    expect(
      before!.map((hit) => hit.id),
      "the index was built from the records",
    ).toEqual(["c"]);

    const rewritten = record("c", "milk and honey");
    await engine.upsert("docs", [rewritten]);
    const [old, renewed] = await engine.search(target, [{ text: "latte" }, { text: "milk" }], { mode: "bm25", k: 10 });
    expect(old, "the old text is no longer indexed").toEqual([]);

    // Term statistics must be exactly those of an index built from the final records (MiniSearch's
    // `discard` would leave the old "milk" counted when scoring a, indexed before c).
    const fresh = await engineWith([corpus[0]!, corpus[1]!, rewritten]);
    const [expected] = await fresh.search(target, [{ text: "milk" }], { mode: "bm25", k: 10 });
    expect(renewed, "same hits and scores as a fresh index").toEqual(expected);
    await Promise.all([engine.close(), fresh.close()]);
  });

  it("a deleted and recreated collection searches only its new records", async () => {
    const engine = await engineWith(corpus);
    await engine.search(target, [{ text: "latte" }], { mode: "bm25", k: 10 });
    await engine.deleteCollection("docs");
    await engine.createCollection({ name: "docs", kind: "documents" });
    await engine.upsert("docs", [record("d", "latte art")]);
    const [hits] = await engine.search(target, [{ text: "latte" }], { mode: "bm25", k: 10 });
    expect(
      hits!.map((hit) => hit.id),
      "the old index was dropped with its collection",
    ).toEqual(["d"]);
    await engine.close();
  });

  it("searches title and text, and scores a known document matching no word 0", async () => {
    const engine = await engineWith(corpus);
    const [hits] = await engine.search(target, [{ text: "filters" }], { mode: "bm25", k: 10 });
    expect(
      hits!.map((hit) => hit.id),
      "the word is only in b's title",
    ).toEqual(["b"]);
    const scores = await engine.scoreDocuments(target, { text: "filters" }, ["b", "c", "unknown"], { mode: "bm25", k: 10 });
    expect(scores, "b as searched, c held but unmatched, unknown absent").toEqual(
      new Map([
        ["b", hits![0]!.score],
        ["c", 0],
      ]),
    );
    await engine.close();
  });
});
