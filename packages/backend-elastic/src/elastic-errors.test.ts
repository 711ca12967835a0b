import { describe, expect, it } from "vitest";
import { toHardnegError } from "./elastic-errors.js";

describe("errors: Elasticsearch client failures", () => {
  it("errors: a connection failure quoting a URL with credentials or an api_key never prints them", () => {
    const failure = Object.assign(
      new Error("connect ECONNREFUSED for https://elastic:pw-elastic-42@es.internal:9200/_msearch?api_key=key-elastic-42"),
      { name: "ConnectionError" },
    );
    const error = toHardnegError(failure, "search", "coffee");
    expect(error.message).toContain("https://***@es.internal:9200/_msearch?api_key=***");
    expect(error.message).not.toMatch(/elastic-42/);
  });
});
