import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { replaceControlCharacters, showControlCharacters, stringifyJsonWithEscapedControls } from "./control-characters.js";

/** Every character the module must neutralise (tab aside, which terminals show as space). */
const RAW_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = "id\u001b[31m red\u001b[0m\r\n\u009b2J\u007f\u202eevil\u2066x\u2069\u200f\u061c\ttab";
/** Strings rich in controls: any code unit from the ranges that matter, mixed with plain text. */
const controlRich = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 0x9f }).map((code) => String.fromCharCode(code)),
      fc.constantFrom(
        "\u061c",
        "\u200e",
        "\u200f",
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\u00e9",
        "\u05d0",
        "\\",
      ),
      fc.string(),
    ),
  )
  .map((parts) => parts.join(""));

describe("showControlCharacters", () => {
  it("shows ANSI, C1, DEL, newline and bidi controls as escapes and keeps tab", () => {
    expect(showControlCharacters(HOSTILE)).toBe(
      "id\\x1b[31m red\\x1b[0m\\x0d\\x0a\\x9b2J\\x7f\\u202eevil\\u2066x\\u2069\\u200f\\u061c\ttab",
    );
    expect(showControlCharacters("plain text, é, עברית")).toBe("plain text, é, עברית");
  });

  it("never lets a control character through, and changes nothing else", () => {
    // A reference model, character by character, written from the code point ranges.
    const isControl = (code: number) =>
      (code <= 0x1f && code !== 0x09) ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x61c ||
      code === 0x200e ||
      code === 0x200f ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069);
    const model = (text: string) =>
      [...text]
        .map((character) => {
          const code = character.codePointAt(0)!;
          if (!isControl(code)) return character;
          return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
        })
        .join("");
    fc.assert(
      fc.property(controlRich, (text) => {
        const shown = showControlCharacters(text);
        expect(RAW_CONTROL.test(shown)).toBe(false);
        expect(shown).toBe(model(text));
      }),
    );
  });

  it("lets a caller keep more characters and choose the replacement", () => {
    expect(replaceControlCharacters("a\nb\u202ec", (escaped) => `[${escaped}]`, { keep: "\n" })).toBe("a\nb[\\u202e]c");
  });
});

describe("stringifyJsonWithEscapedControls", () => {
  it("writes the same JSON values with every control character as a \\u escape", () => {
    fc.assert(
      fc.property(controlRich, controlRich, (key, value) => {
        const json = stringifyJsonWithEscapedControls({ [key]: value, list: [value] });
        expect(RAW_CONTROL.test(json)).toBe(false);
        expect(JSON.parse(json)).toEqual({ [key]: value, list: [value] });
      }),
    );
    expect(stringifyJsonWithEscapedControls({ id: "\u202e\u007f\u009b" })).toBe('{"id":"\\u202e\\u007f\\u009b"}');
  });
});
