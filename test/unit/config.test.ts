import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

const key = Buffer.alloc(32, 1).toString("base64");
const otherKey = Buffer.alloc(32, 2).toString("base64");

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("configuration", () => {
  it("defaults to the embedded database, port 8787 and local mode", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8787, dataDir: "./data", localMode: true, env: "development" });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.publicUrl).toBe("http://localhost:8787");
    expect(config.serviceArea).toEqual({ all: true });
  });

  it("names the variable and what is wrong", () => {
    expect(problemsOf({ PORT: "eighty" })).toEqual([expect.stringMatching(/^PORT: /)]);
    expect(problemsOf({ DATABASE_URL: "mysql://x" })).toEqual([
      expect.stringMatching(/^DATABASE_URL: must be a URL/),
    ]);
    expect(problemsOf({ PII_ENCRYPTION_KEYS: "k1:short" })).toEqual([
      expect.stringMatching(/^PII_ENCRYPTION_KEYS: /),
    ]);
    expect(problemsOf({ SERVICE_AREA: "946xx" })).toEqual([expect.stringMatching(/^SERVICE_AREA: /)]);
    expect(problemsOf({ SMTP_URL: "smtp://127.0.0.1:25" })).toEqual([
      "MAIL_FROM: required when SMTP_URL is set",
    ]);
    expect(problemsOf({ TWILIO_ACCOUNT_SID: "AC1" })).toEqual([
      "TWILIO_AUTH_TOKEN: required when any TWILIO_* is set",
      "TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM: one is required to send SMS",
    ]);
    expect(problemsOf({ VAPID_PUBLIC_KEY: "x" })).toEqual([expect.stringMatching(/^VAPID_PUBLIC_KEY, /)]);
  });

  it("parses a keyring whose first key encrypts", () => {
    const config = loadConfig({ PII_ENCRYPTION_KEYS: `k2:${key},k1:${otherKey}`, BLIND_INDEX_KEY: key });
    expect(config.piiKeyring?.map((k) => k.id)).toEqual(["k2", "k1"]);
    expect(problemsOf({ PII_ENCRYPTION_KEYS: `k1:${key},k1:${otherKey}` })).toHaveLength(1);
  });

  it("parses a service area of ZIPs, prefixes and states", () => {
    const area = loadConfig({ SERVICE_AREA: "94607, 946*, ca" }).serviceArea;
    expect(area).toEqual({
      all: false,
      zips: new Set(["94607"]),
      prefixes: ["946"],
      states: new Set(["CA"]),
    });
  });

  it("refuses local mode and generated keys in production", () => {
    const problems = problemsOf({ NODE_ENV: "production" });
    expect(problems).toEqual([
      expect.stringMatching(/^NODE_ENV: production refuses local mode.*SMS.*email.*push/),
      "PII_ENCRYPTION_KEYS: required in production",
      "BLIND_INDEX_KEY: required in production",
      expect.stringMatching(/^PUBLIC_URL: required in production/),
      expect.stringMatching(/^PROGRAM_HOTLINE: required in production/),
    ]);
  });

  it("reads what SMS replies say and the reply limits, with defaults", () => {
    const defaults = loadConfig({});
    expect(defaults.program).toEqual({ name: "Aviso", hotline: "(555) 010-0199", messageFrequency: {} });
    expect(defaults.inboundSms).toEqual({
      maxZipsPerSubscriber: 10,
      perNumber: { limit: 10, windowSeconds: 600 },
      globalPerMinute: 600,
      refusalsPerMinute: 10,
      emailConfirmationTtlHours: 48,
    });
    const config = loadConfig({
      PROGRAM_NAME: "Oakland Rapid Response",
      PROGRAM_HOTLINE: "(510) 555-0123",
      PROGRAM_MESSAGE_FREQUENCY: "Up to 5 msgs/wk",
      PROGRAM_MESSAGE_FREQUENCY_ES: "Hasta 5 mensajes/sem",
      PROGRAM_EXAMPLE_ZIP: "94607",
      SMS_REPLY_LIMIT_PER_NUMBER: "3",
      SMS_REPLY_LIMIT_WINDOW_SECONDS: "60",
      SMS_REPLY_LIMIT_PER_MINUTE: "100",
      SMS_REFUSAL_LIMIT_PER_MINUTE: "0",
    });
    expect(config.program).toEqual({
      name: "Oakland Rapid Response",
      hotline: "(510) 555-0123",
      messageFrequency: { en: "Up to 5 msgs/wk", es: "Hasta 5 mensajes/sem" },
      exampleZip: "94607",
    });
    expect(config.inboundSms.perNumber).toEqual({ limit: 3, windowSeconds: 60 });
    expect(config.inboundSms.globalPerMinute).toBe(100);
    expect(config.inboundSms.refusalsPerMinute).toBe(0);
    expect(problemsOf({ PROGRAM_EXAMPLE_ZIP: "946" })).toEqual([
      expect.stringMatching(/^PROGRAM_EXAMPLE_ZIP: /),
    ]);
    expect(problemsOf({ SMS_REPLY_LIMIT_PER_NUMBER: "0" })).toEqual([
      expect.stringMatching(/^SMS_REPLY_LIMIT_PER_NUMBER: /),
    ]);
  });
});
