import { existsSync, lstatSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTempFolder, rejectionOf, type TempFolder } from "../loaders/__fixtures__/temp-folder.js";
import { writeLinesAtomically } from "./atomic-write.js";
import { createTemporaryFileBeside, removeOnExit, type TemporaryFile, temporaryPathBeside } from "./temporary-file.js";

// The real function, watched: lets a test see the temporary file a write used (and whether it was closed).
vi.mock("./temporary-file.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./temporary-file.js")>();
  return { ...actual, createTemporaryFileBeside: vi.fn(actual.createTemporaryFileBeside) };
});

/** The temporary file the last `writeLinesAtomically` call created. */
async function lastTemporaryFile(): Promise<TemporaryFile> {
  const results = vi.mocked(createTemporaryFileBeside).mock.results;
  return (await results[results.length - 1]!.value) as TemporaryFile;
}

let folder: TempFolder;
beforeAll(async () => {
  folder = await createTempFolder();
});
afterAll(async () => {
  await folder.remove();
});

/** A fresh, empty sub-folder per test, so leftover temporary files are easy to spot. */
let folderCount = 0;
async function subFolder(): Promise<string> {
  folderCount += 1;
  const path = join(folder.path, `case-${folderCount}`);
  await mkdir(path);
  return path;
}

/** Random parts handed out in order: lets a test predict (and plant something at) the first name. */
function randomParts(...parts: string[]): () => string {
  let index = 0;
  return () => parts[Math.min(index++, parts.length - 1)]!;
}

async function* slowLines(prefix: string, count: number): AsyncGenerator<string> {
  for (let index = 0; index < count; index += 1) {
    // Yield to the event loop between lines, so two writers really interleave.
    await new Promise((resolve) => setImmediate(resolve));
    yield JSON.stringify({ writer: prefix, index, padding: prefix.repeat(200) });
  }
}

describe("temporaryPathBeside", () => {
  it("names a file in the output's folder, after the output, with the pid and a random part, never twice", () => {
    const output = join(folder.path, "nested", "export.jsonl");
    const names = Array.from({ length: 2000 }, () => temporaryPathBeside(output));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(dirname(name)).toBe(dirname(output));
      expect(basename(name)).toMatch(new RegExp(`^export\\.jsonl\\.${process.pid}\\.[0-9a-f]{16}\\.tmp$`));
    }
  });
});

describe("createTemporaryFileBeside", () => {
  it("never follows or reuses a symlink planted at the name it draws: it draws another name", async () => {
    const path = await subFolder();
    const victim = join(path, "victim.txt");
    await writeFile(victim, "precious\n");
    const output = join(path, "export.jsonl");
    const planted = temporaryPathBeside(output, () => "planted");
    await symlink(victim, planted);
    const temporary = await createTemporaryFileBeside(output, randomParts("planted", "fresh"));
    try {
      expect(temporary.path).toBe(temporaryPathBeside(output, () => "fresh"));
      await temporary.handle.writeFile("written\n");
    } finally {
      await temporary.handle.close();
    }
    expect(await readFile(victim, "utf8")).toBe("precious\n");
    expect(readlinkSync(planted)).toBe(victim);
    expect(await readFile(temporary.path, "utf8")).toBe("written\n");
  });

  it("never creates the target of a dangling symlink, and gives up with EEXIST when every name it draws is taken", async () => {
    const path = await subFolder();
    const output = join(path, "export.jsonl");
    const target = join(path, "would-be-created.txt");
    await symlink(
      target,
      temporaryPathBeside(output, () => "taken"),
    );
    const error = await rejectionOf(createTemporaryFileBeside(output, () => "taken"));
    expect((error as NodeJS.ErrnoException).code).toBe("EEXIST");
    expect(existsSync(target)).toBe(false);
  });
});

