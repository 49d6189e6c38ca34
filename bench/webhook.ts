/**
 * SMS webhook benchmark: signed Twilio-style requests to POST /webhooks/twilio/sms on a real
 * `aviso serve` process (a child, on loopback) backed by Postgres, from many distinct numbers,
 * each running a resident's conversation (subscribe, list, add, remove, help, language, stop,
 * start). Every request is signed with the twilio package's own signature function, before the
 * clock starts. GET /healthz under the same load is the floor: HTTP, the app's middleware and one
 * trivial query. Prints a table per run and, as its last line, one JSON object, whose
 * `cpu_per_text_vs_healthz` is issue 20's yardstick: per run, server + Postgres CPU per text over
 * the same per /healthz request.
 *
 *   npm run bench:webhook -- [--numbers 2000] [--concurrency 32] [--runs 3]
 *   npm run bench:webhook -- --rate 500 [--runs 3]
 *   DATABASE_URL=postgres://… npm run bench:webhook   (a scratch database is created and dropped)
 *
 * Two ways to load it. Closed loop (--concurrency C, the default): C requests in flight, each sent
 * when one returns; it finds the most the server can take, and at saturation its latencies are
 * C / throughput, queueing in the client's own loop. Open loop (--rate R): request i is due at
 * i / R seconds whatever the server does, like texts arriving from many phones, and its latency
 * runs from when it was due, so a server that falls behind is charged for the wait (no coordinated
 * omission). "R requests a second with a p99 under X" is the open-loop question.
 *
 * Rate limits are lifted (SMS_REPLY_LIMIT_*) so every request takes the full path to a reply.
 *
 * Where a slow tail comes from: each run also reports how late the client sent requests and the
 * longest event-loop hold-ups of the client and of the server (event-loop-probe.ts, preloaded into
 * it); a tail with none of those was spent in Postgres or waiting for the machine.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { cpus, totalmem } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import twilio from "twilio";
import { freePort } from "../test/support/free-port.ts";
import type { EventLoopDelay } from "./event-loop-probe.ts";
import { machineTicks, processTicks, TICK_MS } from "./proc-cpu.ts";
import { fictionalNumbers } from "./setting.ts";

const { values: args } = parseArgs({
  options: {
    numbers: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "32" },
    runs: { type: "string", default: "3" },
    rate: { type: "string" },
    "database-url": {
      type: "string",
      default: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    },
  },
});
const NUMBERS = Number(args.numbers);
const CONCURRENCY = Number(args.concurrency);
const RUNS = Number(args.runs);
/** Open loop at this many requests a second; undefined for the closed loop. */
const RATE = args.rate === undefined ? undefined : Number(args.rate);
if (!Number.isInteger(NUMBERS) || NUMBERS < 10 || NUMBERS > 30_000)
  throw new Error("--numbers must be 10…30000");
if (!Number.isInteger(CONCURRENCY) || CONCURRENCY < 1) throw new Error("--concurrency must be ≥ 1");
if (RATE !== undefined && !(RATE >= 1 && RATE <= 20_000)) throw new Error("--rate must be 1…20000");
/** Sockets the open loop may use: enough that the client never holds a due request back. */
const OPEN_LOOP_SOCKETS = 512;

/** One resident's conversation; request i of a run is step ⌊i / numbers⌋ for number i mod numbers. */
const SCRIPT = ["94607 94601", "LIST", "ADD 94606", "REMOVE 94601", "HELP", "ES", "STOP", "INICIO"];
const AUTH_TOKEN = randomBytes(16).toString("hex");
const PUBLIC_URL = "https://aviso.bench";
const PATH = "/webhooks/twilio/sms";
const log = (line: string) => process.stderr.write(`${line}\n`);

// --- a scratch database and the server ----------------------------------------------------------
const admin = new pg.Client({ connectionString: args["database-url"] });
await admin.connect();
const database = `aviso_bench_${randomBytes(4).toString("hex")}`;
await admin.query(`CREATE DATABASE ${database}`);
const databaseUrl = new URL(args["database-url"]);
databaseUrl.pathname = `/${database}`;

