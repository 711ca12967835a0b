import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./test-support.js";

/**
 * `pnpm test` runs every suite through turbo, which hands a test only the environment variables
 * turbo.json passes through: a documented variable left out never reaches a live suite (its key
 * or port is silently missing). The documented names are read from the READMEs and CONTRIBUTING.md,
 * not from turbo.json, so a variable documented later and forgotten here fails this test.
 */
const documents = [
  "README.md",
  "CONTRIBUTING.md",
  ...readdirSync(join(repoRoot, "packages"))
    .map((name) => `packages/${name}/README.md`)
    .filter((file) => existsSync(join(repoRoot, file))),
];
/** Prefixes of the variables hardneg and its engines' and providers' clients read; other capitals in the docs are constants. */
const VARIABLE_PREFIXES = ["HARDNEG_", "OPENAI_", "WEAVIATE_", "ELASTICSEARCH_", "QDRANT_"];

function documentedVariables(): string[] {
  const names = new Set<string>();
  for (const document of documents) {
    const text = readFileSync(join(repoRoot, document), "utf8");
    for (const [, name] of text.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:=[^`]*)?`/g))
      if (VARIABLE_PREFIXES.some((prefix) => name!.startsWith(prefix))) names.add(name!);
  }
  return [...names].sort();
}

/** Whether turbo's pattern (`*` matches any run of characters) matches `name`. */
function matches(pattern: string, name: string): boolean {
  const expression = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${expression.join(".*")}$`).test(name);
}

describe("turbo.json passes the documented environment to the tests", () => {
  const turbo = JSON.parse(readFileSync(join(repoRoot, "turbo.json"), "utf8"));
  const passThrough: string[] = turbo.tasks.test.passThroughEnv;

  it("finds the variables the docs name, among them the keys, the Elasticsearch login and Weaviate's gRPC port", () => {
    expect(documentedVariables(), "documented variables").toEqual(
      expect.arrayContaining([
        "OPENAI_API_KEY",
        "HARDNEG_EMBEDDER_API_KEY",
        "HARDNEG_JUDGE_API_KEY",
        "WEAVIATE_API_KEY",
        "WEAVIATE_GRPC_PORT",
        "ELASTICSEARCH_API_KEY",
        "ELASTICSEARCH_USERNAME",
        "ELASTICSEARCH_PASSWORD",
        "QDRANT_API_KEY",
        "QDRANT_URL",
      ]),
    );
  });

  it("every documented variable matches a passThroughEnv pattern of the test task", () => {
    for (const name of documentedVariables())
      expect(
        passThrough.some((pattern) => matches(pattern, name)),
        `${name} against ${JSON.stringify(passThrough)}`,
      ).toBe(true);
    expect(passThrough, "CI").toContain("CI");
  });

  it("the pattern matcher reads turbo's wildcards", () => {
    expect(matches("*_API_KEY", "OPENAI_API_KEY"), "leading wildcard").toBe(true);
    expect(matches("HARDNEG_*", "HARDNEG_DEBUG"), "trailing wildcard").toBe(true);
    expect(matches("HARDNEG_*", "OPENAI_API_KEY"), "another prefix").toBe(false);
    expect(matches("CI", "CIRCLE"), "a plain name is exact").toBe(false);
  });
});
