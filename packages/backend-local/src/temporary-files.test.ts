import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { DocumentTarget } from "@hardneg/core";
import { afterEach, describe, expect, it } from "vitest";
import { useTemporaryDirectories } from "./__fixtures__/temporary-directory.js";
import { openLocalBackend } from "./local-backend.js";
import { removeStaleTemporaries, STALE_TEMPORARY_AGE_MS, temporaryFileFor } from "./temporary-files.js";

/**
 * A killed index write leaves its temporary file behind (~130 MB at 200,000 documents). Opening
 * or writing an index folder removes those whose writer is dead, and never a live writer's.
 */
const temporaryDirectory = useTemporaryDirectories();
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

/** The id of a process that has exited. */
function deadPid(): number {
  const finished = spawnSync(process.execPath, ["-e", ""]);
  return finished.pid!;
}

/** The id of a process that runs until the test ends (another process than this one, as a concurrent writer is). */
function livePid(): number {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 120_000)"], { stdio: "ignore" });
  children.push(child);
  return child.pid!;
}

/** Plants a temporary file as a writer with `pid` on this machine would name it. */
function plant(directory: string, target: string, pid: number): string {
  const name = basename(temporaryFileFor(join(directory, target))).replace(`.tmp-${process.pid}-`, `.tmp-${pid}-`);
  writeFileSync(join(directory, name), "partial index");
  return name;
}

const INDEX = `corpus@${"0123456789abcdef0123"}.bm25`;
const VECTORS = `corpus@${"0123456789abcdef0123"}.vectors`;
const ANN = `corpus@${"0123456789abcdef0123"}.ann`;

describe("stale temporary files", () => {
  it(
    "removes those of dead writers on this machine (also the older name without a host tag), " +
      "keeps live writers', other hosts' recent ones and other files",
    () => {
      const directory = temporaryDirectory();
      const dead = deadPid();
      const live = livePid();
      const deadIndex = plant(directory, INDEX, dead);
      const deadVectors = plant(directory, VECTORS, dead);
      const deadAnn = plant(directory, ANN, dead);
      const deadAnnHeader = plant(directory, `${ANN}.json`, dead);
      const liveAnn = plant(directory, ANN, live);
      const liveIndex = plant(directory, INDEX, live);
      const olderNaming = `${INDEX}.tmp-${dead}-k3j4h5g6`;
      const otherHostRecent = `${INDEX}.tmp-${dead}-ffffffff-abc123`;
      const otherHostOld = `${VECTORS}.tmp-${dead}-ffffffff-def456`;
      const unrelated = ["notes.txt.tmp-1-abc", INDEX, "corpus@short.bm25.tmp-1-abc"];
      for (const name of [olderNaming, otherHostRecent, otherHostOld, ...unrelated]) writeFileSync(join(directory, name), "x");
      const anHourAgo = (Date.now() - STALE_TEMPORARY_AGE_MS - 60_000) / 1000;
      utimesSync(join(directory, otherHostOld), anHourAgo, anHourAgo);

      expect(removeStaleTemporaries(directory).sort()).toEqual(
        [deadIndex, deadVectors, deadAnn, deadAnnHeader, olderNaming, otherHostOld].sort(),
      );
      expect(readdirSync(directory).sort()).toEqual([liveIndex, liveAnn, otherHostRecent, ...unrelated].sort());
      // A live writer's file goes once it is old: its writer is stuck, not writing.
      utimesSync(join(directory, liveIndex), anHourAgo, anHourAgo);
      expect(removeStaleTemporaries(directory)).toEqual([liveIndex]);
    },
  );

  it("never throws on a folder that does not exist", () => {
    expect(removeStaleTemporaries(join(temporaryDirectory(), "absent"))).toEqual([]);
  });

  it("opening a backend and writing an index clean its folder", async () => {
    const path = join(temporaryDirectory(), "corpus.db");
    const folder = `${path}.bm25`;
    mkdirSync(folder);
    const live = livePid();
    const _atOpen = plant(folder, INDEX, deadPid());
    const kept = plant(folder, INDEX, live);
    const backend = await openLocalBackend(path);
    expect(readdirSync(folder).sort()).toEqual([kept]);

    const atWrite = plant(folder, INDEX, deadPid());
    expect(readdirSync(folder)).toContain(atWrite);
    await backend.createCollection({ name: "corpus", kind: "documents" });
    await backend.upsert("corpus", [{ id: "a", properties: { doc_id: "a", text: "estuary tide" } }]);
    const target: DocumentTarget = { collection: "corpus", idKey: "doc_id", contentKey: "text" };
    const { file } = await backend.driver.prepareIndex(target);
    await backend.close();
    expect(readdirSync(folder).sort()).toEqual([basename(file!), kept].sort());
  });
});
