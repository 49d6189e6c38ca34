/**
 * Load during fan-out: while one alert fans out to N subscribers (default 50,000: half SMS, three
 * tenths email, a fifth push, through the loopback Twilio, SMTP and push peers, each in its own
 * process), residents text the SMS webhook and read the public pages at a fixed overall rate
 * (default 200 requests/s, half each), from autocannon. The API (`aviso serve --no-workers`) and
 * the delivery worker (`aviso worker`) are separate child processes on one scratch Postgres
 * database, as in production. The peers run at the lowest CPU priority (they stand for providers
 * elsewhere); `--worker-nice` lowers the worker's. Loopback only; bounded in requests, time, size.
 *
 *   npm run bench:load -- [--subscribers 50000] [--rate 200] [--duration 30] [--sms-rate 500]
 *                          [--webhook-share 0.5] [--worker-nice 0]
 *   DATABASE_URL=postgres://… (default postgres://postgres@127.0.0.1:5432/postgres): a scratch
 *   database is created there and dropped at the end.
 *
 * Passes when, for each kind of request, errors (non-2xx, timeouts, resets) stay under 1%, p95
 * under 500 ms, and the achieved rate within 2% of the target; and the fan-out was still running
 * when the load window closed (else the load did not run "during" it). Prints a table and, as its
 * last line, one JSON object; exit code 1 when a criterion fails.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { cpus, loadavg, setPriority, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { sql } from "kysely";
import pg from "pg";
import twilio from "twilio";
import { loadConfig } from "../src/config.ts";
import { connectPostgres } from "../src/db/connect.ts";
import type { Language } from "../src/i18n/languages.ts";
import { createLogger } from "../src/log.ts";
import { createRuntime } from "../src/runtime.ts";
import { publishAlert } from "../src/services/alerts/publish.ts";
import { freePort } from "../test/support/free-port.ts";
import { startPeerProcess } from "./peer-process.ts";
import type { PeerKind } from "./peers.ts";
import { machineTicks, processTicks, TICK_MS } from "./proc-cpu.ts";
import { fictionalNumbers, providerEnv, residentRow } from "./setting.ts";

const { values: args } = parseArgs({
  options: {
    subscribers: { type: "string", default: "50000" },
    rate: { type: "string", default: "200" },
    duration: { type: "string", default: "30" },
    "sms-rate": { type: "string", default: "500" },
    "webhook-share": { type: "string", default: "0.5" },
    "worker-nice": { type: "string", default: "0" },
    "database-url": {
      type: "string",
      default: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    },
  },
});
const N = bounded("subscribers", 1_000, 100_000);
const RATE = bounded("rate", 10, 2_000);
const DURATION = bounded("duration", 5, 120);
const SMS_RATE = bounded("sms-rate", 1, 10_000);
const WORKER_NICE = bounded("worker-nice", 0, 19);
const WEBHOOK_SHARE = Number(args["webhook-share"]);
if (!(WEBHOOK_SHARE > 0 && WEBHOOK_SHARE < 1)) throw new Error("--webhook-share must be between 0 and 1");
const WEBHOOK_RATE = Math.round(RATE * WEBHOOK_SHARE);
const PAGES_RATE = RATE - WEBHOOK_RATE;
/** Everything, seeding included, must be over by then. */
const DEADLINE_MS = 15 * 60_000;

const OAKLAND = ["94607", "94601", "94602", "94603", "94605", "94606", "94609", "94610", "94611", "94612"];
const LANGUAGES: Language[] = ["en", "en", "en", "en", "en", "es", "es", "es", "zh", "vi"];
const TEXTS = ["94607", "LIST", "HELP", "94601 94612", "ADD 94606", "ES"];
const WEBHOOK = "/webhooks/twilio/sms";
const log = (line: string) => process.stderr.write(`${line}\n`);

const children: ChildProcess[] = [];
let dropDatabase = async () => {};
const watchdog = setTimeout(() => {
  log(`bench:load: still running after ${DEADLINE_MS / 60_000} minutes; giving up`);
  void cleanUp().finally(() => process.exit(2));
}, DEADLINE_MS);

