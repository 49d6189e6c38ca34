import { describe, expect, it } from "vitest";
import { createLogger, scrubPii } from "../../src/log.ts";
import { CapturedLog } from "../support/runtime.ts";

const CANARIES = [
  "+15105550199",
  "5105550199",
  "(510) 555-0199",
  "510-555-0199",
  "canary.resident@example.org",
];

describe("logging never writes an address", () => {
  it("scrubs phone numbers and emails in any format", () => {
    for (const canary of CANARIES) expect(scrubPii(`from ${canary} now`)).not.toContain(canary);
    for (const harmless of [
      "alert 42 for ZIP 94607 at 2026-11-24T10:00:00Z",
      "job 8254d15b-0f7b-4123-8123-123456789abc done",
      "job 12345678-1234-1234-1234-123456789012 done",
    ]) {
      expect(scrubPii(harmless)).toBe(harmless);
    }
    expect(scrubPii('{"to":"+15105550199"}')).toBe('{"to":"[phone]"}');
  });

  it("redacts fields by name and scrubs messages, nested fields and errors", () => {
    const captured = new CapturedLog();
    const log = createLogger({ level: "debug", destination: captured });
    log.info({ phone: CANARIES[0], to: CANARIES[4] }, "subscribe");
    log.info(`inbound from ${CANARIES[2]}`);
    log.warn({ detail: { note: `number ${CANARIES[3]}`, list: [CANARIES[1]] } }, "nested");
    log.error({ err: new Error(`Twilio rejected ${CANARIES[0]} for ${CANARIES[4]}`) }, "send failed");
    expect(captured.lines).toHaveLength(4);
    for (const canary of CANARIES) expect(captured.text).not.toContain(canary);
    expect(captured.text).toContain("[redacted]");
    expect(captured.text).toContain("[phone]");
  });
});
