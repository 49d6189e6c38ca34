/**
 * The Cloudflare Worker, for real: `wrangler dev` (workerd on this machine; nothing goes to
 * Cloudflare, metrics off) runs src/entry/worker.ts against this file's Postgres database through
 * the Hyperdrive binding's local connection string. A resident subscribes by a signed SMS webhook,
 * an operator drafts an alert with an API key and a verifier signs in (argon2id in the Worker,
 * checking a hash made by Node) and approves it, all through the Worker; then `aviso worker`, a
 * separate Node process on the same database, sends it through the loopback Twilio peer.
 *
 * Postgres only: Hyperdrive speaks to Postgres, and the embedded PGlite is one process's file.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { TotpEnrolment } from "../../src/schemas/accounts.ts";
import { Alert, ApprovalAnswer, Preview } from "../../src/schemas/alerts.ts";
import { totpCode } from "../../src/security/totp.ts";
import { createApiKey } from "../../src/services/api-keys/manage-api-keys.ts";
import { createUser } from "../../src/services/users/create-user.ts";
import { twimlMessages } from "../../src/sms/twiml.ts";
import { type DeliveryRig, startDeliveryRig } from "../support/delivery.ts";
import { freePort } from "../support/free-port.ts";
import { type RunningCommand, startAviso } from "../support/process.ts";
import { signedSmsRequest, smsParams } from "../support/sms-webhook.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
const onPostgres = inject("testDatabase").kind === "postgres";
if (!onPostgres) {
  console.log(
    "worker.test.ts skipped: wrangler dev reaches the database through Hyperdrive, which needs Postgres (set DATABASE_URL)",
  );
}

const PASSWORD = "correct horse battery staple";
const RESIDENT = "+15105550123";
// wrangler dev starts esbuild and workerd; on a loaded 2-core machine that alone can take a minute.
const START_TIMEOUT_MS = 120_000;

let rig: DeliveryRig;
let nodeWorker: RunningCommand | undefined;
let wrangler: { child: ChildProcess; url: string; output(): string } | undefined;
let scratch: string;

describe.skipIf(!onPostgres)(
  "the Worker (wrangler dev) with Node delivery workers",
  { timeout: 240_000 },
  () => {
    beforeAll(async () => {
      scratch = mkdtempSync(join(tmpdir(), "aviso-wrangler-"));
      rig = await startDeliveryRig();
      // The Worker's configuration is the Node side's (same keys, same Twilio account and URL), as
      // production would set it with `wrangler secret put`, and production it is: no local mode.
      const vars: Record<string, string> = {
        ...rig.env,
        NODE_ENV: "production",
        PUBLIC_URL: rig.runtime.config.publicUrl,
        PROGRAM_HOTLINE: "(510) 555-0199",
        LOG_LEVEL: "info",
        // Low enough for the last test to reach; one login and the webhooks (not limited) stay under it.
        PUBLIC_POSTS_PER_IP_PER_MINUTE: "20",
      };
      // A Node delivery worker, as a deployment runs it: `aviso worker` on the same database,
      // starting while wrangler does.
      nodeWorker = startAviso(["worker"], {
        ...rig.env,
        NODE_ENV: "test",
        PUBLIC_URL: rig.runtime.config.publicUrl,
        DATABASE_URL: rig.runtime.database.url,
        LOG_LEVEL: "info",
      });
      const [started, worker] = await Promise.allSettled([
        startWrangler(vars, hyperdriveUrl(rig.runtime.database.url!), scratch),
        nodeWorker.waitForOutput(/worker started/, START_TIMEOUT_MS),
      ]);
      if (started.status === "fulfilled") wrangler = started.value; // so that afterAll stops it
      if (started.status === "rejected") throw started.reason;
      if (worker.status === "rejected") throw worker.reason;
    }, START_TIMEOUT_MS + 90_000);

    afterAll(async () => {
      if (wrangler) await stopProcess(wrangler.child);
      if (nodeWorker && nodeWorker.child.exitCode === null) {
        nodeWorker.child.kill("SIGTERM");
        const timer = setTimeout(() => nodeWorker?.child.kill("SIGKILL"), 20_000);
        await nodeWorker.exited;
        clearTimeout(timer);
      }
      await rig?.close();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    }, 60_000);

    it("serves the app and its files from web/ through the Worker, with Postgres behind Hyperdrive", async () => {
      const health = await fetch(`${wrangler!.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, database: "postgres", mode: "live" });

      const home = await fetch(`${wrangler!.url}/`);
      expect(home.status).toBe(200);
      const styles = /\/static\/styles\.[0-9a-f]{10}\.css/.exec(await home.text())?.[0];
      expect(styles, "the home page links its versioned stylesheet").toBeDefined();
      const css = await fetch(`${wrangler!.url}${styles}`);
      expect(css.status).toBe(200);
      expect(css.headers.get("cache-control")).toContain("immutable");

      const sw = await fetch(`${wrangler!.url}/sw.js`);
      expect(sw.status).toBe(200);
      expect(sw.headers.get("service-worker-allowed"), "served by the app, as on Node").toBe("/");
      expect(await sw.text()).toContain("push");
    });

    it("subscribes by SMS, publishes with two people, and a Node worker delivers the alert", async () => {
      const ctx = rig.runtime;
      const db = ctx.db;

      // 1. A resident texts a ZIP: Twilio's signed webhook, to the Worker.
      const res = await fetch(signedSmsRequest(ctx, smsParams(RESIDENT, "94607"), { origin: wrangler!.url }));
      expect(res.status, wrangler!.output().slice(-2000)).toBe(200);
      const replies = twimlMessages(await res.text());
      expect(replies.join(" ")).toMatch(/94607/);
      const subscribers = await db
        .selectFrom("subscribers")
        .innerJoin("subscriptions", "subscriptions.subscriber_id", "subscribers.id")
        .select(["subscribers.status", "subscriptions.zip"])
        .where("subscribers.channel", "=", "sms")
        .execute();
      expect(subscribers).toEqual([{ status: "active", zip: "94607" }]);

      // 2. An operator drafts with an API key; a verifier signs in with a password and approves.
      const admin = await createUser({
        ctx,
        input: {
          email: "admin@hotline.test",
          name: "Admin",
          role: "admin",
          organisation: "Rapid Response Hotline",
          password: PASSWORD,
          actor: "system",
        },
      });
      const { key } = await createApiKey({
        ctx,
        input: {
          name: "intake system",
          role: "operator",
          organisation: "Rapid Response Hotline",
          createdBy: admin.id,
          actor: `user:${admin.id}`,
        },
      });
      await createUser({
        ctx,
        input: {
          email: "verifier@hotline.test",
          name: "Verifier",
          role: "verifier",
          organisation: "Rapid Response Hotline",
          password: PASSWORD,
          actor: "system",
        },
      });
      const operator = client({ authorization: `Bearer ${key}` });
      const draft = Alert.parse(
        await operator.expect(201, "POST", "alerts", {
          texts: {
            en: {
              headline: "Checkpoint on Broadway",
              body: "Responders confirmed a checkpoint at Broadway & 14th.",
              smsText: "Checkpoint confirmed at Broadway & 14th.",
            },
          },
          target: { zips: ["94607"] },
          priority: "advisory",
        }),
      );

      const login = await fetch(`${wrangler!.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "verifier@hotline.test", password: PASSWORD }),
      });
      expect(login.status, await login.clone().text()).toBe(200);
      const cookie = /(__Host-aviso_session=[^;]*)/.exec(login.headers.get("set-cookie") ?? "")?.[1];
      expect(cookie).toBeDefined();
      const verifier = client({ cookie: cookie! });
      // Production asks a verifier for a second factor: enrolled here through the Worker, which
      // also shows TOTP running on workerd; confirming it opens the session.
      const { secret } = TotpEnrolment.parse(await verifier.expect(200, "POST", "me/second-factor/totp"));
      await verifier.expect(200, "POST", "me/second-factor/totp/confirm", {
        code: totpCode(secret, new Date()),
      });
      const preview = Preview.parse(await verifier.expect(200, "GET", `alerts/${draft.id}/preview`));
      expect(preview.recipients.byChannel).toMatchObject({ sms: 1 });
      const approved = ApprovalAnswer.parse(
        await verifier.expect(200, "POST", `alerts/${draft.id}/approve`, { hash: preview.hash }),
      );
      expect(approved.alert.status).toBe("published");

      // What the Worker wrote: the alert, its ledger row, and a pg-boss job for the SMS worker.
      const ledger = await db
        .selectFrom("deliveries")
        .select(["channel", "status"])
        .where("alert_id", "=", draft.id)
        .execute();
      expect(ledger.map((row) => row.channel)).toEqual(["sms"]);

      // 3. The Node worker (its own process) picks the job up and sends through the Twilio peer.
      const [sent] = await rig.sms.waitFor(1, 60_000);
      await nodeWorker!.waitForOutput(/"queue":"deliver-sms".*"delivery batch done"/, 30_000);
      expect(sent!.to).toBe(RESIDENT);
      expect(sent!.body).toContain("Checkpoint confirmed at Broadway & 14th.");
      await expect
        .poll(
          async () =>
            (
              await db.selectFrom("deliveries").select("status").where("alert_id", "=", draft.id).execute()
            ).map((row) => row.status),
          { timeout: 30_000, interval: 200 },
        )
        .toEqual(["sent"]);

      // The Worker's logs (pino's browser build, on wrangler's output) hold no address either.
      expect(wrangler!.output()).toMatch(/"msg":"request"/);
      expect(wrangler!.output()).not.toMatch(/555.?0123|verifier@hotline/);
    });

    it("the cron trigger enqueues housekeeping for the Node workers", async () => {
      const before = await housekeepingJobs();
      const res = await fetch(
        `${wrangler!.url}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("*/5 * * * *")}`,
      );
      expect(res.status, wrangler!.output().slice(-2000)).toBe(200);
      await expect
        .poll(housekeepingJobs, { timeout: 30_000, interval: 200 })
        .toBeGreaterThanOrEqual(before + 2);
    });

    it("keeps the per-address limit on public POSTs across requests (one app per isolate)", async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) {
        const res = await fetch(`${wrangler!.url}/subscribe`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "zips=&email=",
        });
        await res.body?.cancel();
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 5)).not.toContain(429);
      expect(statuses.at(-1)).toBe(429);
    });
  },
);

