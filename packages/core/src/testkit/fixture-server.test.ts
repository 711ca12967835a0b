import { afterEach, describe, expect, it } from "vitest";
import { on, startFixtureServer, times, type FixtureServer } from "./fixture-server.js";

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("startFixtureServer", () => {
  it("answers the first matching route, records requests and parses JSON and NDJSON bodies", async () => {
    server = await startFixtureServer([on("POST", "/items", { body: { ok: true } })], { "x-product": "fixture" });
    const json = await fetch(`${server.url}/items?refresh=true`, { method: "POST", body: JSON.stringify({ id: 1 }) });
    expect(await json.json(), "JSON body").toEqual({ ok: true });
    expect(json.headers.get("content-type"), "content type").toBe("application/json");
    expect(json.headers.get("x-product"), "extra header").toBe("fixture");
    await fetch(`${server.url}/items`, { method: "POST", body: '{"index":"a"}\n{"id":2}\n' });
    expect(
      server.requests.map((request) => [request.method, request.path, request.body]),
      "recorded requests",
    ).toEqual([
      ["POST", "/items?refresh=true", { id: 1 }],
      ["POST", "/items", [{ index: "a" }, { id: 2 }]],
    ]);
  });

  it("sends text bodies as text/plain and unmatched requests a 500 naming them", async () => {
    server = await startFixtureServer([on("*", /^\/plain/, { status: 400, text: "bad request" })]);
    const plain = await fetch(`${server.url}/plain/x`);
    expect([plain.status, plain.headers.get("content-type"), await plain.text()], "text answer").toEqual([
      400,
      "text/plain",
      "bad request",
    ]);
    const unmatched = await fetch(`${server.url}/other`, { method: "DELETE" });
    expect(unmatched.status, "unmatched status").toBe(500);
    expect(await unmatched.text(), "unmatched body").toContain("no fixture for DELETE /other");
  });

  it("times(n, route) answers n matching requests, then falls through", async () => {
    server = await startFixtureServer([times(1, on("GET", "/count", { status: 429 })), on("GET", "/count", { body: { count: 3 } })]);
    const statuses = [];
    for (let call = 0; call < 3; call++) statuses.push((await fetch(`${server.url}/count`)).status);
    expect(statuses, "statuses of three calls").toEqual([429, 200, 200]);
  });
});
