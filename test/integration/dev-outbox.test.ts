import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { createTestRuntime, type TestRuntime } from "../support/runtime.ts";

let runtime: TestRuntime;
beforeAll(async () => {
  runtime = await createTestRuntime();
});
afterAll(() => runtime.close());

describe("local mode's outbox", () => {
  it("shows what the senders kept, recipients decrypted, under a local-mode banner", async () => {
    await runtime.senders.sms.send({
      channel: "sms",
      to: "+15105550123",
      text: "VERIFIED: <b>test</b> alert",
    });
    await runtime.senders.email.send({
      channel: "email",
      to: "resident@example.org",
      subject: "Confirm",
      text: "Please confirm",
    });
    const res = await createApp(runtime).request("/dev/outbox");
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const page = await res.text();
    expect(page).toContain("Local mode.");
    expect(page).toContain("+15105550123");
    expect(page).toContain("resident@example.org");
    expect(page).toContain("VERIFIED: &lt;b&gt;test&lt;/b&gt; alert");
    expect(page).not.toContain("<b>test</b>");
  });

  it("is not mounted when every channel has a provider", async () => {
    const app = createApp({ ...runtime, config: { ...runtime.config, localMode: false } });
    expect((await app.request("/dev/outbox")).status).toBe(404);
  });
});
