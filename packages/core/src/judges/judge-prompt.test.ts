import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { JudgeItem } from "./judge.js";
import { judgeMessages, MAX_DOCUMENT_CHARACTERS, PROMPT_VERSION, parseJudgeAnswer } from "./judge-prompt.js";

function item(overrides: Partial<JudgeItem> = {}): JudgeItem {
  return {
    queryId: "q1",
    queryText: "does caffeine improve memory?",
    goldIds: ["g1", "g2"],
    goldTexts: ["Caffeine improved recall in a trial.", "Coffee drinkers remembered more words."],
    candidateId: "c1",
    candidateText: "Caffeine raises alertness.",
    ...overrides,
  };
}

/** The user message's blocks: the prompt separates query, golds and candidate by blank lines. */
function userBlocks(value: JudgeItem): string[] {
  const user = judgeMessages(value).find((message) => message.role === "user");
  return user!.content.split("\n\n");
}

describe("PROMPT_VERSION", () => {
  it("is the version the README documents", () => {
    expect(PROMPT_VERSION, "prompt version").toBe("hardneg-judge-v1");
  });

  it("names the exact wording: any change to the messages must come with a new version", () => {
    // Verdicts are cached under PROMPT_VERSION; if this digest changes, bump the version and this pair.
    const digest = createHash("sha256")
      .update(JSON.stringify(judgeMessages(item())))
      .digest("hex");
    expect({ version: PROMPT_VERSION, digest }, "version and digest of the messages").toEqual({
      version: "hardneg-judge-v1",
      digest: "48b2d5d885e1f7e260c84ff88cd65bd1a537c2c8cca74439c9dbf23a3c1e67ec",
    });
  });
});

describe("judgeMessages", () => {
  it("asks, in a system message, for one JSON object with a boolean relevant and a reason", () => {
    const [system, user] = judgeMessages(item());
    expect(system!.role, "first message's role").toBe("system");
    expect(user!.role, "second message's role").toBe("user");
    expect(system!.content, "system prompt asks for JSON").toContain('{"relevant": true or false, "reason": "one short sentence"}');
    expect(system!.content, "system prompt warns about topical similarity").toContain("Topical similarity alone is not relevance.");
  });

  it("shows the query, then every gold numbered from 1 in order, then the candidate, each in its own block", () => {
    expect(userBlocks(item()).slice(0, 4), "user blocks").toEqual([
      "Query:\ndoes caffeine improve memory?",
      "Gold document 1:\nCaffeine improved recall in a trial.",
      "Gold document 2:\nCoffee drinkers remembered more words.",
      "Candidate document:\nCaffeine raises alertness.",
    ]);
  });

  it(`shows a document of up to ${MAX_DOCUMENT_CHARACTERS} characters whole and cuts a longer one there, marked "[…]"`, () => {
    const whole = "w".repeat(MAX_DOCUMENT_CHARACTERS);
    const long = `${"a".repeat(MAX_DOCUMENT_CHARACTERS)}bbbb`;
    const blocks = userBlocks(item({ goldTexts: [whole], candidateText: long }));
    expect(blocks[1], "gold of exactly the limit").toBe(`Gold document 1:\n${whole}`);
    expect(blocks[2], "candidate over the limit").toBe(`Candidate document:\n${"a".repeat(MAX_DOCUMENT_CHARACTERS)} […]`);
  });

  it("cuts long gold documents too", () => {
    const blocks = userBlocks(item({ goldTexts: ["g".repeat(MAX_DOCUMENT_CHARACTERS + 1)] }));
    expect(blocks[1], "gold over the limit").toBe(`Gold document 1:\n${"g".repeat(MAX_DOCUMENT_CHARACTERS)} […]`);
  });
});

describe("parseJudgeAnswer", () => {
  it("reads one JSON object with a boolean relevant and a string reason", () => {
    expect(parseJudgeAnswer('{"relevant": true, "reason": "it answers"}'), "relevant").toEqual({ relevant: true, reason: "it answers" });
    expect(parseJudgeAnswer('{"relevant": false, "reason": "off topic"}'), "not relevant").toEqual({
      relevant: false,
      reason: "off topic",
    });
  });

  it("accepts an answer without a reason, giving the empty reason", () => {
    expect(parseJudgeAnswer('{"relevant": true}'), "no reason").toEqual({ relevant: true, reason: "" });
  });

  it("ignores whitespace of any kind around the object", () => {
    expect(parseJudgeAnswer('\u00a0\n {"relevant": false}\u00a0\ufeff'), "padded answer").toEqual({ relevant: false, reason: "" });
  });

  it("returns undefined for anything that is not such an object, never throwing", () => {
    const malformed = [
      "null",
      "[]",
      "[true]",
      "true",
      "42",
      '"true"',
      "yes",
      "",
      '```json\n{"relevant": true}\n```',
      '{"relevant": "true"}',
      '{"relevant": 1}',
      "{}",
      '{"relevant": true, "reason": 3}',
      '{"relevant": true, "reason": null}',
    ];
    for (const content of malformed) expect(parseJudgeAnswer(content), content).toBeUndefined();
    for (const content of [undefined, null, 1, { relevant: true }]) expect(parseJudgeAnswer(content), String(content)).toBeUndefined();
  });
});
