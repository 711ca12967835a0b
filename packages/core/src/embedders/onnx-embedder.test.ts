import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sharedData } from "../testkit/shared-data.js";
import { OnnxEmbedder } from "./onnx-embedder.js";

const { path: modelFolder, available } = sharedData("models/tiny-scifact-embedder", import.meta.url, "onnx/model.onnx");
const cacheFolder = mkdtempSync(join(tmpdir(), "hardneg-onnx-embedder-"));
afterAll(() => rmSync(cacheFolder, { recursive: true, force: true }));

const dot = (left: Float32Array, right: Float32Array) => left.reduce((sum, value, index) => sum + value * right[index]!, 0);

describe.skipIf(!available)("OnnxEmbedder on ../shared/models/tiny-scifact-embedder (offline)", () => {
  it("embeds to normalised 128-dimensional vectors, same text same vector, related texts closer", async () => {
    const embedder = new OnnxEmbedder({ model: modelFolder, cache: false });
    const [claim, abstract, unrelated, again] = await embedder.embedDocuments([
      "Vitamin D deficiency is associated with increased risk of fractures.",
      "Low serum vitamin D levels were linked to a higher incidence of hip fractures in elderly women.",
      "The galaxy cluster emits strong X-ray radiation from hot intracluster gas.",
      "Vitamin D deficiency is associated with increased risk of fractures.",
    ]);
    expect(embedder.dimension).toBe(128);
    expect(claim!.length).toBe(128);
    expect(dot(claim!, claim!)).toBeCloseTo(1, 4);
    expect([...again!]).toEqual([...claim!]);
    expect(dot(claim!, abstract!)).toBeGreaterThan(dot(claim!, unrelated!));
    await embedder.close();
  });

  it("identifies a folder by name and weights, not path; prefixes change the id and the vectors", async () => {
    const plain = new OnnxEmbedder({ model: modelFolder, cache: false });
    expect(plain.id).toMatch(/^onnx:tiny-scifact-embedder@[0-9a-f]{12}$/);
    const prefixed = new OnnxEmbedder({ model: modelFolder, cache: false, queryPrefix: "query: ", documentPrefix: "passage: " });
    expect(prefixed.id).not.toBe(plain.id);
    const [query] = await prefixed.embedQueries(["protein folding"]);
    const [document] = await prefixed.embedDocuments(["protein folding"]);
    expect([...query!]).not.toEqual([...document!]);
    await plain.close();
    await prefixed.close();
  });

  it("re-embedding with a new instance is answered from the on-disk cache", async () => {
    const texts = ["first cached text", "second cached text", "third cached text"];
    const cold = new OnnxEmbedder({ model: modelFolder, cache: { directory: cacheFolder }, batchSize: 2 });
    const coldVectors = await cold.embedDocuments(texts);
    expect(cold.usage).toEqual({ embedded: 3, cached: 0 });
    await cold.close();
    const warm = new OnnxEmbedder({ model: modelFolder, cache: { directory: cacheFolder } });
    const warmVectors = await warm.embedDocuments(texts);
    expect(warm.usage).toEqual({ embedded: 0, cached: 3 });
    expect(warmVectors.map((vector) => [...vector])).toEqual(coldVectors.map((vector) => [...vector]));
    await warm.close();
  });

  it("refuses a model folder that does not exist, naming it", () => {
    expect(() => new OnnxEmbedder({ model: "./no/such/model-folder" })).toThrow(/no\/such\/model-folder does not exist/);
  });
});
