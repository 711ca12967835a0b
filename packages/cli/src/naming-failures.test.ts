import { BadInputError } from "@hardneg/core";
import { describe, expect, it } from "vitest";
import { describeOperationalError, namingFailures } from "./operational-errors.js";

/** With `mine --store`, two engines are open: a failure must name the one it came from. */
const full = () => Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });

const engine = {
  name: "fake",
  async upsert(): Promise<void> {
    throw full();
  },
  count(): number {
    throw full();
  },
  async *iterate(): AsyncIterable<number[]> {
    yield [1];
    throw full();
  },
  async search(): Promise<never> {
    throw new BadInputError("query text is empty");
  },
  capabilities() {
    return { modes: ["bm25"] };
  },
};

describe("namingFailures", () => {
  const named = namingFailures(engine, "local:store.db");

  it("names the engine in a rejected call, a thrown call and a failing iteration", async () => {
    const rejected = await named.upsert().catch((error: unknown) => error);
    expect(describeOperationalError(rejected)?.message, "rejected promise").toMatch(
      /^\[hardneg\] local:store\.db: the database or its disk is full/,
    );
    let thrown: unknown;
    try {
      named.count();
    } catch (error) {
      thrown = error;
    }
    expect(describeOperationalError(thrown)?.message, "synchronous throw").toContain("local:store.db");
    const batches: number[][] = [];
    const iterateAll = async () => {
      for await (const batch of named.iterate()) batches.push(batch);
    };
    const failed = await iterateAll().catch((error: unknown) => error);
    expect(batches, "batches before the failure still arrive").toEqual([[1]]);
    expect(describeOperationalError(failed)?.message, "iteration").toContain("local:store.db");
  });

  it("leaves hardneg's own errors and plain values as they are", async () => {
    await expect(named.search(), "a HardnegError already says where").rejects.toBeInstanceOf(BadInputError);
    expect(named.capabilities(), "results pass through").toEqual({ modes: ["bm25"] });
    expect(named.name).toBe("fake");
  });
});