// --- providers, database, keys ---------------------------------------------------------------------
const [smsPeer, smtpPeer, pushPeer] = await Promise.all([
  startPeer("sms"),
  startPeer("smtp"),
  startPeer("push", Math.ceil(N / 5) + 10),
]);
const admin = new pg.Client({ connectionString: args["database-url"] });
await admin.connect();
const database = `aviso_load_${randomBytes(4).toString("hex")}`;
await admin.query(`CREATE DATABASE ${database}`);
dropDatabase = async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
};
const databaseUrl = new URL(args["database-url"]);
databaseUrl.pathname = `/${database}`;
const scratch = mkdtempSync(join(tmpdir(), "aviso-load-"));
const caFile = join(scratch, "push-peer-ca.pem");
writeFileSync(caFile, pushPeer.ready.ca!);
const env: Record<string, string> = {
  NODE_ENV: "development",
  HOST: "127.0.0.1",
  DATABASE_URL: databaseUrl.toString(),
  DATA_DIR: scratch,
  LOG_LEVEL: "warn",
  ...providerEnv({ sms: smsPeer.ready, smtp: smtpPeer.ready, push: pushPeer.ready }),
  SMS_RATE_PER_SECOND: String(SMS_RATE),
  // Every text takes the full path to a reply (the ceilings are tested elsewhere).
  SMS_REPLY_LIMIT_PER_NUMBER: "1000",
  SMS_REPLY_LIMIT_PER_MINUTE: "1000000",
  PUBLIC_POSTS_PER_IP_PER_MINUTE: "100000",
};

