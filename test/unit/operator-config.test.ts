import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import webpush from "web-push";
import { ConfigError, loadConfig } from "../../src/config.ts";

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe("operator configuration", () => {
  it("has safe defaults: 15-minute idle sessions, 72-hour callback numbers, nobody on the drill list", () => {
    expect(loadConfig({}).operators).toEqual({
      sessionIdleMinutes: 15,
      sessionAbsoluteHours: 12,
      reporterCallbackRetentionHours: 72,
      sightingDuplicateWindowMinutes: 60,
      liveStreamsPerUser: 4,
      liveStreamSeconds: 300,
      approverRepageMinutes: 5,
      drillAllowlist: { phones: [], emails: [], subscriberIds: [] },
      verifierMayCancelAlone: true,
      unconfirmedAlerts: false,
      timeZone: "America/Los_Angeles",
      clientIpHeader: undefined,
      totpRequiredRoles: [],
    });
  });

  it("reads UNCONFIRMED_ALERTS as on or off, and refuses anything else by name", () => {
    expect(loadConfig({ UNCONFIRMED_ALERTS: "true" }).operators.unconfirmedAlerts).toBe(true);
    expect(loadConfig({ UNCONFIRMED_ALERTS: "false" }).operators.unconfirmedAlerts).toBe(false);
    expect(() => loadConfig({ UNCONFIRMED_ALERTS: "maybe" })).toThrow(/UNCONFIRMED_ALERTS/);
  });

  it("requires a second factor of verifiers, comms and admins in production, unless TOTP_REQUIRED_ROLES says otherwise", () => {
    const vapid = webpush.generateVAPIDKeys();
    const production = {
      NODE_ENV: "production",
      TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000000",
      TWILIO_AUTH_TOKEN: "token",
      TWILIO_FROM: "+15105550100",
      SMTP_URL: "smtps://mail.example.org",
      MAIL_FROM: "alerts@example.org",
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      VAPID_SUBJECT: "mailto:ops@example.org",
      PII_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
      BLIND_INDEX_KEY: randomBytes(32).toString("base64"),
      PUBLIC_URL: "https://aviso.example.org",
      PROGRAM_HOTLINE: "(510) 555-0100",
    };
    expect(loadConfig(production).operators.totpRequiredRoles).toEqual(["verifier", "comms", "admin"]);
    expect(loadConfig({ ...production, TOTP_REQUIRED_ROLES: "none" }).operators.totpRequiredRoles).toEqual(
      [],
    );
    expect(loadConfig({ TOTP_REQUIRED_ROLES: "Operator, admin" }).operators.totpRequiredRoles).toEqual([
      "operator",
      "admin",
    ]);
    expect(loadConfig({ TOTP_REQUIRED_ROLES: "none" }).operators.totpRequiredRoles).toEqual([]);
    expect(problems({ TOTP_REQUIRED_ROLES: "verifier,boss" })).toEqual([
      expect.stringMatching(/^TOTP_REQUIRED_ROLES: /),
    ]);
  });

  it("reads the drill allowlist: phones, lower-cased emails and subscriber ids", () => {
    const id = "0b8e4a4e-0c43-4c39-9a6e-3f1f0e4e2a11";
    const config = loadConfig({ DRILL_ALLOWLIST: ` +15105550100, Ops@City.Example ,${id.toUpperCase()}` });
    expect(config.operators.drillAllowlist).toEqual({
      phones: ["+15105550100"],
      emails: ["ops@city.example"],
      subscriberIds: [id],
    });
  });

  it.each([
    ["DRILL_ALLOWLIST", "5105550100"],
    ["SESSION_IDLE_MINUTES", "0"],
    ["REPORTER_CALLBACK_RETENTION_HOURS", "forever"],
    ["VERIFIER_MAY_CANCEL_ALONE", "maybe"],
    ["ALERT_TIME_ZONE", "Mars/Olympus_Mons"],
    ["CLIENT_IP_HEADER", "X Forwarded For"],
  ])("names %s when it is wrong", (name, value) => {
    expect(problems({ [name]: value })).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
  });
});
