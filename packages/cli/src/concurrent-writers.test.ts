import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectionContents, writeSyntheticBeir } from "./__fixtures__/synthetic-beir.js";
import { runCliAsync } from "./__fixtures__/judge-cli-runner.js";
import { runCliJson, temporaryFolder } from "./test-support.js";

/**
 * Several hardneg processes writing one local database at once (two mines, a load next to a
 * mine, two loads of one folder) must take turns, not fail with "database is locked", and end
 * with exactly the data of the same runs made one after the other.
 */
const folder = temporaryFolder();
const corpusFolder = join(folder.path, "corpus");
afterAll(() => folder.remove());

const load = (database: string, ...extra: string[]) => [
  "load",
  "beir",
  corpusFolder,
  "--split",
  "test",
  ...extra,
  "--engine",
  `local:${database}`,
];
const mine = (database: string, out: string) => [
  "mine",
  "--docs-collection",
  "corpus",
  "--queries-collection",
  "corpus-test",
  "--out-collection",
  out,
  // Small batches: many short write transactions, so the two runs' writes interleave.
  "--negatives-per-query",
  "5",
  "--batch-size",
  "4",
  "--engine",
  `local:${database}`,
];
/** Starts a run with `--json` without waiting for it. */
const start = (args: string[]) => runCliAsync([...args, "--json"], folder.path);
const otherCollections = ["--docs-collection", "other", "--queries-collection", "other-test"];
const allCollections = ["corpus", "corpus-test", "other", "other-test", "negatives_a", "negatives_b"];

/** The database every concurrent scenario is compared with: the same runs, one after the other. */
let sequential: Awaited<ReturnType<typeof collectionContents>>;

function expectSucceeded(...results: Array<{ status: number | null; stderr: string }>): void {
  for (const result of results) {
    expect(result.stderr).not.toMatch(/locked|unexpected failure/);
    expect(result.status).toBe(0);
  }
}

describe("concurrent writers on one local database", () => {
  beforeAll(async () => {
    writeSyntheticBeir(corpusFolder);
    const database = join(folder.path, "sequential.db");
    runCliJson(load(database), folder.path);
    runCliJson(load(database, ...otherCollections), folder.path);
    runCliJson(mine(database, "negatives_a"), folder.path);
    runCliJson(mine(database, "negatives_b"), folder.path);
    sequential = await collectionContents(database, allCollections);
    expect(sequential["negatives_a"]).toHaveLength(3000);
  });

  it("two mines into different out collections at once both finish with a sequential run's rows", async () => {
    const database = join(folder.path, "two-mines.db");
    runCliJson(load(database), folder.path);
    const results = await Promise.all([start(mine(database, "negatives_a")), start(mine(database, "negatives_b"))]);
    expectSucceeded(...results);
    const contents = await collectionContents(database, ["negatives_a", "negatives_b"]);
    expect(contents["negatives_a"]).toEqual(sequential["negatives_a"]);
    expect(contents["negatives_b"]).toEqual(sequential["negatives_b"]);
  });

  it("a load while a mine runs: both finish, and every collection equals a sequential run's", async () => {
    const database = join(folder.path, "load-and-mine.db");
    runCliJson(load(database), folder.path);
    const results = await Promise.all([start(mine(database, "negatives_a")), start(load(database, ...otherCollections))]);
    expectSucceeded(...results);
    const contents = await collectionContents(database, ["corpus", "corpus-test", "other", "other-test", "negatives_a"]);
    for (const [collection, records] of Object.entries(contents)) expect(records, collection).toEqual(sequential[collection]);
  });

  it("two loads of the same folder at once into a new database both succeed and leave both collections whole", async () => {
    // Three rounds: the two loads write a few large batches, so a single round may happen not to collide.
    for (const round of [1, 2, 3]) {
      const database = join(folder.path, `two-loads-${round}.db`);
      const results = await Promise.all([start(load(database)), start(load(database))]);
      expectSucceeded(...results);
      for (const result of results) expect(JSON.parse(result.stdout)).toMatchObject({ documents: 3000, queries: 600 });
      const contents = await collectionContents(database, ["corpus", "corpus-test"]);
      expect(contents["corpus"]).toEqual(sequential["corpus"]);
      expect(contents["corpus-test"]).toEqual(sequential["corpus-test"]);
    }
  });
});
