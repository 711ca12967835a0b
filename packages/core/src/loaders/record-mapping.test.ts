import { describe, expect, it } from "vitest";
import { DocsCollection, QueriesCollection } from "../collections.js";
import { documentFromRecord, documentToRecord, queryToRecord } from "./record-mapping.js";

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
  const collection = new QueriesCollection({
    collectionName: "SyntheticBright",
    queryContentKey: "simulated_user_query",
    goldIdsKey: "dataset_ids",
  });

  it("stores queries under QueriesCollection's default keys with default grades of 1", () => {
    const record = queryToRecord({ id: "q1", text: "why", goldIds: ["d1", "d2"] });
    expect(record).toEqual({
      id: "q1",
      properties: { query_id: "q1", text: "why", gold_ids: ["d1", "d2"], gold_grades: { d1: 1, d2: 1 } },
    });
  });

  it("uses a collection's own keys and keeps given grades", () => {
    const record = queryToRecord({ id: "q2", text: "how", goldIds: ["d3"], grades: { d3: 2 } }, collection);
    expect(record).toEqual({
      id: "q2",
      properties: { query_id: "q2", simulated_user_query: "how", dataset_ids: ["d3"], gold_grades: { d3: 2 } },
    });
  });
});
