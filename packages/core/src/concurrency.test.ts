import { describe, expect, it } from "vitest";
import { chunked, mapConcurrently } from "./concurrency.js";

describe("mapConcurrently", () => {
  it("keeps input order and never exceeds the concurrency", async () => {
    let inFlight = 0;
    let highest = 0;
    const results = await mapConcurrently([5, 1, 4, 2, 3], 2, async (value) => {
      inFlight++;
      highest = Math.max(highest, inFlight);
      await new Promise((resolve) => setTimeout(resolve, value));
      inFlight--;
      return value * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(highest).toBe(2);
  });

  it("rejects with the first failure and starts nothing after it", async () => {
    const started: number[] = [];
    await expect(
      mapConcurrently([0, 1, 2, 3], 1, async (value) => {
        started.push(value);
        if (value === 1) throw new Error("boom");
        return value;
      }),
    ).rejects.toThrow("boom");
    expect(started).toEqual([0, 1]);
  });

  it("chunked cuts consecutive chunks", () => {
    expect(chunked([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunked([], 3)).toEqual([]);
  });
});