const port = await freePort();
const server: ChildProcess = spawn(
  process.execPath,
  [
    "--import",
    fileURLToPath(new URL("./event-loop-probe.ts", import.meta.url)),
    fileURLToPath(new URL("../src/cli/main.ts", import.meta.url)),
    "serve",
    "--no-workers",
  ],
  {
    env: {
      PATH: process.env.PATH,
      // e.g. BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server
      NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS ?? "",
      NODE_ENV: "development",
      HOST: "127.0.0.1",
      PORT: String(port),
      PUBLIC_URL,
      DATABASE_URL: databaseUrl.toString(),
      DATA_DIR: `/tmp/${database}`,
      LOG_LEVEL: "info",
      PII_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString("base64")}`,
      BLIND_INDEX_KEY: randomBytes(32).toString("base64"),
      TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_FROM: "+15555550100",
      SMS_REPLY_LIMIT_PER_NUMBER: "1000",
      SMS_REPLY_LIMIT_PER_MINUTE: "1000000",
    },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  },
);
const agent = new http.Agent({ keepAlive: true, maxSockets: RATE ? OPEN_LOOP_SOCKETS : CONCURRENCY });

try {
  await waitForHealth();
  const numbers = fictionalNumbers(NUMBERS);
  if (numbers.length < NUMBERS) throw new Error(`only ${numbers.length} fictional numbers available`);
  log(`server up on 127.0.0.1:${port}; ${numbers.length} numbers, ${loadShape()}, ${RUNS} run(s)`);

  // The whole conversation, so every step's code is compiled before the clock starts (a server that
  // has been up a while has long compiled it); each run then starts from nobody.
  await measure("warm-up", signedRequests(numbers.slice(0, 200), SCRIPT, "warm"));
  const results: Record<string, Figures[]> = { healthz: [], webhook: [] };
  for (let run = 1; run <= RUNS; run++) {
    // Each run starts from nobody: the same numbers, new message ids, a fresh conversation.
    await admin.query(`SELECT 1`); // keep the admin connection alive
    await truncate();
    const requests = signedRequests(numbers, SCRIPT, `r${run}`);
    const floor = await measure(
      `run ${run} GET /healthz`,
      requests.map(() => ({ method: "GET", path: "/healthz" })),
    );
    const webhook = await measure(`run ${run} POST ${PATH}`, requests);
    results.healthz!.push(floor);
    results.webhook!.push(webhook);
    if (webhook.errors > 0 || webhook.empty > NUMBERS * 0.01)
      throw new Error(`run ${run}: ${JSON.stringify(webhook)}`);
  }
  await checkState(numbers.length);

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  log(`\nmachine: ${machine}; Postgres ${(await admin.query("SHOW server_version")).rows[0].server_version}`);
  log(`load: ${loadShape()}`);
  log(table(results));
  console.log(
    JSON.stringify({
      machine,
      numbers: NUMBERS,
      ...(RATE ? { openLoopRate: RATE } : { concurrency: CONCURRENCY }),
      requestsPerRun: NUMBERS * SCRIPT.length,
      cpu_per_text_vs_healthz: results.webhook!.map((webhook, run) =>
        cpuPerTextVsHealthz(results.healthz![run]!, webhook),
      ),
      ...results,
    }),
  );
} finally {
  agent.destroy();
  server.kill("SIGTERM");
  if (server.exitCode === null && server.signalCode === null)
    await new Promise((resolve) => server.once("exit", resolve));
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}

// --- the load -------------------------------------------------------------------------------------
type BenchRequest = { method: "GET" | "POST"; path: string; body?: string; signature?: string };
type Figures = {
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  /** 200s that carried no <Message> (rate-limited or stopped: should be only the silent steps). */
  empty: number;
  /** CPU milliseconds per request: the server process, its Postgres backends, this load generator. */
  cpuMsPerRequest: { server: number; postgres: number; loadGenerator: number };
  /** Server + Postgres CPU milliseconds over the whole run, unrounded per request (for the ratio). */
  serverAndPostgresCpuMs: number;
  /** Share of the machine's CPU that other processes used during the run (it is shared). */
  othersCpuPercent: number;
  /**
   * Where a slow tail came from, in ms: requests sent late (the client held up, which the open loop
   * charges to the server), the client's and the server's longest event-loop hold-ups. A tail
   * with none of these is time in Postgres or the machine.
   */
  stalls: {
    sentLateP99: number;
    sentLateMax: number;
    clientEventLoopDelayMax: number;
    serverEventLoopDelayP99: number;
    serverEventLoopDelayMax: number;
  };
};

function signedRequests(numbers: string[], script: string[], tag: string): BenchRequest[] {
  const requests: BenchRequest[] = [];
  for (let step = 0; step < script.length; step++) {
    for (const [i, from] of numbers.entries()) {
      const sid = `SM${tag}${String(step).padStart(2, "0")}${String(i).padStart(6, "0")}`.padEnd(34, "0");
      const params = {
        MessageSid: sid,
        AccountSid: `AC${"0".repeat(32)}`,
        From: from,
        To: "+15555550100",
        Body: script[step]!,
        NumMedia: "0",
      };
      const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, PUBLIC_URL + PATH, params);
      requests.push({ method: "POST", path: PATH, body: new URLSearchParams(params).toString(), signature });
    }
  }
  return requests;
}

async function measure(label: string, requests: BenchRequest[]): Promise<Figures> {
  const latencies = new Float64Array(requests.length);
  /** How late each request went out: the client's own hold-ups, which the open loop charges to the server. */
  const sentLate = new Float64Array(requests.length);
  const clientLoop = monitorEventLoopDelay({ resolution: 5 });
  let errors = 0;
  let empty = 0;
  const sendOne = async (i: number, from: number) => {
    sentLate[i] = performance.now() - from;
    const { status, body } = await send(requests[i]!);
    latencies[i] = performance.now() - from;
    if (status !== 200) errors++;
    else if (requests[i]!.method === "POST" && !body.includes("<Message>")) empty++;
  };
  await serverEventLoopDelay(); // starts the server's histogram afresh
  clientLoop.enable();
  const before = await cpuSnapshot();
  const started = performance.now();
  if (RATE) await openLoop(requests.length, RATE, started, sendOne);
  else await closedLoop(requests.length, CONCURRENCY, sendOne);
  const seconds = (performance.now() - started) / 1000;
  const after = await cpuSnapshot();
  clientLoop.disable();
  const serverLoop = await serverEventLoopDelay();
  const sorted = latencies.sort();
  const late = sentLate.sort();
  const at = (q: number, values = sorted) =>
    round(values[Math.min(values.length - 1, Math.floor(q * values.length))]!);
  const figures = {
    requests: requests.length,
    seconds: round(seconds),
    perSecond: Math.round(requests.length / seconds),
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: round(sorted[sorted.length - 1]!),
    errors,
    empty,
    ...cpuFigures(before, after, requests.length),
    stalls: {
      sentLateP99: at(0.99, late),
      sentLateMax: round(late[late.length - 1]!),
      clientEventLoopDelayMax: round(clientLoop.max / 1e6),
      serverEventLoopDelayP99: round(serverLoop.p99Ms),
      serverEventLoopDelayMax: round(serverLoop.maxMs),
    },
  };
  log(`${label}: ${JSON.stringify(figures)}`);
  return figures;
}

type SendOne = (i: number, latencyFrom: number) => Promise<void>;

/** `concurrency` requests in flight; each one's latency runs from when it was sent. */
async function closedLoop(count: number, concurrency: number, sendOne: SendOne): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) await sendOne(i, performance.now());
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Request i is sent at `started + i / rate` seconds; its latency runs from then, not from when it went out. */
async function openLoop(count: number, rate: number, started: number, sendOne: SendOne): Promise<void> {
  const inFlight: Promise<void>[] = [];
  const due = (i: number) => started + (i * 1000) / rate;
  for (let i = 0; i < count; ) {
    const wait = due(i) - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    // Up to 0.5 ms early rather than a timer for each; such a request's latency runs from when it went.
    for (const now = performance.now(); i < count && due(i) <= now + 0.5; i++)
      inFlight.push(sendOne(i, Math.min(due(i), now)));
  }
  await Promise.all(inFlight);
}

function loadShape(): string {
  return RATE ? `open loop at ${RATE} requests/s` : `closed loop, concurrency ${CONCURRENCY}`;
}

function send(request: BenchRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (request.body !== undefined) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      headers["Content-Length"] = String(Buffer.byteLength(request.body));
      headers["X-Twilio-Signature"] = request.signature!;
    }
    const req = http.request(
      { host: "127.0.0.1", port, method: request.method, path: request.path, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed (its keep-alive timeout) just as this request took
      // it: nothing reached the server, so send again on a fresh socket, as Node's docs advise.
      if (req.reusedSocket && error.code === "ECONNRESET") send(request).then(resolve, reject);
      else reject(error);
    });
    req.end(request.body);
  });
}

/** The server's event-loop delay since the last ask (event-loop-probe.ts). */
function serverEventLoopDelay(): Promise<EventLoopDelay> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      server.off("message", onMessage);
    };
    const fail = (error: Error) => {
      done();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error("the server's event-loop probe did not answer")), 5_000);
    const onMessage = (message: { eventLoopDelay?: EventLoopDelay }) => {
      if (!message.eventLoopDelay) return;
      done();
      resolve(message.eventLoopDelay);
    };
    server.on("message", onMessage);
    // A server that has died reports it here rather than as an unhandled 'error' event.
    server.send("event-loop-delay?", (error) => error && fail(error));
  });
}

// --- CPU accounting (Linux /proc; zeros elsewhere) -------------------------------------------------
type CpuSnapshot = {
  machineBusy: number;
  machineTotal: number;
  server: number;
  postgres: number;
  self: number;
};

async function cpuSnapshot(): Promise<CpuSnapshot> {
  const { rows } = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [
    database,
  ]);
  const machine = machineTicks();
  const usage = process.cpuUsage();
  return {
    machineBusy: machine.busy,
    machineTotal: machine.total,
    server: processTicks(server.pid),
    postgres: rows.reduce((sum, row) => sum + processTicks(row.pid), 0),
    self: (usage.user + usage.system) / 1000 / TICK_MS,
  };
}

function cpuFigures(a: CpuSnapshot, b: CpuSnapshot, requests: number) {
  const per = (ticks: number) => round((ticks * TICK_MS) / requests);
  const ours = b.server - a.server + (b.postgres - a.postgres) + (b.self - a.self);
  const others = Math.max(0, b.machineBusy - a.machineBusy - ours);
  const total = b.machineTotal - a.machineTotal;
  return {
    cpuMsPerRequest: {
      server: per(b.server - a.server),
      postgres: per(b.postgres - a.postgres),
      loadGenerator: per(b.self - a.self),
    },
    serverAndPostgresCpuMs: (b.server - a.server + (b.postgres - a.postgres)) * TICK_MS,
    othersCpuPercent: total > 0 ? Math.round((100 * others) / total) : 0,
  };
}

/**
 * Issue 20's yardstick, per run: server + Postgres CPU per text over the same per /healthz request
 * measured just before it, so that machines of different speeds compare (target ≤ 2.5).
 */
function cpuPerTextVsHealthz(healthz: Figures, webhook: Figures): number {
  const perRequest = (f: Figures) => f.serverAndPostgresCpuMs / f.requests;
  return Math.round((100 * perRequest(webhook)) / perRequest(healthz)) / 100;
}

// --- helpers --------------------------------------------------------------------------------------

async function truncate(): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl.toString() });
  await client.connect();
  await client.query(
    "TRUNCATE subscribers, subscriptions, consent_events, inbound_messages, email_confirmations, sms_rate_counters CASCADE",
  );
  await client.query("VACUUM ANALYZE");
  await client.end();
}

/** After the last run: every number went through the whole script and ended subscribed to 94607 and 94606. */
async function checkState(expected: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl.toString() });
  await client.connect();
  const { rows } = await client.query<{
    subscribers: string;
    active: string;
    spanish: string;
    subscriptions: string;
  }>(`
    SELECT count(*) AS subscribers,
           count(*) FILTER (WHERE status = 'active') AS active,
           count(*) FILTER (WHERE language = 'es') AS spanish,
           (SELECT count(*) FROM subscriptions) AS subscriptions
    FROM subscribers`);
  await client.end();
  const row = rows[0]!;
  const ok =
    Number(row.subscribers) === expected &&
    Number(row.active) === expected &&
    Number(row.spanish) === expected &&
    Number(row.subscriptions) === expected * 2;
  log(`state after the last run: ${JSON.stringify(row)} ${ok ? "(as expected)" : "(UNEXPECTED)"}`);
  if (!ok) throw new Error("the webhook did not apply every message");
}

async function waitForHealth(): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const { status } = await send({ method: "GET", path: "/healthz" });
      if (status === 200) return;
    } catch {}
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    if (Date.now() > deadline) throw new Error("server did not come up within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function table(results: Record<string, Figures[]>): string {
  const lines = [
    "",
    "| run | endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | CPU ms/req: server + Postgres | CPU vs /healthz | other load | longest hold-up ms: send / server loop |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (let run = 0; run < RUNS; run++) {
    for (const [name, label] of [
      ["healthz", "GET /healthz (floor)"],
      ["webhook", `POST ${PATH}`],
    ] as const) {
      const f = results[name]![run]!;
      const cpu = `${f.cpuMsPerRequest.server} + ${f.cpuMsPerRequest.postgres}`;
      const ratio = name === "webhook" ? cpuPerTextVsHealthz(results.healthz![run]!, f) : 1;
      lines.push(
        `| ${run + 1} | ${label} | ${f.requests} | ${f.perSecond} | ${f.p50} | ${f.p95} | ${f.p99} | ${f.max} | ${f.errors} | ${cpu} | ${ratio} | ${f.othersCpuPercent}% | ${f.stalls.sentLateMax} / ${f.stalls.serverEventLoopDelayMax} |`,
      );
    }
  }
  return lines.join("\n");
}
