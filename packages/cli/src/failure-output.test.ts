import { BadInputError, ConnectionError } from "@hardneg/core";
import { describe, expect, it } from "vitest";
import { DEBUG_VARIABLE, failureOutput } from "./failure-output.js";
import { nameEngine } from "./operational-errors.js";

const full = () => Object.assign(new Error("database or disk is full"), { name: "SqliteError", code: "SQLITE_FULL" });

describe("failureOutput", () => {
  it("prints hardneg's errors and operational failures on one line, exit 2 for bad input and 1 otherwise", () => {
    expect(failureOutput(new BadInputError("line is not valid JSON", { file: "a.jsonl", line: 3 }), {})).toEqual({
      text: "[hardneg] a.jsonl:3: line is not valid JSON",
      exitCode: 2,
      code: "BAD_INPUT",
    });
    expect(failureOutput(new ConnectionError("server answered:\n  <html>\n  busy"), {})).toEqual({
      text: "[hardneg] server answered: <html> busy",
      exitCode: 1,
      code: "CONNECTION",
    });
    const operational = failureOutput(nameEngine(full(), "local:/data/h.db"), {});
    expect(operational.exitCode).toBe(1);
    expect(operational.text).toMatch(
      /^\[hardneg\] local:\/data\/h\.db: the database or its disk is full \(SQLITE_FULL: database or disk is full\); [^\n]*$/,
    );
  });

  it(`adds the stack and the cause chain only when ${DEBUG_VARIABLE} is set`, () => {
    const error = nameEngine(full(), "local:/data/h.db");
    for (const value of [undefined, "", "0"]) expect(failureOutput(error, { [DEBUG_VARIABLE]: value }).text.split("\n")).toHaveLength(1);
    const debug = failureOutput(error, { [DEBUG_VARIABLE]: "1" });
    expect(debug.exitCode).toBe(1);
    expect(debug.text.split("\n")[0]).toContain("SQLITE_FULL");
    expect(debug.text).toMatch(/^error: EngineFailure: in engine local:\/data\/h\.db\n {4}at /m);
    expect(debug.text).toMatch(/^caused by: SqliteError: database or disk is full\n {4}at /m);
  });

  it("shows control and bidi characters quoted from data as escapes, never raw", () => {
    const output = failureOutput(new BadInputError('unknown id "d1\u001b[31m\u202egpj.exe"', { file: "a.jsonl", line: 2 }), {});
    expect(output.text).toBe('[hardneg] a.jsonl:2: unknown id "d1\\x1b[31m\\u202egpj.exe"');
    expect(output.text).not.toMatch(/[\u001b\u202e]/);
  });

  it("prints a bug's stack with each cause, scrubbed of URL secrets", () => {
    const bug = new TypeError("cannot read x of http://u:pw-bug-1@host/", { cause: new RangeError("deeper") });
    const output = failureOutput(bug, {});
    expect(output.exitCode).toBe(1);
    expect(output.text).toMatch(/^\[hardneg\] unexpected failure: TypeError: cannot read x of http:\/\/\*\*\*@host\/\n {4}at /);
    expect(output.text).toMatch(/^caused by: RangeError: deeper$/m);
    expect(output.text).not.toContain("pw-bug-1");
  });
});
