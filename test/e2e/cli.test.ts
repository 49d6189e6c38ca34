/**
 * The two commands a newcomer runs, as processes: `aviso serve` comes up and answers /healthz on a
 * fresh embedded data folder (or an empty Postgres database), and shuts down cleanly; bad
 * configuration stops it with exit code 1 and names the variable.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { databaseUrlFor, maintenanceUrl } from "../support/postgres-urls.ts";
import { runAviso, startAviso } from "../support/process.ts";

const provided = inject("testDatabase");
let emptyDatabaseUrl: string | undefined;

beforeAll(async () => {
  if (provided.kind !== "postgres") return;
  const admin = new pg.Client({ connectionString: maintenanceUrl(process.env.DATABASE_URL!) });
  await admin.connect();
  const name = `aviso_e2e_${provided.runId}_${randomBytes(3).toString("hex")}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  emptyDatabaseUrl = databaseUrlFor(process.env.DATABASE_URL!, name);
});

function freshEnv(extra: Record<string, string | undefined> = {}) {
  return {
    DATA_DIR: mkdtempSync(join(tmpdir(), "aviso-e2e-")),
    PORT: "0",
    DATABASE_URL: emptyDatabaseUrl,
    LOG_LEVEL: "info",
    ...extra,
  };
}

// Each test starts real processes on a fresh database; on a loaded 2-core machine a PGlite start alone
// can take tens of seconds, so the tests get room (the start-up promise is asserted on its own).
// A first start on a quiet machine takes about 14 s on PGlite: Node and the modules about 3 s,
// PGlite compiling its WebAssembly and running initdb about 6 s, the migrations 1 s, the ZIP
// reference data 2 s, pg-boss's schema 1 s. The suite runs two files at once, which has added up
// to 6 s here, so the promise is 30 s: a newcomer's first `npm start` on a busy small machine.
const FIRST_START_MS = 30_000;
describe("aviso serve", { timeout: 120_000 }, () => {
  it("answers /healthz within 30 s on a fresh database and stops cleanly on SIGTERM", async () => {
    const started = Date.now();
    const server = startAviso(["serve"], freshEnv());
    try {
      const [, url] = await server.waitForOutput(/Aviso is running at (http:\/\/\S+)/, FIRST_START_MS);
      const res = await fetch(`${url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, database: provided.kind });
      expect(Date.now() - started).toBeLessThan(FIRST_START_MS);
      expect(server.output()).toMatch(/LOCAL MODE/);
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    } finally {
      server.child.kill("SIGKILL");
    }
  });

  it("stops with exit code 1 and names the variable when configuration is bad", async () => {
    const { code, output } = await runAviso(["serve"], freshEnv({ PORT: "lots" }));
    expect(code).toBe(1);
    expect(output).toMatch(/PORT: /);
  });

  it("refuses to run in local mode in production", async () => {
    const { code, output } = await runAviso(["serve"], freshEnv({ NODE_ENV: "production" }));
    expect(code).toBe(1);
    expect(output).toMatch(/production refuses local mode/);
  });

  it("refuses weak settings in production, naming each variable and printing no secret", async () => {
    const weakKey = Buffer.alloc(32, 7).toString("base64");
    const { code, output } = await runAviso(
      ["serve"],
      freshEnv({
        NODE_ENV: "production",
        PUBLIC_URL: "http://alerts.example.org",
        PROGRAM_HOTLINE: "(510) 555-0123",
        PII_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
        BLIND_INDEX_KEY: weakKey,
        TWILIO_ACCOUNT_SID: "AC0123",
        TWILIO_AUTH_TOKEN: "token",
        TWILIO_FROM: "+15105550100",
        SMTP_URL: "smtp://mailer:s3cret-pass@smtp.example.org:587",
        MAIL_FROM: "alerts@example.org",
        VAPID_PUBLIC_KEY: "BPublicKey",
        VAPID_PRIVATE_KEY: randomBytes(32).toString("base64url"),
        VAPID_SUBJECT: "mailto:ops@example.org",
      }),
    );
    expect(code).toBe(1);
    expect(output).toMatch(/BLIND_INDEX_KEY: is one byte repeated/);
    expect(output).toMatch(/PUBLIC_URL: must be an https:\/\/ URL in production/);
    expect(output).toMatch(/SMTP_URL: smtp:\/\/ may send mail/);
    expect(output).not.toContain(weakKey.slice(0, 20));
    expect(output).not.toContain("s3cret");
  });

  it("says clearly when the database cannot be reached", async () => {
    const { code, output } = await runAviso(
      ["serve"],
      freshEnv({ DATABASE_URL: "postgres://aviso@127.0.0.1:1/aviso" }),
    );
    expect(code).toBe(1);
    expect(output).toMatch(/Cannot open the Postgres database/);
  });
});

describe("aviso migrate and worker", { timeout: 120_000 }, () => {
  it("migrates and exits, and again with nothing to do", async () => {
    const env = freshEnv();
    expect((await runAviso(["migrate"], env)).code).toBe(0);
    const again = await runAviso(["migrate"], env);
    expect(again.code).toBe(0);
    expect(again.output).toMatch(/already up to date/);
  });

  it.runIf(provided.kind === "pglite")("refuses `aviso worker` without DATABASE_URL", async () => {
    const { code, output } = await runAviso(["worker"], freshEnv());
    expect(code).toBe(1);
    expect(output).toMatch(/needs DATABASE_URL/);
  });

  it("refuses `aviso worker` in production without PUBLIC_URL, whose links it writes", async () => {
    const { code, output } = await runAviso(
      ["worker"],
      freshEnv({ NODE_ENV: "production", DATABASE_URL: "postgres://aviso@127.0.0.1:1/aviso" }),
    );
    expect(code).toBe(1);
    expect(output).toMatch(/PUBLIC_URL: required in production/);
  });

  it.runIf(provided.kind === "postgres")(
    "runs several workers at once, each job handled once",
    async () => {
      const env = freshEnv();
      expect((await runAviso(["migrate"], env)).code).toBe(0);
      const workers = [startAviso(["worker"], env), startAviso(["worker"], env)];
      const boss = new PgBoss({
        connectionString: env.DATABASE_URL,
        schema: "pgboss",
        supervise: false,
        schedule: false,
      });
      try {
        await Promise.all(workers.map((w) => w.waitForOutput(/worker started/, 20_000)));
        await boss.start();
        const ids: string[] = [];
        for (let i = 0; i < 10; i++) ids.push((await boss.send("housekeeping", { task: "purge-outbox" }))!);
        // Only our ids count: the hourly housekeeping schedule may add jobs of its own.
        const handled = () =>
          workers
            .flatMap((w) => [...w.output().matchAll(/"job":"([^"]+)"/g)].map((m) => m[1]!))
            .filter((id) => ids.includes(id));
        await expect.poll(() => handled().length, { timeout: 60_000 }).toBeGreaterThanOrEqual(ids.length);
        expect(handled().sort()).toEqual([...ids].sort());
      } finally {
        await boss.stop({ graceful: false });
        for (const w of workers) w.child.kill("SIGTERM");
        await Promise.all(workers.map((w) => w.exited));
      }
    },
    90_000,
  );
});

afterAll(() => {});
