import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BadOptionError, ConnectionError, HardnegError, scrubUrlSecrets, urlHasSecrets } from "./errors.js";

describe("scrubUrlSecrets", () => {
  it("hides user-info of URLs, a raw @ in the password included", () => {
    expect(scrubUrlSecrets("could not reach http://user:pass@host:9/v1/embeddings: refused")).toBe(
      "could not reach http://***@host:9/v1/embeddings: refused",
    );
    expect(scrubUrlSecrets("weaviate:https://admin:p@ss@10.0.0.1/")).toBe("weaviate:https://***@10.0.0.1/");
    expect(scrubUrlSecrets('{"url":"http://token@host/x","who":"a@b.org"}')).toBe('{"url":"http://***@host/x","who":"a@b.org"}');
  });

  it("hides the values of key- and token-like query parameters, keeping the others", () => {
    expect(scrubUrlSecrets("GET http://h/v1?api_key=sk-1&model=m&token=t2#frag")).toBe(
      "GET http://h/v1?api_key=***&model=m&token=***#frag",
    );
    expect(scrubUrlSecrets("http://h/?key=abc http://h/?access_token=xyz&apiKey=q")).toBe(
      "http://h/?key=*** http://h/?access_token=***&apiKey=***",
    );
  });

  it("leaves text without URL secrets unchanged, and scrubbing twice changes nothing more", () => {
    for (const text of [
      "/tmp/a.jsonl:3: line is not valid JSON",
      "http://127.0.0.1:11434/v1",
      "mail me at a@b.org",
      "local:/data/x@y.db",
    ]) {
      expect(scrubUrlSecrets(text)).toBe(text);
    }
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string(), (url, text) => {
        const once = scrubUrlSecrets(`${text} ${url} ${text}`);
        expect(scrubUrlSecrets(once)).toBe(once);
      }),
    );
  });

  it("never lets a generated password through", () => {
    const password = fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=%-]{4,20}$/);
    fc.assert(
      fc.property(password, fc.constantFrom("http", "https", "weaviate+http"), (secret, scheme) => {
        const text = `failed: ${scheme}://user:${secret}@host.example:8080/v1 (timeout)`;
        expect(scrubUrlSecrets(text)).toBe(`failed: ${scheme}://***@host.example:8080/v1 (timeout)`);
      }),
    );
  });
});

describe("urlHasSecrets", () => {
  it("sees user-info and key-like query parameters", () => {
    expect(urlHasSecrets(new URL("http://user:pw@h/v1"))).toBe(true);
    expect(urlHasSecrets(new URL("http://user@h/v1"))).toBe(true);
    expect(urlHasSecrets(new URL("http://h/v1?api_key=1"))).toBe(true);
    expect(urlHasSecrets(new URL("http://h/v1?model=m"))).toBe(false);
    expect(urlHasSecrets(new URL("https://api.openai.com/v1"))).toBe(false);
  });
});

describe("HardnegError messages", () => {
  it("carry no URL secret, whoever built them", () => {
    const connection = new ConnectionError("could not reach http://user:hunter2@host/v1?token=tk-9", { component: "x" });
    expect(connection.message).toBe("[hardneg] [x] could not reach http://***@host/v1?token=***");
    const option = new BadOptionError("--engine", 'bad "elastic:https://elastic:changeme@es:9200"');
    expect(option.message).not.toContain("changeme");
    expect(HardnegError.isInstance(option)).toBe(true);
  });
});
