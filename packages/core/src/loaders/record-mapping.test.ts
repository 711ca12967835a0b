import { describe, expect, it } from "vitest";
import { DocsCollection, QueriesCollection } from "../collections.js";
import { BadInputError } from "../errors.js";
import { contentId } from "../ids.js";
import { documentFromRecord, documentToRecord, queryFromRecord, queryToRecord } from "./record-mapping.js";

describe("document records", () => {
  it("stores documents under DocsCollection's default keys and reads them back", () => {
    const doc = { id: "d1", text: "body", title: "Head", fields: { url: "u", text: "stale copy" } };
    const record = documentToRecord(doc);
    expect(record).toEqual({ id: "d1", properties: { url: "u", doc_id: "d1", text: "body", title: "Head" } });
    const collection = new DocsCollection({ collectionName: "Docs" });
    expect(documentFromRecord(record, collection)).toEqual({ id: "d1", text: "body", title: "Head", fields: { url: "u" } });
  });

  it("uses a collection's own keys", () => {
    const collection = new DocsCollection({ collectionName: "Bright", idKey: "dataset_id", contentKey: "content", titleKey: "heading" });
    const record = documentToRecord({ id: "7", text: "x" }, collection);
    expect(record).toEqual({ id: "7", properties: { dataset_id: "7", content: "x" } });
    expect(documentFromRecord(record, collection)).toEqual({ id: "7", text: "x" });
  });
});

describe("query records", () => {
  const collection = new QueriesCollection({ collectionName: "SyntheticBright", queryContentKey: "simulated_user_query", goldIdsKey: "dataset_ids" });

  it("stores queries with default grades of 1 and reads them back", () => {
    const record = queryToRecord({ id: "q1", text: "why", goldIds: ["d1", "d2"] });
    expect(record).toEqual({ id: "q1", properties: { query_id: "q1", text: "why", gold_ids: ["d1", "d2"], gold_grades: { d1: 1, d2: 1 } } });
    expect(queryFromRecord(record, new QueriesCollection({ collectionName: "Queries" }))).toEqual({ id: "q1", text: "why", goldIds: ["d1", "d2"], grades: { d1: 1, d2: 1 } });
  });

  it("derives a content id when the record has no id property (the original API's shape)", () => {
    const query = queryFromRecord({ id: "weaviate-uuid", properties: { simulated_user_query: "how", dataset_ids: ["d3"] } }, collection);
    expect(query).toEqual({ id: contentId("how"), text: "how", goldIds: ["d3"] });
  });

  it.each([
    [{ dataset_ids: ["d1"] }, 'query text is missing (key "simulated_user_query"; keys: dataset_ids)'],
    [{ simulated_user_query: "x" }, 'gold ids are missing, expected a list of strings (key "dataset_ids"; keys: simulated_user_query)'],
    [{ simulated_user_query: "x", dataset_ids: "d1" }, "gold ids are a string, expected a list of strings"],
    [{ simulated_user_query: "x", dataset_ids: ["d1", 2] }, "gold id 1 is a number, expected a list of strings"],
    [{ simulated_user_query: "x", dataset_ids: ["d1"], gold_grades: [1] }, "grades are an array"],
  ])("names the collection, record and key for %j", (properties, message) => {
    let error: unknown;
    try {
      queryFromRecord({ id: "r1", properties }, collection);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).location).toEqual({ collection: "SyntheticBright" });
    expect((error as Error).message).toContain(`record "r1": ${message}`);
  });
});
