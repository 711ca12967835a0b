import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, temporaryFolder } from "./test-support.js";

const folder = temporaryFolder();
afterAll(() => folder.remove());

const PASSWORD = "pw-never-print-4711";
const engine = ["--engine", `local:${join(folder.path, "secrets.db")}`];

describe("hardneg never prints secrets of URLs", () => {
  const documents = join(folder.path, "docs.jsonl");
  writeFileSync(documents, '{"id": "a", "text": "hello"}\n');
  const load = (baseUrl: string, json: boolean) =>
    runCli(
      [
        "load",
        documents,
        "--collection",
        "docs",
        "--content-key",
        "text",
        "--embedder",
        "openai:text-embedding-3-small",
        "--embedder-base-url",
        baseUrl,
        ...engine,
        ...(json ? ["--json"] : []),
      ],
      folder.path,
    );

  for (const json of [false, true]) {
    it(`refuses credentials in --embedder-base-url with exit 2, quoting no password${json ? " (--json)" : ""}`, () => {
      for (const baseUrl of [`http://user:${PASSWORD}@127.0.0.1:9/v1`, `http://127.0.0.1:9/v1?api_key=${PASSWORD}`]) {
        const result = load(baseUrl, json);
        expect(result.status).toBe(2);
        // With --json, stdout holds the failure as one JSON object; without, nothing.
        if (json) expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: "BAD_OPTION" }, exit_code: 2 });
        else expect(result.stdout).toBe("");
        expect(result.stderr.trim().split("\n")).toHaveLength(1);
        expect(result.stderr).toContain(
          "option --embedder-base-url: must not contain credentials or a key; put the key in HARDNEG_EMBEDDER_API_KEY",
        );
        expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
      }
    });
  }

  it("scrubs a password from usage errors commander prints", () => {
    const result = runCli(
      ["eval", "--docs-collection", "d", "--queries-collection", "q", "--mode", `http://user:${PASSWORD}@host/`, ...engine],
      folder.path,
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("http://***@host/");
    expect(result.stderr).not.toContain(PASSWORD);
  });
});
