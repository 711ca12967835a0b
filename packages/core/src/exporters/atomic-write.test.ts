import { existsSync, lstatSync, readlinkSync } from "node:fs";
import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempFolder, rejectionOf, type TempFolder } from "../loaders/__fixtures__/temp-folder.js";
import { writeLinesAtomically } from "./atomic-write.js";
import { createTemporaryFileBeside, temporaryPathBeside } from "./temporary-file.js";

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
});
