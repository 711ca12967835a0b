/**
 * Mapping (wire fixtures, local HTTP server): the real weaviate-client v3 connecting to a
 * server on 127.0.0.1 that answers its start-up REST calls from fixtures. Only the connection
 * step is exercised this way (queries go over gRPC, which this server does not speak).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { openWeaviateBackend } from "./weaviate-backend.js";
import { expectHardnegRejection, on, startFixtureServer, type FixtureServer } from "@hardneg/core/testkit";

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
});

describe("mapping (wire fixtures, local HTTP server): connecting", () => {
  it("mapping: a 401 from /v1/meta at start-up is an AuthError; the key from WEAVIATE_API_KEY is sent, never shown", async () => {
    vi.stubEnv("WEAVIATE_API_KEY", "weaviate-secret-key");
    // Weaviate's REST error shape: { error: [{ message }] } (API reference, "Errors").
    server = await startFixtureServer([
      on("*", /^\/v1\//, { status: 401, body: { error: [{ message: "unauthorized: invalid api key" }] } }),
    ]);
    const error = await expectHardnegRejection(
      openWeaviateBackend(server.url, { grpcPort: 1, timeoutSeconds: { init: 2, query: 2, insert: 2 } }),
    );
    expect(error.code).toBe("AUTH");
    expect(error.message).toMatch(/^\[hardneg\] \[weaviate\] /);
    expect(error.message).not.toContain("weaviate-secret-key");
    expect(server.requests[0]!.headers.authorization).toBe("Bearer weaviate-secret-key");
  });

  it("mapping: nothing listening is a ConnectionError naming the address", async () => {
    server = await startFixtureServer([]);
    const url = server.url;
    await server.close();
    server = undefined;
    const error = await expectHardnegRejection(openWeaviateBackend(url, { grpcPort: 1, timeoutSeconds: { init: 2, query: 2, insert: 2 } }));
    expect(error.code).toBe("CONNECTION");
    expect(error.message).toContain(url);
    expect(error.cause).toBeDefined();
  });
});
