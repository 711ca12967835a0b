import { describe, expect, it } from "vitest";
import { documentFromProperties, documentTextOf, documentVectorProperty } from "./adapter-records.js";
import { HardnegError } from "./errors.js";

const target = { idKey: "doc_id", contentKey: "text", titleKey: "title" };

describe("documentTextOf", () => {
  it("joins a non-empty title and content with a newline, and skips what is not a non-empty string", () => {
    expect(documentTextOf({ id: "r", properties: { title: "Espresso", text: "Fine grind." } }, target)).toBe("Espresso\nFine grind.");
    expect(documentTextOf({ id: "r", properties: { title: "", text: "Fine grind." } }, target)).toBe("Fine grind.");
    expect(documentTextOf({ id: "r", properties: { title: 7, text: "Fine grind." } }, target)).toBe("Fine grind.");
    expect(
      documentTextOf({ id: "r", properties: { title: "Espresso", text: "Fine grind." } }, { idKey: "doc_id", contentKey: "text" }),
    ).toBe("Fine grind.");
  });
});

describe("documentVectorProperty", () => {
  it("returns the property's numbers, and refuses anything but `dimension` finite numbers naming record and property", () => {
    expect(documentVectorProperty({ id: "r", properties: { vector: [0.5, -1] } }, "vector", 2, {})).toEqual([0.5, -1]);
    for (const value of [[1], [1, Number.NaN], [1, "2"], "1,2", undefined]) {
      let thrown: unknown;
      try {
        documentVectorProperty({ id: "r7", properties: { vector: value } }, "vector", 2, { component: "test", collection: "docs" });
      } catch (error) {
        thrown = error;
      }
      expect(HardnegError.isInstance(thrown) && thrown.code).toBe("BAD_INPUT");
      expect((thrown as Error).message).toBe(
        '[hardneg] [test] collection "docs": record "r7" needs 2 finite numbers under "vector" (documentVectors)',
      );
    }
  });
});

describe("documentFromProperties", () => {
  it("maps content and title, keeps other properties as fields, and drops the id and engine keys", () => {
    const properties = { doc_id: "d1", text: "Fine grind.", title: "Espresso", year: 2024, hardneg_vector: [1, 2] };
    expect(documentFromProperties("d1", properties, target, ["hardneg_vector"])).toEqual({
      id: "d1",
      text: "Fine grind.",
      title: "Espresso",
      fields: { year: 2024 },
    });
    expect(properties).toHaveProperty("hardneg_vector");
  });

  it(
    "gives empty text for missing or null content, no title for a null one, " + "no fields when none are left, and stringifies the rest",
    () => {
      expect(documentFromProperties("d2", { text: null, title: null }, target)).toEqual({ id: "d2", text: "" });
      expect(documentFromProperties("d3", {}, target)).toEqual({ id: "d3", text: "" });
      expect(documentFromProperties("d4", { text: 42, title: 7 }, target)).toEqual({ id: "d4", text: "42", title: "7" });
      expect(documentFromProperties("d5", { text: "x", title: "T" }, { idKey: "doc_id", contentKey: "text" })).toEqual({
        id: "d5",
        text: "x",
        fields: { title: "T" },
      });
    },
  );
});
