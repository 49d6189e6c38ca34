import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { backend } from "../support/db.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

let runtime: TestRuntime;
beforeAll(async () => {
  runtime = await createTestRuntime();
});
afterAll(() => runtime.close());

describe("GET /healthz", () => {
  it("answers 200 with ok:true when the database answers", async () => {
    const res = await createApp(runtime).request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, database: backend(), mode: "local" });
    expect(res.headers.get("X-Aviso-Mode")).toBe("local");
  });

  it("answers 503 in the error envelope when the database does not", async () => {
    // A runtime of its own: closing its database leaves the file's runtime to the other tests.
    const closing = await createTestRuntime();
    const app = createApp(closing);
    await closing.boss.stop({ graceful: false });
    await closing.handle.close();
    let res: Response;
    try {
      res = await app.request("/healthz");
    } finally {
      await closing.close();
    }
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body).toEqual({
      error: { code: "database_unavailable", message: expect.any(String), requestId: expect.any(String) },
    });
    expect(body.error.requestId).toBe(res.headers.get("X-Request-Id"));
  });
});

describe("the error envelope", () => {
  it("answers unknown paths with not_found and a request id", async () => {
    const res = await createApp(runtime).request("/no/such/thing");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: "not_found", message: "No such resource", requestId: expect.any(String) },
    });
  });

  it("answers oversized bodies with 413 before reading them", async () => {
    const res = await createApp(runtime).request("/healthz", {
      method: "POST",
      body: "x".repeat(70_000),
      headers: { "Content-Type": "text/plain" },
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
  });
});
