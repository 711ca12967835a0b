import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempFolder, rejectionOf, type TempFolder } from "../loaders/__fixtures__/temp-folder.js";
import type { HardNegativeRow } from "./hard-negative-row.js";
import type { QueryGroup } from "./query-group.js";
import { QueryGroupSpool } from "./query-group-spool.js";

let folder: TempFolder;
beforeAll(async () => {
  folder = await createTempFolder();
});
afterAll(async () => {
  await folder.remove();
});

function row(queryId: string, negativeId: string, rank: number): HardNegativeRow {
  return {
    recordId: `${queryId}-${negativeId}`,
    queryId,
    query: `text of ${queryId}`,
    goldIds: [`gold-${queryId}`],
    goldDocuments: [`gold text of ${queryId}`],
    goldTitles: [""],
    negativeId,
    negativeDocument: `text of ${negativeId}`,
    negativeTitle: "",
    rank,
    score: 10 - rank,
    goldScore: 10,
    judgedRelevant: false,
    relabelAsPositive: false,
  };
}

/** 12 queries of 3 rows each, the rows of each query far apart (as a store may return them). */
const rows = [1, 2, 3].flatMap((rank) => Array.from({ length: 12 }, (_, query) => row(`q${query}`, `d${query}-${rank}`, rank)));

async function* streamed(items: readonly HardNegativeRow[]): AsyncGenerator<HardNegativeRow> {
  yield* items;
}

async function collect(spool: QueryGroupSpool): Promise<QueryGroup[]> {
  const groups: QueryGroup[] = [];
  for await (const group of spool.groups()) groups.push(group);
  return groups;
}

/** Query id → negative ids by rank, order-independent. */
function byQuery(groups: readonly QueryGroup[]): Record<string, string[]> {
  return Object.fromEntries(groups.map((group) => [group.queryId, group.negatives.map((negative) => negative.id)]));
}

describe("QueryGroupSpool", () => {
  it("gives every query once, with all its rows, whether it holds the rows or spreads them over bucket files", async () => {
    const temporaryFolder = join(folder.path, "spread");
    await mkdir(temporaryFolder);
    const held = await QueryGroupSpool.fill(streamed(rows), rows.length, { rowsPerBucket: rows.length, temporaryFolder });
    const spread = await QueryGroupSpool.fill(streamed(rows), rows.length, { rowsPerBucket: 5, temporaryFolder });
    const [spoolFolder, ...others] = await readdir(temporaryFolder);
    expect(others, "one folder, for the spread spool only").toEqual([]);
    expect((await readdir(join(temporaryFolder, spoolFolder!))).length, "36 rows / 5 per bucket: 8 bucket files").toBe(8);

    const expected = Object.fromEntries(
      Array.from({ length: 12 }, (_, query) => [`q${query}`, [1, 2, 3].map((rank) => `d${query}-${rank}`)]),
    );
    const heldGroups = await collect(held);
    const spreadGroups = await collect(spread);
    expect(byQuery(heldGroups), "held in memory").toEqual(expected);
    expect(byQuery(spreadGroups), "spread over files").toEqual(expected);
    expect(spreadGroups, "each query once").toHaveLength(12);
    expect(
      heldGroups.map((group) => group.queryId),
      "in memory: queries in the order first seen",
    ).toEqual(Array.from({ length: 12 }, (_, query) => `q${query}`));
    expect(byQuery(await collect(spread)), "read a second time: the same").toEqual(expected);

    await spread.dispose();
    await held.dispose();
    expect(await readdir(temporaryFolder), "dispose removes the bucket files").toEqual([]);
  });

  it("keeps rows longer than a write chunk whole, and reads an empty bucket as no rows", async () => {
    const temporaryFolder = join(folder.path, "long");
    await mkdir(temporaryFolder);
    // One query (so one of the two buckets stays empty), each row far longer than a 256 KiB write chunk.
    const long = [1, 2].map((rank) => ({ ...row("q1", `d${rank}`, rank), negativeDocument: `${rank}`.repeat(300_000) }));
    const spool = await QueryGroupSpool.fill(streamed(long), long.length, { rowsPerBucket: 1, temporaryFolder });
    const groups = await collect(spool);
    await spool.dispose();
    expect(
      groups.map((group) => group.negatives.map((negative) => negative.text.length)),
      "both rows, whole",
    ).toEqual([[300_000, 300_000]]);
  });

  it("removes its files and rethrows when reading the rows fails midway", async () => {
    const temporaryFolder = join(folder.path, "failing");
    await mkdir(temporaryFolder);
    async function* failing(): AsyncGenerator<HardNegativeRow> {
      yield* rows.slice(0, 10);
      throw new Error("connection lost");
    }
    const error = await rejectionOf(QueryGroupSpool.fill(failing(), rows.length, { rowsPerBucket: 5, temporaryFolder }));
    expect(error.message).toBe("connection lost");
    expect(await readdir(temporaryFolder), "nothing left").toEqual([]);
  });
});
