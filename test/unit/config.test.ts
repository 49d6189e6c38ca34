import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import webpush from "web-push";
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

  it("dials the hotline from the voice line only when PROGRAM_HOTLINE is a US number", () => {
    expect(
      loadConfig({ PROGRAM_HOTLINE: "(510) 555-0123", PROGRAM_HOTLINE_DIAL: "true" }).program.hotlineDial,
    ).toBe(true);
    expect(() => loadConfig({ PROGRAM_HOTLINE_DIAL: "true" })).toThrow(/PROGRAM_HOTLINE_DIAL/);
    expect(() => loadConfig({ PROGRAM_HOTLINE: "call 311", PROGRAM_HOTLINE_DIAL: "yes" })).toThrow(
      /PROGRAM_HOTLINE_DIAL/,
    );
    expect(() => loadConfig({ PROGRAM_HOTLINE_DIAL: "maybe" })).toThrow(/PROGRAM_HOTLINE_DIAL/);
  });

  it("reads responders' escalation minutes and invitation limit, with defaults, and refuses nonsense", () => {
    expect(loadConfig({}).responders).toEqual({ escalationMinutes: 5, invitationsPerHour: 20 });
    expect(
      loadConfig({ RESPONDER_ESCALATION_MINUTES: "10", RESPONDER_INVITATIONS_PER_HOUR: "3" }).responders,
    ).toEqual({ escalationMinutes: 10, invitationsPerHour: 3 });
    for (const bad of ["0", "-5", "2.5", "soon", "121"]) {
      expect(() => loadConfig({ RESPONDER_ESCALATION_MINUTES: bad })).toThrow(/RESPONDER_ESCALATION_MINUTES/);
    }
    for (const bad of ["0", "many", "1001"]) {
      expect(() => loadConfig({ RESPONDER_INVITATIONS_PER_HOUR: bad })).toThrow(
        /RESPONDER_INVITATIONS_PER_HOUR/,
      );
    }
  });

  it("reads what SMS replies say and the reply limits, with defaults", () => {
    const defaults = loadConfig({});
    expect(defaults.program).toEqual({
      name: "Aviso",
      hotline: "(555) 010-0199",
      hotlineDial: false,
      messageFrequency: {},
    });
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
      hotlineDial: false,
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

describe("production refuses weak settings", () => {
  const strong = () => randomBytes(32).toString("base64");
  const vapid = webpush.generateVAPIDKeys();
  /** A production configuration that starts; each case below weakens one thing. */
  const good = (): Record<string, string> => ({
    NODE_ENV: "production",
    PUBLIC_URL: "https://alerts.example.org",
    PROGRAM_HOTLINE: "(510) 555-0123",
    PII_ENCRYPTION_KEYS: `k2:${strong()}`,
    BLIND_INDEX_KEY: strong(),
    TWILIO_ACCOUNT_SID: "AC0123",
    TWILIO_AUTH_TOKEN: "token",
    TWILIO_FROM: "+15105550100",
    TWILIO_API_URL: "https://api.twilio.com",
    SMTP_URL: "smtps://mailer:s3cret-pass@smtp.example.org:465",
    MAIL_FROM: "Alerts <alerts@example.org>",
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    VAPID_SUBJECT: "mailto:ops@example.org",
    KNOW_YOUR_RIGHTS_LINKS: "Rights|https://rights.example.org",
  });
  const b64 = (bytes: number[] | Uint8Array) => Buffer.from(bytes).toString("base64");
  const pattern = (unit: number[]) => b64(Array.from({ length: 32 }, (_, i) => unit[i % unit.length]!));
  const weakKeys: [string, string][] = [
    ["all one byte", b64(Buffer.alloc(32, 7))],
    ["all zero", b64(Buffer.alloc(32))],
    ["a 2-byte pattern", pattern([0xa5, 0x5a])],
    ["a 16-byte pattern", b64(Buffer.concat([randomBytes(16)].flatMap((half) => [half, half])))],
    ["a counting sequence", pattern(Array.from({ length: 32 }, (_, i) => i))],
    ["ten distinct bytes", b64(randomBytes(32).map((byte) => byte % 10))],
    ["a passphrase", Buffer.from("correct horse battery staple 123").toString("base64")],
    ["hand-typed base64", "replacemereplacemereplacemereplacemereplace="],
    ["a placeholder", "CHANGEMECHANGEMECHANGEMECHANGEMECHANGEMEabc="],
  ];

  it("starts with strong keys, https everywhere and SMTP over TLS", () => {
    expect(problemsOf(good())).toEqual([]);
    expect(problemsOf({ ...good(), SMTP_URL: "smtp://u:p@smtp.example.org:587?requireTLS=true" })).toEqual(
      [],
    );
    // A relay on this machine (Postfix, stunnel) does TLS onward; nothing leaves the machine.
    expect(
      problemsOf({
        ...good(),
        SMTP_URL: "smtp://127.0.0.1:25",
        TWILIO_API_URL: "http://localhost:8025/twilio",
      }),
    ).toEqual([]);
    // Outside production, test fixtures' simple keys and plain URLs stay usable.
    expect(
      problemsOf({ BLIND_INDEX_KEY: b64(Buffer.alloc(32, 7)), PUBLIC_URL: "http://localhost:8787" }),
    ).toEqual([]);
  });

  it.each(weakKeys)("refuses a PII key that is %s, naming the variable but not the key", (_, weak) => {
    const problems = problemsOf({ ...good(), PII_ENCRYPTION_KEYS: `k2:${weak},k1:${strong()}` });
    expect(problems).toEqual([
      expect.stringMatching(/^PII_ENCRYPTION_KEYS: the first key \("k2"\) .*openssl rand/),
    ]);
    expect(problems.join("\n")).not.toContain(weak.replace(/=+$/, ""));
  });

  it.each(weakKeys)("refuses a blind-index key that is %s", (_, weak) => {
    const problems = problemsOf({ ...good(), BLIND_INDEX_KEY: weak });
    expect(problems).toEqual([expect.stringMatching(/^BLIND_INDEX_KEY: /)]);
    expect(problems.join("\n")).not.toContain(weak.replace(/=+$/, ""));
  });

  it("refuses a Postgres on another machine without TLS and a checked certificate", () => {
    const remote = "postgres://aviso:s3cret-pass@db.example.org:5432/aviso";
    const refused = [
      remote,
      `${remote}?sslmode=disable`,
      `${remote}?sslmode=prefer`,
      `${remote}?sslmode=no-verify`,
      `${remote}?sslmode=require`,
      `${remote}?ssl=false`,
      `${remote}?sslmode=verify-full&uselibpqcompat=true`,
      `${remote}?sslmode=verify-full&sslmode=disable`,
      "postgres://aviso@10.0.0.5/aviso",
    ];
    for (const url of refused) {
      const problems = problemsOf({ ...good(), DATABASE_URL: url });
      expect(problems, url).toEqual([expect.stringMatching(/^DATABASE_URL: .*sslmode=verify-full/)]);
      expect(problems.join(), url).not.toContain("s3cret");
    }
    const accepted = [
      `${remote}?sslmode=verify-full`,
      `${remote}?sslmode=verify-ca&sslrootcert=/etc/aviso/db-ca.pem`,
      `${remote}?sslmode=require&sslrootcert=/etc/aviso/db-ca.pem`,
      `${remote}?ssl=true`,
      // Never leaves the machine: loopback and the Unix socket.
      "postgres://aviso@127.0.0.1:5432/aviso",
      "postgres://aviso@localhost/aviso",
      "postgres://aviso@[::1]/aviso",
      "postgres:///aviso?host=/var/run/postgresql",
      "postgres://%2Fvar%2Frun%2Fpostgresql/aviso",
    ];
    for (const url of accepted) expect(problemsOf({ ...good(), DATABASE_URL: url }), url).toEqual([]);
    // The Worker reaches the database through Hyperdrive, which does the TLS onward.
    expect(() =>
      loadConfig({ ...good(), DATABASE_URL: remote }, { databaseThroughHyperdrive: true }),
    ).not.toThrow();
    // Outside production a plain remote URL is a developer's choice.
    expect(problemsOf({ DATABASE_URL: remote })).toEqual([]);
  });

  it("lets a weak key stay behind the first while it is rotated away from", () => {
    const old = b64(Buffer.alloc(32, 7));
    expect(problemsOf({ ...good(), PII_ENCRYPTION_KEYS: `k2:${strong()},k1:${old}` })).toEqual([]);
    expect(problemsOf({ ...good(), BLIND_INDEX_KEY_PREVIOUS: old })).toEqual([]);
  });

  it("refuses a blind-index key that is also a PII key, and a weak VAPID key", () => {
    const shared = strong();
    expect(problemsOf({ ...good(), PII_ENCRYPTION_KEYS: `k1:${shared}`, BLIND_INDEX_KEY: shared })).toEqual([
      "BLIND_INDEX_KEY: must differ from every key in PII_ENCRYPTION_KEYS",
    ]);
    const weakVapid = Buffer.alloc(32, 1).toString("base64url");
    const problems = problemsOf({ ...good(), VAPID_PRIVATE_KEY: weakVapid });
    expect(problems).toEqual([expect.stringMatching(/^VAPID_PRIVATE_KEY: /)]);
    expect(problems.join()).not.toContain(weakVapid);
  });

  it("refuses every key published in .env.example and the docs", () => {
    const root = new URL("../../", import.meta.url);
    const files = [
      ".env.example",
      "README.md",
      ...readdirSync(new URL("docs/", root)).map((f) => `docs/${f}`),
    ];
    const published = files.flatMap((file) =>
      [...readFileSync(new URL(file, root), "utf8").matchAll(/[A-Za-z0-9+/]{43}=/g)].map((m) => m[0]),
    );
    expect(published.length).toBeGreaterThan(0);
    for (const example of published) {
      expect(problemsOf({ ...good(), BLIND_INDEX_KEY: example })).toEqual([
        expect.stringMatching(/^BLIND_INDEX_KEY: /),
      ]);
      expect(problemsOf({ ...good(), PII_ENCRYPTION_KEYS: `k1:${example}` })).toEqual([
        expect.stringMatching(/^PII_ENCRYPTION_KEYS: /),
      ]);
    }
  });

  it.each([
    ["PUBLIC_URL", "http://alerts.example.org"],
    ["TWILIO_API_URL", "http://twilio-compatible.example.org"],
    ["TWILIO_API_URL", "http://localhost.example.org"],
    ["KNOW_YOUR_RIGHTS_LINKS", "Rights|https://a.example.org;Help|http://b.example.org"],
    ["KNOW_YOUR_RIGHTS_LINKS_ES", "Derechos|http://b.example.org"],
  ])("refuses %s over plain http", (name, value) => {
    expect(problemsOf({ ...good(), [name]: value })).toEqual([
      expect.stringMatching(new RegExp(`^${name}: .*https`)),
    ]);
  });

  it.each([
    ["plain smtp://", "smtp://mailer:s3cret-pass@smtp.example.org:587"],
    ["STARTTLS only if offered", "smtp://mailer:s3cret-pass@smtp.example.org:587?requireTLS=false"],
    ["requireTLS twice", "smtp://mailer:s3cret-pass@smtp.example.org:587?requireTLS=true&requireTLS=false"],
    ["ignoreTLS", "smtp://mailer:s3cret-pass@smtp.example.org:25?ignoreTLS=true"],
    [
      "unchecked certificates",
      "smtps://mailer:s3cret-pass@smtp.example.org:465?tls.rejectUnauthorized=false",
    ],
    ["a loopback lookalike", "smtp://u:s3cret-pass@127.0.0.1@smtp.example.org:25"],
    ["a loopback lookalike, backslash", "smtp://u:s3cret-pass@smtp.example.org\\@127.0.0.1:25"],
    ["loopback as a subdomain", "smtp://u:s3cret-pass@127.0.0.1.example.org:25"],
    [
      "certificates off with 0",
      "smtp://mailer:s3cret-pass@smtp.example.org:587?requireTLS=true&tls.rejectUnauthorized=0",
    ],
  ])("refuses SMTP without TLS: %s, without printing the password", (_, url) => {
    const problems = problemsOf({ ...good(), SMTP_URL: url });
    expect(problems).toEqual([expect.stringMatching(/^SMTP_URL: /)]);
    expect(problems.join()).not.toContain("s3cret");
  });
});