describe("removeOnExit", () => {
  /** The exit handlers added since `before` (not vitest's own). */
  const added = (before: Set<unknown>) => process.listeners("exit").filter((listener) => !before.has(listener));

  it("removes a folder with its files, and every path still registered, when the process exits", async () => {
    const base = await subFolder();
    const before = new Set<unknown>(process.listeners("exit"));
    const spoolFolder = join(base, "spool");
    await mkdir(spoolFolder);
    await writeFile(join(spoolFolder, "bucket-0.jsonl"), "{}\n");
    const file = join(base, "out.tmp");
    await writeFile(file, "partial");
    const forgotten = join(base, "finished.tmp");
    await writeFile(forgotten, "done");
    const forgetFolder = removeOnExit(spoolFolder);
    const forgetFile = removeOnExit(file);
    removeOnExit(forgotten)();
    const handlers = added(before);
    expect(handlers, "one handler for all paths").toHaveLength(1);
    handlers[0]!.call(process, 130);
    expect(readdirSync(base), "the folder and the file are gone; a forgotten path stays").toEqual(["finished.tmp"]);
    forgetFolder();
    forgetFile();
    expect(added(before), "no handler once every path is forgotten").toEqual([]);
  });
});

describe("writeLinesAtomically", () => {
  it("writes every line with a newline, replaces the output, and leaves no temporary file", async () => {
    const path = await subFolder();
    const output = join(path, "out.jsonl");
    await writeFile(output, "old content\n");
    expect(await writeLinesAtomically(output, ["a", "b", "c"])).toBe(3);
    expect(await readFile(output, "utf8")).toBe("a\nb\nc\n");
    expect(await readdir(path)).toEqual(["out.jsonl"]);
  });

  it("never writes through a symlink planted at the old fixed name <output>.tmp", async () => {
    const path = await subFolder();
    const victim = join(path, "victim.txt");
    await writeFile(victim, "precious\n");
    const output = join(path, "out.jsonl");
    await symlink(victim, `${output}.tmp`);
    await writeLinesAtomically(output, ["line"]);
    expect(await readFile(victim, "utf8")).toBe("precious\n");
    expect(await readFile(output, "utf8")).toBe("line\n");
    expect(lstatSync(output).isSymbolicLink()).toBe(false);
  });

  it("removes its temporary file and reports the producer's own error when a line fails, keeping the old output", async () => {
    const path = await subFolder();
    const output = join(path, "out.jsonl");
    await writeFile(output, "earlier export\n");
    async function* failing(): AsyncGenerator<string> {
      yield "first";
      yield "second";
      throw new Error("store connection lost");
    }
    const error = await rejectionOf(writeLinesAtomically(output, failing()));
    expect(error.message).toBe("store connection lost");
    expect(await readFile(output, "utf8")).toBe("earlier export\n");
    expect(await readdir(path)).toEqual(["out.jsonl"]);
  });

  it("names the output on a system error that names no file (a write to a full disk fails on the open file)", async () => {
    const path = await subFolder();
    const output = join(path, "out.jsonl");
    async function* diskFills(): AsyncGenerator<string> {
      yield "first";
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    }
    const error = (await rejectionOf(writeLinesAtomically(output, diskFills()))) as NodeJS.ErrnoException;
    expect([error.code, error.path]).toEqual(["ENOSPC", output]);
    expect(await readdir(path)).toEqual([]);
  });

  it("removes its temporary file and reports the rename's error when the output cannot be replaced", async () => {
    const path = await subFolder();
    const output = join(path, "a-folder");
    await mkdir(join(output, "inside"), { recursive: true });
    const error = await rejectionOf(writeLinesAtomically(output, ["line"]));
    expect(["EISDIR", "ENOTEMPTY", "EEXIST"]).toContain((error as NodeJS.ErrnoException).code);
    expect(await readdir(path)).toEqual(["a-folder"]);
  });

  it("lets two writers of the same output finish both, leaving exactly one writer's complete file", async () => {
    for (let round = 0; round < 3; round += 1) {
      const path = await subFolder();
      const output = join(path, "out.jsonl");
      const [first, second] = await Promise.all([
        writeLinesAtomically(output, slowLines("a", 300)),
        writeLinesAtomically(output, slowLines("b", 200)),
      ]);
      expect([first, second]).toEqual([300, 200]);
      const lines = (await readFile(output, "utf8")).split("\n");
      expect(lines.pop()).toBe("");
      const writers = new Set(lines.map((line) => (JSON.parse(line) as { writer: string }).writer));
      expect(writers.size).toBe(1);
      expect(lines.length).toBe(writers.has("a") ? 300 : 200);
      expect(await readdir(path)).toEqual(["out.jsonl"]);
    }
  });

  it("removes its temporary file if the process exits mid-write (Ctrl-C), and stops watching once done", async () => {
    const folderPath = await subFolder();
    const output = join(folderPath, "out.jsonl");
    const before = new Set(process.listeners("exit"));
    let seenWhileWriting: string[] = [];
    async function* exitMidway(): AsyncGenerator<string> {
      yield "first";
      // Run the exit handlers the write added, as process.exit would (not vitest's own).
      for (const listener of process.listeners("exit")) if (!before.has(listener)) listener.call(process, 130);
      seenWhileWriting = readdirSync(folderPath);
      yield "second";
    }
    await rejectionOf(writeLinesAtomically(output, exitMidway()));
    expect(seenWhileWriting, "the temporary file is gone as the process exits").toEqual([]);
    expect(readdirSync(folderPath), "nothing left").toEqual([]);

    await writeLinesAtomically(output, ["done"]);
    expect(
      process.listeners("exit").filter((listener) => !before.has(listener)),
      "no handler left after a write",
    ).toEqual([]);
  });

  it("closes its temporary file when a line fails", async () => {
    const path = await subFolder();
    async function* failing(): AsyncGenerator<string> {
      yield "first";
      throw new Error("store connection lost");
    }
    await rejectionOf(writeLinesAtomically(join(path, "out.jsonl"), failing()));
    // A closed FileHandle reports fd -1.
    expect((await lastTemporaryFile()).handle.fd, "temporary file's descriptor after the failure").toBe(-1);
  });

  it("leaves an error that is not a system error as it is: no path added", async () => {
    const path = await subFolder();
    async function* failing(): AsyncGenerator<string> {
      yield "first";
      throw new Error("store connection lost");
    }
    const error = (await rejectionOf(writeLinesAtomically(join(path, "out.jsonl"), failing()))) as NodeJS.ErrnoException;
    expect(error.path, "path of a plain error").toBeUndefined();
  });

  it("keeps the path a system error already names", async () => {
    const path = await subFolder();
    async function* failing(): AsyncGenerator<string> {
      yield "first";
      throw Object.assign(new Error("EACCES: permission denied, open '/data/corpus.jsonl'"), {
        code: "EACCES",
        path: "/data/corpus.jsonl",
      });
    }
    const error = (await rejectionOf(writeLinesAtomically(join(path, "out.jsonl"), failing()))) as NodeJS.ErrnoException;
    expect([error.code, error.path], "code and path").toEqual(["EACCES", "/data/corpus.jsonl"]);
  });

  it("rethrows whatever the producer threw, even a value that is not an Error", async () => {
    const path = await subFolder();
    async function* failing(): AsyncGenerator<string> {
      yield "first";
      throw undefined;
    }
    const outcome = await writeLinesAtomically(join(path, "out.jsonl"), failing()).then(
      () => "resolved",
      (reason: unknown) => ({ reason }),
    );
    expect(outcome, "outcome").toEqual({ reason: undefined });
    expect(await readdir(path), "files left").toEqual([]);
  });

  it("keeps the disk up with the producer: text produced is on disk, but for a bounded rest, before more is asked for", async () => {
    const path = await subFolder();
    const output = join(path, "out.jsonl");
    const bound = 1024 * 1024;
    const lagBehind: number[] = [];
    async function* lines(): AsyncGenerator<string> {
      let produced = 0;
      // Lines of several sizes, some longer than any sensible write buffer.
      for (const size of [100, 300_000, 10, 5000, 700_000, 1, 2_000_000, 50, ...Array<number>(2000).fill(1000)]) {
        const temporary = readdirSync(path).find((name) => name.endsWith(".tmp"))!;
        lagBehind.push(produced - statSync(join(path, temporary)).size);
        produced += size + 1;
        yield "x".repeat(size);
      }
    }
    await writeLinesAtomically(output, lines());
    expect(Math.max(...lagBehind), "most characters produced but not yet on disk").toBeLessThan(bound);
  });
});
