import { describe, expect, it } from "vitest";
import { positiveIntegerOption, queryVectorsOf } from "./adapter-inputs.js";
import { HardnegError } from "./errors.js";

function thrownBy(action: () => unknown): HardnegError {
  try {
    action();
  } catch (error) {
    if (HardnegError.isInstance(error)) return error;
  }
  throw new Error("expected a HardnegError");
}

describe("queryVectorsOf", () => {
  it("keeps the requests' own vectors and embeds only the missing ones, in one call, at their positions", async () => {
    const calls: string[][] = [];
    const embedder = {
      embedQueries: async (texts: string[]) => {
        calls.push(texts);
        return texts.map((text) => [text.length]);
      },
    };
    const vectors = await queryVectorsOf([{ text: "a", vector: [9] }, { text: "bb" }, { text: "ccc" }], ["a", "bb", "ccc"], embedder, {});
    expect(vectors).toEqual([[9], [2], [3]]);
    expect(calls).toEqual([["bb", "ccc"]]);
  });

  it("does not call the embedder when every request has a vector, and refuses a missing vector without one", async () => {
    expect(await queryVectorsOf([{ text: "a", vector: [1] }], ["a"], undefined, {})).toEqual([[1]]);
    const error = await queryVectorsOf([{ text: "a", vector: [1] }, { text: "b" }], ["a", "b"], undefined, {
      component: "test",
      collection: "docs",
    }).catch((caught: unknown) => caught);
    expect(HardnegError.isInstance(error) && error.code).toBe("BAD_INPUT");
    expect((error as Error).message).toContain("search request 1 has no vector");
  });
});

describe("positiveIntegerOption", () => {
  it("returns integers of at least 1 and refuses anything else naming the option", () => {
    expect(positiveIntegerOption(3, "concurrency", {})).toBe(3);
    for (const value of [0, -1, 1.5, Number.NaN]) {
      const error = thrownBy(() => positiveIntegerOption(value, "concurrency", { component: "test" }));
      expect(error.code).toBe("BAD_OPTION");
      expect(error.message).toBe(`[hardneg] [test] option concurrency: must be a positive integer, got ${String(value)}`);
    }
  });
});