async function housekeepingJobs(): Promise<number> {
  const pool = rig.runtime.handle.kind === "postgres" ? rig.runtime.handle.pool : undefined;
  const { rows } = await pool!.query<{ n: string }>(
    "SELECT count(*) AS n FROM pgboss.job WHERE name = 'housekeeping' AND data->>'task' IN ('purge-operators', 'erase-stopped-subscribers')",
  );
  return Number(rows[0]!.n);
}

function client(headers: Record<string, string>) {
  return {
    async expect(status: number, method: string, path: string, body?: unknown): Promise<unknown> {
      const res = await fetch(`${wrangler!.url}/api/v1/${path}`, {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      expect(res.status, `${method} ${path}: ${text}`).toBe(status);
      return z.unknown().parse(JSON.parse(text));
    },
  };
}

/** Hyperdrive's local connection string must carry a password; trust authentication ignores it. */
function hyperdriveUrl(url: string): string {
  const parsed = new URL(url);
  if (!parsed.password) parsed.password = "unused";
  return parsed.toString();
}

async function startWrangler(vars: Record<string, string>, databaseUrl: string, dir: string) {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const args = [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    join(dir, "state"),
    "--show-interactive-dev-session=false",
    "--live-reload=false",
    ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
  ];
  const child = spawn(WRANGLER, args, {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, "config"),
      CI: "true",
      NO_COLOR: "1",
      // Nothing leaves the machine: no usage metrics, no update check, no request.cf download.
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_HIDE_BANNER: "true",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_LOG_PATH: join(dir, "logs"),
      CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: databaseUrl,
    },
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!/Ready on http/.test(output)) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`wrangler dev did not start within ${START_TIMEOUT_MS} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { child, url, output: () => output };
}

/** wrangler runs workerd as its child: the whole process group goes. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {}
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {}
  }, 10_000);
  await exited;
  clearTimeout(timer);
}
