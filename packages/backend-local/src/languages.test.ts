import { join } from "node:path";
import type { DocumentTarget } from "@hardneg/core";
import { describe, expect, it } from "vitest";
import { useTemporaryDirectories } from "./__fixtures__/temporary-directory.js";
import { openLocalBackend } from "./local-backend.js";

const target: DocumentTarget = { collection: "docs", idKey: "doc_id", contentKey: "text" };
const documents = [
  { id: "a", properties: { doc_id: "a", text: "Die Bremsen am Fahrrad einstellen" } },
  { id: "b", properties: { doc_id: "b", text: "Der Reifendruck des Fahrrads" } },
  { id: "c", properties: { doc_id: "c", text: "法压壶的研磨度要粗一些" } },
];
const idsOf = (hits: Array<{ id: string }>) => hits.map((hit) => hit.id);

describe("backend-local: each documents collection is analysed in the language it records", () => {
  const temporaryDirectory = useTemporaryDirectories();

  it("a German collection matches inflected forms and ignores German stop words; the same texts as English do not", async () => {
    const backend = await openLocalBackend(":memory:");
    await backend.createCollection({ name: "docs", kind: "documents", target, language: "de" });
    await backend.createCollection({ name: "english", kind: "documents", target });
    await backend.upsert("docs", documents);
    await backend.upsert("english", documents);
    const [german] = await backend.search(target, [{ text: "Bremse" }], { mode: "bm25", k: 5 });
    const [english] = await backend.search({ ...target, collection: "english" }, [{ text: "Bremse" }], { mode: "bm25", k: 5 });
    expect(idsOf(german!)).toEqual(["a"]);
    expect(english).toEqual([]);
    // "die" is a German stop word: it matches nothing in the German collection, everything with "die" in the English one.
    expect((await backend.search(target, [{ text: "die" }], { mode: "bm25", k: 5 }))[0]).toEqual([]);
    expect(idsOf((await backend.search({ ...target, collection: "english" }, [{ text: "die" }], { mode: "bm25", k: 5 }))[0]!)).toEqual([
      "a",
    ]);
    await backend.close();
  });

  it("a Chinese collection finds a query's words inside phrases written without spaces", async () => {
    const backend = await openLocalBackend(":memory:");
    await backend.createCollection({ name: "docs", kind: "documents", target, language: "zh" });
    await backend.upsert("docs", documents);
    const [hits] = await backend.search(target, [{ text: "法压壶用什么研磨度？" }], { mode: "bm25", k: 5 });
    expect(idsOf(hits!)).toEqual(["c"]);
    const scores = await backend.scoreDocuments!(target, { text: "研磨度" }, ["c", "a"], { mode: "bm25", k: 5 });
    expect(scores.get("c")).toBeGreaterThan(0);
    expect(scores.get("a")).toBe(0);
    await backend.close();
  });

  it("the language is read from the collection by a later process, and a re-load in another language rebuilds the index", async () => {
    const path = join(temporaryDirectory(), "languages.db");
    const writer = await openLocalBackend(path);
    await writer.createCollection({ name: "docs", kind: "documents", target, language: "de" });
    await writer.upsert("docs", documents);
    expect(idsOf((await writer.search(target, [{ text: "Bremse" }], { mode: "bm25", k: 5 }))[0]!)).toEqual(["a"]);
    await writer.close();

    const reader = await openLocalBackend(path);
    expect((await reader.describeCollection("docs"))?.language).toBe("de");
    expect(idsOf((await reader.search(target, [{ text: "Bremse" }], { mode: "bm25", k: 5 }))[0]!)).toEqual(["a"]);
    expect(reader.driver.lastIndexSource, "the German index file is reused").toBe("loaded");

    // A load replaces the collection through a staging one: the same texts, now recorded as English.
    await reader.createCollection({ name: "staging", kind: "documents", target });
    await reader.upsert("staging", documents);
    await reader.replaceCollection!("staging", "docs");
    expect(await reader.search(target, [{ text: "Bremse" }], { mode: "bm25", k: 5 })).toEqual([[]]);
    expect(reader.driver.lastIndexSource, "rebuilt with the English analyser").toBe("built");
    await reader.close();
  });

  it("claims every language core's analyser knows, and refuses an unknown code with the option's name", async () => {
    const backend = await openLocalBackend(":memory:");
    expect(backend.driver.languages).toEqual(expect.arrayContaining(["en", "de", "zh", "ar", "ja"]));
    await expect(backend.createCollection({ name: "docs", kind: "documents", target, language: "klingon" })).rejects.toThrow(
      /option language: must be an ISO 639-1 language code/,
    );
    await backend.close();
  });
});