// The bench's own runtime migrates the database, seeds it and publishes (as an operator would).
const runtime = await createRuntime(
  loadConfig(env),
  createLogger({ level: "warn", destination: process.stderr }),
  {
    handle: await connectPostgres(databaseUrl.toString(), 4),
  },
);
const seedStarted = performance.now();
await seed();
await sql`ANALYZE`.execute(runtime.db);
log(`seeded ${N} subscribers in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

const port = await freePort();
const cli = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const server = spawnAviso(["serve", "--no-workers"], { PORT: String(port) });
const worker = spawnAviso(["worker"], { NODE_EXTRA_CA_CERTS: caFile });
// --worker-nice: the fan-out is paced by providers and measured in seconds, requests in
// milliseconds; on a shared machine the worker may be given a lower CPU priority than the API.
if (WORKER_NICE > 0 && worker.pid) setPriority(worker.pid, WORKER_NICE);
await waitForHealth();

// --- load ------------------------------------------------------------------------------------------
const numbers = fictionalNumbers(Math.ceil(WEBHOOK_RATE * (DURATION + 10) * 1.2) + 200);
const pagesFor = (alertId: string) => ["/", `/alerts/${alertId}`, "/subscribe", "/feeds/alerts.json"];
log(`warming up (${Math.min(5, DURATION)} s at a tenth of the rate)`);
const warmAlert = await newAlert(["94621"], "warm-up");
await publishAlert({ ctx: runtime, input: { alertId: warmAlert } });
await load(
  Math.min(5, DURATION),
  Math.max(1, Math.round(WEBHOOK_RATE / 10)),
  Math.max(1, Math.round(PAGES_RATE / 10)),
  pagesFor(warmAlert),
);

const alertId = await newAlert(
  OAKLAND,
  "Agents confirmed at 7th & Broadway 9:40. You do not have to open the door.",
);
const published = await publishAlert({ ctx: runtime, input: { alertId } });
const total = published.deliveries.sms + published.deliveries.email + published.deliveries.push;
const publishedAt = performance.now();
log(`published to ${total} deliveries (${JSON.stringify(published.deliveries)}); load starts`);
const cpuBefore = machineTicks();
const ticksBefore = await processTicksByRole();
const atStart = await done(alertId);
const result = await load(DURATION, WEBHOOK_RATE, PAGES_RATE, pagesFor(alertId));
const atEnd = await done(alertId);
const cpuAfter = machineTicks();
const ticksAfter = await processTicksByRole();
log(`load over: fan-out ${atStart} → ${atEnd} of ${total} finished during the window`);
let finishedAfterS: number | null = null;
const waitUntil = Date.now() + 180_000;
while (Date.now() < waitUntil) {
  if ((await done(alertId)) >= total) {
    finishedAfterS = round((performance.now() - publishedAt) / 1000);
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}

// --- figures ---------------------------------------------------------------------------------------
const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const postgres = (await admin.query("SHOW server_version")).rows[0].server_version as string;
const fanOut = {
  deliveries: total,
  finishedAtLoadStart: atStart,
  finishedAtLoadEnd: atEnd,
  runningThroughout: atEnd < total,
  deliveriesPerSecondDuringLoad: round((atEnd - atStart) / DURATION),
  allDoneAfterSeconds: finishedAfterS,
};
/** CPU seconds each part used during the load window (Linux /proc; 0 elsewhere). */
const cpuSeconds = Object.fromEntries(
  Object.entries(ticksAfter).map(([role, ticks]) => [
    role,
    round(((ticks - (ticksBefore[role as keyof typeof ticksBefore] ?? 0)) * TICK_MS) / 1000),
  ]),
);
const apiCpuMsPerRequest = round(
  ((ticksAfter.api - ticksBefore.api) * TICK_MS) /
    Math.max(1, result.webhook.requests + result.pages.requests),
);
const machineBusyPercent =
  cpuAfter.total > cpuBefore.total
    ? Math.round((100 * (cpuAfter.busy - cpuBefore.busy)) / (cpuAfter.total - cpuBefore.total))
    : null;
const verdicts = {
  webhook: verdict(result.webhook, WEBHOOK_RATE),
  pages: verdict(result.pages, PAGES_RATE),
  duringFanOut: fanOut.runningThroughout,
};
const passed = verdicts.webhook.ok && verdicts.pages.ok && verdicts.duringFanOut;
log(`\nmachine: ${machine}; Postgres ${postgres}; load average ${loadavg().map(round).join(" ")}`);
log(
  `${N} subscribers, ${RATE} requests/s for ${DURATION} s (webhook ${WEBHOOK_RATE}/s, pages ${PAGES_RATE}/s), SMS ${SMS_RATE}/s, worker nice ${WORKER_NICE}`,
);
log("kind      target/s  achieved/s  requests  errors   p50 ms  p95 ms  p99 ms  max ms");
for (const [kind, figures] of Object.entries(result)) {
  log(
    `${kind.padEnd(9)} ${String(figures.target).padStart(8)}  ${String(figures.achieved).padStart(10)}  ${String(figures.requests).padStart(8)}  ${String(figures.errors).padStart(6)}  ${String(figures.p50).padStart(7)} ${String(figures.p95).padStart(7)} ${String(figures.p99).padStart(7)} ${String(figures.max).padStart(7)}`,
  );
}
log(
  `fan-out: ${fanOut.finishedAtLoadEnd - fanOut.finishedAtLoadStart} of ${total} deliveries during the window (${fanOut.deliveriesPerSecondDuringLoad}/s), all done ${finishedAfterS === null ? "not within 3 minutes of" : `${finishedAfterS} s after`} publishing; machine CPU busy ${machineBusyPercent}%`,
);
log(
  `CPU seconds in the window: ${Object.entries(cpuSeconds)
    .map(([role, seconds]) => `${role} ${seconds}`)
    .join(", ")}; API ${apiCpuMsPerRequest} ms per request`,
);
log(passed ? "PASS" : `FAIL: ${JSON.stringify(verdicts)}`);
console.log(
  JSON.stringify({
    machine,
    postgres,
    subscribers: N,
    rate: RATE,
    durationSeconds: DURATION,
    smsRatePerSecond: SMS_RATE,
    workerNice: WORKER_NICE,
    loadAverage: loadavg().map((value) => round(value)),
    ...result,
    fanOut,
    cpuSeconds,
    apiCpuMsPerRequest,
    machineBusyPercent,
    passed,
  }),
);
await cleanUp();
clearTimeout(watchdog);
process.exitCode = passed ? 0 : 1;

// --- helpers ---------------------------------------------------------------------------------------

type Figures = {
  target: number;
  achieved: number;
  requests: number;
  errors: number;
  errorRate: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
};

/** Runs both kinds of request at once, each at its own fixed rate, for `seconds`. */
async function load(seconds: number, webhookRate: number, pagesRate: number, pages: string[]) {
  let next = 0;
  const bodies = () => {
    const from = numbers[next % numbers.length]!;
    const sid = `SM${randomBytes(16).toString("hex")}`;
    const params = {
      MessageSid: sid,
      AccountSid: `AC${"0".repeat(32)}`,
      From: from,
      To: "+15555550100",
      Body: TEXTS[next % TEXTS.length]!,
      NumMedia: "0",
    };
    next += 1;
    const signature = twilio.getExpectedTwilioSignature(
      env.TWILIO_AUTH_TOKEN!,
      env.PUBLIC_URL + WEBHOOK,
      params,
    );
    return { body: new URLSearchParams(params).toString(), signature };
  };
  const [webhook, pagesFigures] = await Promise.all([
    cannon(seconds, webhookRate, [
      {
        method: "POST",
        path: WEBHOOK,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        setupRequest: (request) => {
          const { body, signature } = bodies();
          return { ...request, body, headers: { ...request.headers, "x-twilio-signature": signature } };
        },
      },
    ]),
    cannon(
      seconds,
      pagesRate,
      pages.map((path) => ({ method: "GET" as const, path, headers: { "accept-language": "es, en;q=0.5" } })),
    ),
  ]);
  return { webhook, pages: pagesFigures };
}

async function cannon(seconds: number, rate: number, requests: autocannon.Request[]): Promise<Figures> {
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: Math.min(64, Math.max(4, Math.ceil(rate / 4))),
        overallRate: rate,
        duration: seconds,
        timeout: 10,
        requests,
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => times.push(responseTime));
  });
  times.sort((a, b) => a - b);
  const at = (q: number) => round(times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0);
  const requestsDone = result.requests.total;
  const errors = result.non2xx + result.errors + result.timeouts;
  return {
    target: rate,
    achieved: round(requestsDone / seconds),
    requests: requestsDone,
    errors,
    errorRate: requestsDone > 0 ? round(errors / requestsDone, 4) : 1,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: round(times.at(-1) ?? 0),
  };
}

function verdict(figures: Figures, target: number) {
  const ok = figures.errorRate < 0.01 && figures.p95 < 500 && figures.achieved >= target * 0.98;
  return { ok, errorRate: figures.errorRate, p95: figures.p95, achieved: figures.achieved };
}

async function done(id: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    SELECT count(*) AS n FROM deliveries WHERE alert_id = ${id} AND status NOT IN ('queued', 'sending')`.execute(
    runtime.db,
  );
  return Number(rows[0]!.n);
}

