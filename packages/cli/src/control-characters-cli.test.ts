import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, temporaryFolder, type CliResult } from "./test-support.js";

const folder = temporaryFolder();
const dataset = join(folder.path, "hostile");
afterAll(() => folder.remove());

/** ANSI colour, a C1 CSI clearing the screen, DEL, a right-to-left override and an isolate. */
const HOSTILE = "\u001b[31m\u009b2J\u007f\u202e\u2066";
/** How the terminal must show it. */
const SHOWN = "\\x1b[31m\\x9b2J\\x7f\\u202e\\u2066";
/** A raw control character other than the tab and newline the output itself may hold. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

beforeAll(() => {
  mkdirSync(join(dataset, "qrels"), { recursive: true });
  const documents = [
    ["d1", "espresso grind size for a fine shot"],
    ["d2", "french press coffee brewing"],
    [`d${HOSTILE}3`, `espresso machine descaling ${HOSTILE} guide`],
    ["d4", "tea leaves steeping time"],
  ];
  writeFileSync(
    join(dataset, "corpus.jsonl"),
    `${documents.map(([id, text]) => JSON.stringify({ _id: id, title: "", text })).join("\n")}\n`,
  );
  const queries = [
    ["q1", `espresso grind ${HOSTILE}`],
    [`q${HOSTILE}2`, "press coffee"],
    ["q3\u202e", "descaling"],
  ];
  writeFileSync(join(dataset, "queries.jsonl"), `${queries.map(([id, text]) => JSON.stringify({ _id: id, text })).join("\n")}\n`);
  // q3's gold names a document the corpus lacks: reported by load, skipped (and reported) by mine.
  writeFileSync(
    join(dataset, "qrels/test.tsv"),
    `query-id\tcorpus-id\tscore\nq1\td1\t1\nq${HOSTILE}2\td${HOSTILE}3\t1\nq3\u202e\tghost${HOSTILE}\t1\n`,
  );
});

/** Nothing raw on either stream; the test shows where, if something is. */
function expectNoRawControl(result: CliResult): void {
  expect(result.status).toBe(0);
  for (const [stream, text] of [
    ["stdout", result.stdout],
    ["stderr", result.stderr],
  ] as const) {
    const raw = RAW_CONTROL.exec(text);
    expect(
      raw === null
        ? "none"
        : `${stream}: U+${raw[0].codePointAt(0)!.toString(16)} ` +
            `in ${JSON.stringify(text.slice(Math.max(0, raw.index - 30), raw.index + 10))}`,
    ).toBe("none");
  }
}

function mineArgs(database: string): string[] {
  return [
    "mine",
    "--docs-collection",
    "hostile",
    "--queries-collection",
    "hostile-test",
    "--out-collection",
    "negatives",
    "--negatives-per-query",
    "2",
    "--engine",
    `local:${database}`,
  ];
}

describe("control characters in data never reach the terminal raw", () => {
  it("human output shows them as \\x1b / \\u202e escapes", () => {
    const engine = ["--engine", `local:${join(folder.path, "human.db")}`];
    const loaded = runCli(["load", "beir", dataset, ...engine], folder.path);
    expectNoRawControl(loaded);
    expect(loaded.stdout).toContain(`query q3\\u202e → document ghost${SHOWN}`);
    const mined = runCli(mineArgs(join(folder.path, "human.db")), folder.path);
    expectNoRawControl(mined);
    expect(mined.stdout).toContain(`skipped, e.g.: q3\\u202e (gold_not_in_corpus: none of ghost${SHOWN} is in collection "hostile")`);
    expect(mined.stdout.trim().split("\n")).toHaveLength(6);
  });

  it("--json prints the same values, with every control character as a \\u escape", () => {
    const engine = ["--engine", `local:${join(folder.path, "json.db")}`];
    const loaded = runCli(["load", "beir", dataset, ...engine, "--json"], folder.path);
    expectNoRawControl(loaded);
    expect(JSON.parse(loaded.stdout)["unknown_gold_examples"]).toEqual([
      { query_id: "q3\u202e", doc_id: `ghost${HOSTILE}`, file: join(dataset, "qrels/test.tsv"), line: 4 },
    ]);
    expect(loaded.stdout).toContain('"doc_id":"ghost\\u001b[31m\\u009b2J\\u007f\\u202e\\u2066"');
    const mined = runCli([...mineArgs(join(folder.path, "json.db")), "--json"], folder.path);
    expectNoRawControl(mined);
    expect(JSON.parse(mined.stdout)["skipped_examples"][0]["query_id"]).toBe("q3\u202e");
  });

  it("the HTML report of mine --report isolates data strings and shows their control characters", () => {
    const database = join(folder.path, "report.db");
    expect(runCli(["load", "beir", dataset, "--engine", `local:${database}`], folder.path).status).toBe(0);
    expectNoRawControl(runCli([...mineArgs(database), "--report", "report.html"], folder.path));
    const html = readFileSync(join(folder.path, "report.html"), "utf8");
    const raw = RAW_CONTROL.exec(html);
    expect(raw === null ? "none" : JSON.stringify(html.slice(raw.index - 40, raw.index + 10))).toBe("none");
    const shown =
      '<span class="control">\\x1b</span>[31m<span class="control">\\x9b</span>2J<span class="control">\\x7f</span>' +
      '<span class="control">\\u202e</span><span class="control">\\u2066</span>';
    expect(html).toContain(`<bdi>q3<span class="control">\\u202e</span></bdi>`);
    expect(html).toContain(`<bdi>espresso grind ${shown}</bdi>`);
  });
});