async function seed(): Promise<void> {
  const subscriptions = pushPeer.ready.subscriptions!;
  const CHUNK = 2000;
  let pushes = 0;
  for (let start = 0; start < N; start += CHUNK) {
    const rows = [];
    for (let i = start; i < Math.min(N, start + CHUNK); i++) {
      rows.push(
        residentRow(runtime.pii, i, LANGUAGES[i % LANGUAGES.length]!, () => subscriptions[pushes++]!),
      );
    }
    const ids = await runtime.db.insertInto("subscribers").values(rows).returning("id").execute();
    await runtime.db
      .insertInto("subscriptions")
      .values(ids.map(({ id }, k) => ({ subscriber_id: id, zip: OAKLAND[(start + k) % OAKLAND.length]! })))
      .execute();
  }
}

async function newAlert(zips: string[], sms: string): Promise<string> {
  const alert = await runtime.db
    .insertInto("alerts")
    .values({
      kind: "sighting",
      priority: "alert",
      status: "approved",
      target_zips: zips,
      sender_org: "Load bench hotline",
      author_id: "bench-author",
      approver_id: "bench-approver",
      references_alert_id: null,
      expires_at: new Date(Date.now() + 4 * 3600_000),
      updated_at: new Date(),
      published_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await runtime.db
    .insertInto("alert_texts")
    .values(
      (["en", "es", "zh", "vi"] as const).map((language) => ({
        alert_id: alert.id,
        language,
        headline: "Immigration agents at 7th and Broadway",
        body: "Responders confirmed agents at 7th St and Broadway at 9:40. You do not have to open the door.",
        sms_text: sms,
      })),
    )
    .execute();
  return alert.id;
}

// The peers stand for providers elsewhere: their CPU is not ours to spend.
function startPeer(kind: PeerKind, count = 0) {
  return startPeerProcess(kind, count, { onStart: (child) => children.push(child), nice: 19 });
}

function spawnAviso(argv: string[], extra: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [cli, ...argv], {
    env: { PATH: process.env.PATH ?? "", ...env, ...extra },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  return child;
}

async function waitForHealth(): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null || worker.exitCode !== null) throw new Error("an aviso process exited");
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error("the server did not answer /healthz within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** CPU ticks so far of the API, the worker, Postgres (this database's backends), the peers and us. */
async function processTicksByRole() {
  const { rows } = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [
    database,
  ]);
  const self = process.cpuUsage();
  return {
    api: processTicks(server.pid),
    worker: processTicks(worker.pid),
    postgres: rows.reduce((sum, row) => sum + processTicks(row.pid), 0),
    peers: [smsPeer, smtpPeer, pushPeer].reduce((sum, peer) => sum + processTicks(peer.child.pid), 0),
    loadGenerator: Math.round((self.user + self.system) / 1000 / TICK_MS),
  };
}

function bounded(name: string, min: number, max: number): number {
  const value = Number(args[name as keyof typeof args]);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`--${name} must be ${min}…${max}`);
  return value;
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

async function cleanUp(): Promise<void> {
  for (const child of children) {
    if (child.exitCode === null) {
      if (child.connected) child.send("close");
      child.kill("SIGTERM");
    }
  }
  await runtime?.close().catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await dropDatabase().catch((error: unknown) => log(`could not drop ${database}: ${String(error)}`));
}
