/**
 * Fan-out benchmark: seeds N subscribers across Oakland ZIPs (mixed channels and languages, real
 * address encryption), publishes one alert to all of them, runs the delivery workers against the
 * loopback Twilio, SMTP and push peers (SMS rate limit lifted), then does the same the naive way
 * on the same data. Prints a table and, as its last line, one JSON object.
 *
 *   npm run bench:fanout -- --subscribers 100000 [--no-naive] [--worker-processes 2 | --per-channel] [--whatsapp] [--voice]
 *   DATABASE_URL=postgres://… npm run bench:fanout -- …   (a scratch database is created and dropped)
 *
 * Times: publish_ms is the publish transaction (for a target over 2,000 subscriptions, the
 * ledger's first wave: the sighting ZIP's first batch per channel); first_handoff_ms runs from its
 * commit to the first provider acceptance, and first_handoff_after_approval_ms from the publish
 * call (the approval) to it; ledger_written_ms from the publish call until the whole ledger is
 * written (the second wave committed), and ledger_rows_per_s is the rows over that time;
 * all_handed_off_s from the publish call to the last acceptance (so it includes publishing). A
 * hand-off is a provider's 2xx (Twilio 201, SMTP 250, push 201).
 *
 * CPU: push_encrypt_ms is the CPU of one RFC 8291 push encryption timed on this machine just
 * before the fan-out (bench/push-calibration.ts); cpu_ms_per_message is the workers' CPU plus the
 * Postgres server's (on PGlite the database runs inside the workers) over the ledger rows, and
 * cpu_per_message_vs_push_encrypt their ratio, which compares across machines of different speed.
 * The run exits 1 unless every subscriber got exactly one row and every row was handed off: .ci/run
 * uses it, with 1,000 subscribers on each backend, as a smoke test of the fan-out and the benchmark.
 *
 * --worker-processes N runs the workers in N processes, as N `aviso worker` processes would: this
 * one and N - 1 children (bench/worker-process.ts). The default is one per CPU core on Postgres,
 * as docs/deploy.md advises for a machine that fans out, and 1 on PGlite (one process's
 * database). The naive way runs in as many processes, so the comparison stays like for like.
 *
 * --per-channel (Postgres only) runs, instead, one worker process per channel present, as `aviso
 * worker --channels C` would, and no delivery workers in this process, to tell what each channel
 * costs: sms_cpu_ms, email_cpu_ms, push_cpu_ms, whatsapp_cpu_ms and voice_cpu_ms are that
 * channel's worker process's CPU plus its Postgres backends', both read from /proc just before
 * the publish and once every row has been handed off, over that channel's ledger rows; a backend
 * opened in between counts from 0. A backend is the process's when pg_stat_activity's client_port
 * is the local port of one of its TCP connections (bench/proc-cpu.ts): pg-boss names its own
 * connections 'pgboss' whatever PGAPPNAME says, so application_name would miss them.
 * postgres_unattributed_cpu_s is the Postgres CPU of the same span in no channel's backends: the
 * publish, the benchmark's own polling, autovacuum, the WAL writer and checkpointer, backends
 * that closed in between. The flag needs DATABASE_URL to reach Postgres on this machine over TCP
 * (not a Unix socket). Without the flag (or for a channel with no messages) those keys are null.
 * The naive way still runs mixed, in as many processes as there are channels.
 *
 * --whatsapp puts one resident in ten on WhatsApp (taken from the SMS half), sent as templates
 * through the same Twilio peer; whatsapp_per_s reports them (0 without the flag).
 *
 * --voice puts another resident in ten on alert calls (also taken from the SMS half), placed
 * through the same peer's Calls API with inline TwiML (VOICE_CALLS_PER_SECOND lifted to its
 * maximum, per worker process); voice_per_s reports the calls handed off (0 without the flag).
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import pg from "pg";
import { loadConfig } from "../src/config.ts";
import { connectPglite, connectPostgres, type DatabaseHandle } from "../src/db/connect.ts";
import type { Channel } from "../src/db/database.ts";
import { createPushAgent } from "../src/delivery/webpush-sender.ts";
import type { Language } from "../src/i18n/languages.ts";
import { createLogger } from "../src/log.ts";
import { createRuntime } from "../src/runtime.ts";
import { publishAlert } from "../src/services/alerts/publish.ts";
import { naivePublish } from "./naive.ts";
import { startPeerProcess } from "./peer-process.ts";
import { cpuSecondsSince, postgresCpuSeconds, processTicks, TICK_MS, tcpClientPorts } from "./proc-cpu.ts";
import { pushEncryptMs } from "./push-calibration.ts";
import { channelOf, providerEnv, residentRow } from "./setting.ts";
import { type Handoffs, startTimedWorkers, type Way, wallClockMs } from "./timed-senders.ts";
import type { WorkerProcessReport, WorkerProcessSetup } from "./worker-process.ts";

/** Oakland's residential ZIPs; the alert's own ZIP (the sighting's) first. */
const OAKLAND = "94607 94601 94602 94603 94605 94606 94609 94610 94611 94612 94613 94618 94619 94621".split(
  " ",
);
/** Of every 20 subscribers: 11 English, 6 Spanish, 2 Chinese, 1 Vietnamese. */
const LANGUAGE_MIX = `${"en ".repeat(11)}${"es ".repeat(6)}zh zh vi`.split(" ") as Language[];
const NAIVE_CONCURRENCY = 100;
const CHANNELS = ["sms", "email", "push", "whatsapp", "voice"] as const;

const { values: args } = parseArgs({
  options: {
    subscribers: { type: "string", default: "10000" },
    "no-naive": { type: "boolean", default: false },
    "worker-processes": { type: "string" },
    whatsapp: { type: "boolean", default: false },
    voice: { type: "boolean", default: false },
    "per-channel": { type: "boolean", default: false },
  },
});
const N = Number(args.subscribers);
if (!Number.isInteger(N) || N < 10) throw new Error("--subscribers must be an integer ≥ 10");
const PER_CHANNEL = args["per-channel"];
/** Postgres's TCP port (--per-channel), to tell each worker process's backends by their client ports. */
let postgresPort = 0;
if (PER_CHANNEL) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("--per-channel needs DATABASE_URL (PGlite runs inside the workers' process)");
  const parsed = URL.parse(url); // a Unix socket's URL may have no host: not one for this
  if (!parsed?.hostname || parsed.searchParams.has("host"))
    throw new Error("--per-channel needs DATABASE_URL over TCP: backends are told by their client ports");
  postgresPort = Number(parsed.port || 5432);
}
if (PER_CHANNEL && args["worker-processes"] !== undefined)
  throw new Error("--per-channel runs one worker process per channel: leave out --worker-processes");
/** The channels this run's residents use (see bench/setting.ts). */
const PRESENT: Channel[] = [
  "sms",
  "email",
  "push",
  ...(args.whatsapp ? (["whatsapp"] as const) : []),
  ...(args.voice ? (["voice"] as const) : []),
];
const WORKER_PROCESSES = Number(
  PER_CHANNEL
    ? PRESENT.length
    : (args["worker-processes"] ?? (process.env.DATABASE_URL ? Math.min(8, availableParallelism()) : 1)),
);
if (!Number.isInteger(WORKER_PROCESSES) || WORKER_PROCESSES < 1 || WORKER_PROCESSES > 8)
  throw new Error("--worker-processes must be 1…8");
if (WORKER_PROCESSES > 1 && !process.env.DATABASE_URL)
  throw new Error("--worker-processes above 1 needs DATABASE_URL (PGlite is one process's database)");

const log = (line: string) => process.stderr.write(`${line}\n`);

// --- peers, each in its own process ---------------------------------------------------------
const pushCount = Array.from({ length: N }, (_, i) => channelOf(i)).filter((c) => c === "push").length;
const [smsPeer, smtpPeer, pushPeer] = await Promise.all([
  startPeerProcess("sms"),
  startPeerProcess("smtp"),
  startPeerProcess("push", pushCount),
]);
const peerList = [smsPeer, smtpPeer, pushPeer];
const allPeerStats = async () => {
  const [sms, smtp, push] = await Promise.all(peerList.map((peer) => peer.stats()));
  return {
    sms: sms!.received,
    mails: smtp!.received,
    pushes: push!.received,
    smtpConnections: smtp!.connections,
    pushJwts: push!.distinctJwts,
    cpuMs: sms!.cpuMs + smtp!.cpuMs + push!.cpuMs,
    peakRssMb: sms!.peakRssMb + smtp!.peakRssMb + push!.peakRssMb,
  };
};
const subscriptions = pushPeer.ready.subscriptions!;
const pushAgent = createPushAgent({ ca: pushPeer.ready.ca! });

// --- database and runtime -------------------------------------------------------------------
let handle: DatabaseHandle;
let scratchUrl = "";
let dropDatabase = async () => {};
const adminUrl = process.env.DATABASE_URL;
if (adminUrl) {
  const name = `aviso_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  scratchUrl = url.toString();
  handle = await connectPostgres(scratchUrl, 10);
  dropDatabase = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
  // Interrupted (Ctrl-C, a timeout): leave no scratch database behind.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      for (const peer of peerList) peer.child.kill();
      dropDatabase().finally(() => process.exit(130));
    });
  }
} else {
  handle = await connectPglite();
}
const configEnv: Record<string, string> = {
  NODE_ENV: "test",
  DATA_DIR: "/tmp/aviso-bench",
  ...providerEnv({ sms: smsPeer.ready, smtp: smtpPeer.ready, push: pushPeer.ready }),
  SMS_RATE_PER_SECOND: "10000", // lifted: the bench measures Aviso, not a long code's 1/s
  WHATSAPP_RATE_PER_SECOND: "10000",
  VOICE_CALLS_PER_SECOND: "1000", // the setting's maximum; Twilio's own default is 1 a second
};
const config = loadConfig(configEnv);
// Logs go to stderr: stdout ends with the JSON line.
const runtime = await createRuntime(config, createLogger({ level: "warn", destination: process.stderr }), {
  handle,
  senders: { pushAgent },
});

// --- seed -----------------------------------------------------------------------------------
const seedStarted = performance.now();
const CHUNK = 2000; // 8 columns: under the 32,767 parameters a statement can carry
for (let start = 0; start < N; start += CHUNK) {
  const rows = [];
  for (let i = start; i < Math.min(N, start + CHUNK); i++) {
    const language = LANGUAGE_MIX[i % LANGUAGE_MIX.length]!;
    rows.push(
      residentRow(runtime.pii, i, language, () => subscriptions[Math.floor(i / 10) * 2 + (i % 10) - 8]!, {
        whatsapp: args.whatsapp,
        voice: args.voice,
      }),
    );
  }
  const ids = await runtime.db.insertInto("subscribers").values(rows).returning("id").execute();
  // Everyone follows one Oakland ZIP; one in five follows a second.
  const follows = ids.flatMap(({ id }, k) => {
    const i = start + k;
    const first = OAKLAND[i % OAKLAND.length]!;
    return i % 5 === 0
      ? [
          { subscriber_id: id, zip: first },
          { subscriber_id: id, zip: OAKLAND[(i + 3) % OAKLAND.length]! },
        ]
      : [{ subscriber_id: id, zip: first }];
  });
  await runtime.db.insertInto("subscriptions").values(follows).execute();
}
// A live database has statistics (autovacuum keeps them); a freshly seeded one must be told.
await sql`ANALYZE`.execute(runtime.db);
const seedSeconds = (performance.now() - seedStarted) / 1000;
log(`seeded ${N} subscribers in ${seedSeconds.toFixed(1)} s (${handle.kind})`);

async function newAlert(): Promise<string> {
  const alert = await runtime.db
    .insertInto("alerts")
    .values({
      kind: "sighting",
      priority: "alert",
      status: "approved",
      target_zips: OAKLAND,
      sender_org: "Bench hotline",
      author_id: "a",
      approver_id: "b",
      references_alert_id: null,
      expires_at: new Date(Date.now() + 4 * 3600_000),
      updated_at: new Date(),
      published_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const text = (headline: string, body: string, sms: string) => ({ headline, body, sms_text: sms });
  await runtime.db
    .insertInto("alert_texts")
    .values([
      {
        alert_id: alert.id,
        language: "en",
        ...text(
          "Immigration agents at 7th and Broadway",
          "Responders confirmed agents at 7th St and Broadway at 9:40. Know your rights: you do not have to open the door.",
          "Agents confirmed at 7th & Broadway 9:40. You do not have to open the door.",
        ),
      },
      {
        alert_id: alert.id,
        language: "es",
        ...text(
          "Agentes de inmigración en 7th y Broadway",
          "Voluntarios confirmaron agentes en 7th St y Broadway a las 9:40. No tiene que abrir la puerta.",
          "Agentes confirmados en 7th y Broadway 9:40. No tiene que abrir la puerta.",
        ),
      },
      {
        alert_id: alert.id,
        language: "zh",
        ...text(
          "移民执法人员在第七街和百老汇",
          "志愿者于9:40确认执法人员在第七街和百老汇。您不必开门。",
          "9:40确认执法人员在第七街和百老汇。您不必开门。",
        ),
      },
      {
        alert_id: alert.id,
        language: "vi",
        ...text(
          "Nhân viên di trú tại đường 7 và Broadway",
          "Tình nguyện viên xác nhận có nhân viên tại đường 7 và Broadway lúc 9:40.",
          "Xác nhận có nhân viên tại đường 7 và Broadway, 9:40.",
        ),
      },
    ])
    .execute();
  return alert.id;
}

/**
 * More worker processes (see the header), started and ready: one for each entry, serving that
 * channel's queue or, without one, all of them. channelPids: each channel's process; stop()
 * returns what they did.
 */
async function startExtraWorkers(
  way: Way,
  processes: { channel?: Channel }[],
): Promise<{ channelPids: Map<Channel, number>; stop(): Promise<WorkerProcessReport[]> }> {
  const children = processes.map(() =>
    fork(new URL("./worker-process.ts", import.meta.url), [], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    }),
  );
  const setup: Omit<WorkerProcessSetup, "channels"> = {
    way,
    databaseUrl: scratchUrl,
    env: configEnv,
    pushCa: pushPeer.ready.ca!,
    naiveConcurrency: NAIVE_CONCURRENCY,
  };
  /** The child's next message carrying `key`; rejects if it exits first. */
  const reply = <T>(child: ChildProcess, key: string) =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`a worker process exited with ${code}`));
      const onMessage = (message: Record<string, unknown>) => {
        if (!(key in message)) return;
        child.off("exit", onExit).off("message", onMessage);
        resolve(message[key] as T);
      };
      child.once("exit", onExit).on("message", onMessage);
    });
  await Promise.all(
    children.map((child, i) => {
      const ready = reply<true>(child, "ready");
      const channel = processes[i]!.channel;
      child.send({ start: { ...setup, channels: channel ? [channel] : undefined } });
      return ready;
    }),
  );
  const channelPids = new Map<Channel, number>();
  processes.forEach(({ channel }, i) => {
    if (channel) channelPids.set(channel, children[i]!.pid!);
  });
  return {
    channelPids,
    stop: () =>
      Promise.all(
        children.map((child) => {
          const stopped = reply<WorkerProcessReport>(child, "stopped");
          child.send("stop");
          return stopped;
        }),
      ),
  };
}

/** This process's hand-offs and CPU, with the extra worker processes' added. */
function combined(handoffs: Handoffs, cpuS: number, extra: WorkerProcessReport[]) {
  const all: Handoffs = {
    sms: [...handoffs.sms],
    email: [...handoffs.email],
    push: [...handoffs.push],
    whatsapp: [...handoffs.whatsapp],
    voice: [...handoffs.voice],
  };
  for (const report of extra) for (const channel of CHANNELS) all[channel].push(...report.handoffs[channel]);
  return { handoffs: all, cpuS: cpuS + extra.reduce((sum, report) => sum + report.cpuS, 0) };
}

/** When the alert's whole ledger is written (wall-clock ms): polled every 10 ms, so within that. */
async function ledgerWritten(alertId: string): Promise<number> {
  for (;;) {
    const alert = await runtime.db
      .selectFrom("alerts")
      .select("ledger_pending")
      .where("id", "=", alertId)
      .executeTakeFirstOrThrow();
    if (!alert.ledger_pending) return wallClockMs();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

type ChannelTicks = Map<number, { channel: Channel; side: "worker" | "postgres"; ticks: number }>;

/** CPU ticks so far of each channel's worker process and of each of its Postgres backends, by pid. */
async function channelTicks(channelPids: Map<Channel, number>): Promise<ChannelTicks> {
  const { rows } = await sql<{ pid: number; client_port: number }>`
    SELECT pid, client_port FROM pg_stat_activity
    WHERE datname = current_database() AND client_port IS NOT NULL`.execute(runtime.db);
  const ticks: ChannelTicks = new Map();
  for (const [channel, pid] of channelPids) {
    ticks.set(pid, { channel, side: "worker", ticks: processTicks(pid) });
    const ports = tcpClientPorts(pid, postgresPort);
    for (const row of rows) {
      if (ports.has(row.client_port))
        ticks.set(row.pid, { channel, side: "postgres", ticks: processTicks(row.pid) });
    }
  }
  return ticks;
}

/** Each channel's worker and Postgres CPU seconds between two readings; a pid new since `before` counts from 0. */
function channelCpuSeconds(before: ChannelTicks, after: ChannelTicks) {
  const seconds = Object.fromEntries(
    CHANNELS.map((c) => [c, { workerS: 0, postgresS: 0, backends: 0 }]),
  ) as Record<Channel, { workerS: number; postgresS: number; backends: number }>;
  for (const [pid, now] of after) {
    const used = ((now.ticks - (before.get(pid)?.ticks ?? 0)) * TICK_MS) / 1000;
    seconds[now.channel][now.side === "worker" ? "workerS" : "postgresS"] += used;
    if (now.side === "postgres") seconds[now.channel].backends++;
  }
  return seconds;
}

async function untilSettled(alertId: string, timeoutS: number): Promise<void> {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    // Not settled while a two-wave ledger still waits for its second wave. EXISTS, not a count: a
    // count of the open rows read every one of them ten times a second, and that was a quarter of
    // the Postgres CPU the benchmark then charged to the fan-out (pg_stat_statements, 2026-12-05).
    const { rows } = await sql<{ open: boolean }>`
      SELECT a.ledger_pending OR EXISTS (
               SELECT 1 FROM deliveries d WHERE d.alert_id = a.id AND d.status IN ('queued', 'sending')
             ) AS open
      FROM alerts a WHERE a.id = ${alertId}`.execute(runtime.db);
    if (!rows[0]!.open) return;
    if (Date.now() > deadline)
      throw new Error(`deliveries still open after ${timeoutS} s: ${await openRows(alertId)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function openRows(alertId: string): Promise<string> {
  const { rows } = await sql<{ open: string }>`
    SELECT count(*)::text AS open FROM deliveries WHERE alert_id = ${alertId} AND status IN ('queued', 'sending')`.execute(
    runtime.db,
  );
  return rows[0]!.open;
}

let peakRss = 0;
const rssSampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

type RunResult = {
  rows: number;
  publishMs: number;
  firstHandoffMs: number;
  firstHandoffAfterApprovalMs: number;
  allHandedOffS: number;
  perChannel: Record<Channel, { count: number; perS: number }>;
  cpuS: number;
};

function summarize(
  publishStarted: number,
  published: number,
  handoffs: Handoffs,
  rows: number,
  cpuS: number,
): RunResult {
  const all = [...handoffs.sms, ...handoffs.email, ...handoffs.push, ...handoffs.whatsapp, ...handoffs.voice];
  const last = Math.max(...all);
  const perChannel = Object.fromEntries(
    CHANNELS.map((channel) => {
      const times = handoffs[channel];
      const span = times.length ? (Math.max(...times) - publishStarted) / 1000 : 0;
      return [channel, { count: times.length, perS: span > 0 ? times.length / span : 0 }];
    }),
  ) as RunResult["perChannel"];
  return {
    rows,
    publishMs: published - publishStarted,
    firstHandoffMs: Math.min(...all) - published,
    firstHandoffAfterApprovalMs: Math.min(...all) - publishStarted,
    allHandedOffS: (last - publishStarted) / 1000,
    perChannel,
    cpuS,
  };
}

// --- the yardstick: one push encryption's CPU on this machine, now ----------------------------
const pushEncryptCpuMs = pushEncryptMs();

// --- Aviso's way ----------------------------------------------------------------------------
const timedWorkers = { runtime, config, pushCa: pushPeer.ready.ca!, naiveConcurrency: NAIVE_CONCURRENCY };
const mixedProcesses = (): { channel?: Channel }[] =>
  Array.from({ length: WORKER_PROCESSES - 1 }, () => ({}));
// Per channel, this process only publishes: its context sends nothing.
const ours = PER_CHANNEL
  ? {
      ctx: runtime,
      handoffs: { sms: [], email: [], push: [], whatsapp: [], voice: [] } as Handoffs,
      stop: async () => {},
    }
  : await startTimedWorkers({ way: "aviso", ...timedWorkers });
const { ctx } = ours;
const extraWorkers = await startExtraWorkers(
  "aviso",
  PER_CHANNEL ? PRESENT.map((channel) => ({ channel })) : mixedProcesses(),
);
const alertId = await newAlert();
await new Promise((resolve) => setTimeout(resolve, 500)); // workers idle and listening
const channelsBefore = PER_CHANNEL ? await channelTicks(extraWorkers.channelPids) : undefined;
const cpuBefore = process.cpuUsage();
const postgresCpuBefore = postgresCpuSeconds();
const peersBefore = await allPeerStats();
const publishStarted = wallClockMs();
await publishAlert({ ctx, input: { alertId } });
const published = wallClockMs();
const ledgerWrittenAt = ledgerWritten(alertId);
await untilSettled(alertId, 3600);
const postgresCpuSettled = postgresCpuSeconds();
const channelCpu = channelsBefore
  ? channelCpuSeconds(channelsBefore, await channelTicks(extraWorkers.channelPids))
  : undefined;
const ledgerWrittenMs = (await ledgerWrittenAt) - publishStarted;
const { rowCount } = await runtime.db
  .selectFrom("deliveries")
  .select((eb) => eb.fn.countAll<string>().as("rowCount"))
  .where("alert_id", "=", alertId)
  .executeTakeFirstOrThrow()
  .then((row) => ({ rowCount: Number(row.rowCount) }));
const oursCpuS = cpuSecondsSince(cpuBefore);
const oursAll = combined(ours.handoffs, oursCpuS, await extraWorkers.stop());
const result = summarize(publishStarted, published, oursAll.handoffs, rowCount, oursAll.cpuS);
const postgresCpuAfter = postgresCpuSeconds();
const postgresCpuS =
  handle.kind === "postgres" && postgresCpuBefore !== undefined && postgresCpuAfter !== undefined
    ? postgresCpuAfter - postgresCpuBefore
    : undefined;
const peersAfter = await allPeerStats();
const { rows: statuses } = await sql<{ status: string; n: string }>`
  SELECT status, count(*)::text AS n FROM deliveries WHERE alert_id = ${alertId} GROUP BY status`.execute(
  runtime.db,
);
await ours.stop();
const oursPeakRss = peakRss;
log(`aviso: ${rowCount} deliveries handed off in ${result.allHandedOffS.toFixed(2)} s`);

// --- the naive way, same data ---------------------------------------------------------------
let naive: RunResult | undefined;
if (!args["no-naive"]) {
  const naiveWorkers = await startTimedWorkers({ way: "naive", ...timedWorkers });
  const naiveExtraWorkers = await startExtraWorkers("naive", mixedProcesses());
  const naiveAlert = await newAlert();
  const cpu = process.cpuUsage();
  const started = wallClockMs();
  let naivePublished = 0;
  const rows = await naivePublish(naiveWorkers.ctx, naiveAlert, () => {
    naivePublished = wallClockMs();
  });
  await untilSettled(naiveAlert, 6 * 3600);
  const naiveCpuS = cpuSecondsSince(cpu);
  const naiveAll = combined(naiveWorkers.handoffs, naiveCpuS, await naiveExtraWorkers.stop());
  naive = summarize(started, naivePublished, naiveAll.handoffs, rows, naiveAll.cpuS);
  await naiveWorkers.stop();
  log(`naive: ${rows} deliveries handed off in ${naive.allHandedOffS.toFixed(2)} s`);
}
clearInterval(rssSampler);
const finalPeers = await allPeerStats();

// --- report ---------------------------------------------------------------------------------
// Workers + Postgres (on PGlite the database runs inside the worker process, so it is counted there).
const cpuMsPerMessage = ((result.cpuS + (postgresCpuS ?? 0)) * 1000) / result.rows;
/** Per channel (--per-channel): its worker process's and backends' CPU over its ledger rows. */
const channelCpuMs = (channel: Channel): number | null => {
  const cpu = channelCpu?.[channel];
  const rows = result.perChannel[channel].count; // hand-offs: every row, in a complete run
  return cpu && rows > 0 ? Number((((cpu.workerS + cpu.postgresS) * 1000) / rows).toFixed(3)) : null;
};
const postgresUnattributedS =
  channelCpu && postgresCpuSettled !== undefined && postgresCpuBefore !== undefined
    ? postgresCpuSettled - postgresCpuBefore - CHANNELS.reduce((sum, c) => sum + channelCpu[c].postgresS, 0)
    : undefined;
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const table: [string, string, string][] = [
  ["", "aviso", naive ? "naive" : "-"],
  ["backend", handle.kind, handle.kind],
  ["ledger rows", String(result.rows), naive ? String(naive.rows) : "-"],
  ["publish (ms)", fmt(result.publishMs, 0), naive ? fmt(naive.publishMs, 0) : "-"],
  [
    "first hand-off after commit (ms)",
    fmt(result.firstHandoffMs, 0),
    naive ? fmt(naive.firstHandoffMs, 0) : "-",
  ],
  [
    "first hand-off after approval (ms)",
    fmt(result.firstHandoffAfterApprovalMs, 0),
    naive ? fmt(naive.firstHandoffAfterApprovalMs, 0) : "-",
  ],
  ["whole ledger written (ms)", fmt(ledgerWrittenMs, 0), "-"],
  ["all handed off (s)", fmt(result.allHandedOffS, 2), naive ? fmt(naive.allHandedOffS, 2) : "-"],
  ...CHANNELS.map((c): [string, string, string] => [
    `${c} per s (count)`,
    `${fmt(result.perChannel[c].perS, 0)} (${result.perChannel[c].count})`,
    naive ? `${fmt(naive.perChannel[c].perS, 0)} (${naive.perChannel[c].count})` : "-",
  ]),
  [
    "worker processes",
    PER_CHANNEL ? `${WORKER_PROCESSES}, one a channel` : String(WORKER_PROCESSES),
    naive ? String(WORKER_PROCESSES) : "-",
  ],
  ["worker processes' CPU (s)", fmt(result.cpuS), naive ? fmt(naive.cpuS) : "-"],
  ["Postgres server CPU (s)", postgresCpuS === undefined ? "-" : fmt(postgresCpuS), "-"],
  ["CPU per message (ms)", fmt(cpuMsPerMessage, 3), "-"],
  [
    `… vs one push encryption (${fmt(pushEncryptCpuMs, 3)} ms)`,
    fmt(cpuMsPerMessage / pushEncryptCpuMs, 2),
    "-",
  ],
  ...(channelCpu
    ? PRESENT.map((c): [string, string, string] => [
        `${c} CPU per message (ms)`,
        `${channelCpuMs(c) ?? "-"} (worker ${fmt(channelCpu[c].workerS)} s + Postgres ${fmt(channelCpu[c].postgresS)} s in ${channelCpu[c].backends} backends)`,
        "-",
      ])
    : []),
  ...(postgresUnattributedS === undefined
    ? []
    : [["Postgres CPU in no channel (s)", fmt(postgresUnattributedS), "-"] as [string, string, string]]),
  ["ledger statuses", statuses.map((s) => `${s.status} ${s.n}`).join(", "), ""],
];
const width = Math.max(...table.map((r) => r[0].length));
console.log(
  `\nFan-out benchmark: ${N} subscribers, ${handle.kind}, ${process.arch}, ${availableParallelism()} CPUs`,
);
for (const [label, a, b] of table)
  console.log(`${label.padEnd(width)}  ${a.padStart(16)}  ${b.padStart(16)}`);
console.log(
  `peers: ${peersAfter.sms - peersBefore.sms} SMS and WhatsApp messages and calls, ${peersAfter.mails - peersBefore.mails} mails over ${peersAfter.smtpConnections - peersBefore.smtpConnections} SMTP connections, ${peersAfter.pushes - peersBefore.pushes} pushes with ${peersAfter.pushJwts - peersBefore.pushJwts} VAPID JWT(s); peers CPU ${fmt((peersAfter.cpuMs - peersBefore.cpuMs) / 1000)} s, peers peak RSS ${finalPeers.peakRssMb} MB`,
);
console.log(
  JSON.stringify({
    subscribers: N,
    backend: handle.kind,
    ledger_rows: result.rows,
    ledger_rows_per_s: Math.round(result.rows / (ledgerWrittenMs / 1000)),
    publish_ms: Math.round(result.publishMs),
    first_handoff_ms: Math.round(result.firstHandoffMs),
    first_handoff_after_approval_ms: Math.round(result.firstHandoffAfterApprovalMs),
    ledger_written_ms: Math.round(ledgerWrittenMs),
    all_handed_off_s: Number(result.allHandedOffS.toFixed(2)),
    sms_per_s: Math.round(result.perChannel.sms.perS),
    email_per_s: Math.round(result.perChannel.email.perS),
    push_per_s: Math.round(result.perChannel.push.perS),
    whatsapp_per_s: Math.round(result.perChannel.whatsapp.perS),
    voice_per_s: Math.round(result.perChannel.voice.perS),
    peak_rss_mb: Math.round(oursPeakRss / 1e6),
    worker_processes: WORKER_PROCESSES,
    worker_cpu_s: Number(result.cpuS.toFixed(1)),
    postgres_cpu_s: postgresCpuS === undefined ? null : Number(postgresCpuS.toFixed(1)),
    peers_cpu_s: Number(((peersAfter.cpuMs - peersBefore.cpuMs) / 1000).toFixed(1)),
    seed_s: Number(seedSeconds.toFixed(1)),
    naive_all_handed_off_s: naive ? Number(naive.allHandedOffS.toFixed(2)) : null,
    speedup: naive ? Number((naive.allHandedOffS / result.allHandedOffS).toFixed(1)) : null,
    push_encrypt_ms: Number(pushEncryptCpuMs.toFixed(3)),
    cpu_ms_per_message: Number(cpuMsPerMessage.toFixed(3)),
    cpu_per_message_vs_push_encrypt: Number((cpuMsPerMessage / pushEncryptCpuMs).toFixed(2)),
    sms_cpu_ms: channelCpuMs("sms"),
    email_cpu_ms: channelCpuMs("email"),
    push_cpu_ms: channelCpuMs("push"),
    whatsapp_cpu_ms: channelCpuMs("whatsapp"),
    voice_cpu_ms: channelCpuMs("voice"),
    postgres_unattributed_cpu_s:
      postgresUnattributedS === undefined ? null : Number(postgresUnattributedS.toFixed(1)),
  }),
);

// The benchmark is also CI's smoke test of the fan-out: every row must have been handed off.
const unsent = statuses.filter((s) => s.status !== "sent");
if (unsent.length > 0 || result.rows !== N) {
  console.error(
    `fan-out incomplete: ${result.rows} ledger rows for ${N} subscribers, ${JSON.stringify(unsent)}`,
  );
  process.exitCode = 1;
}

await pushAgent.close();
await runtime.close();
await dropDatabase();
for (const peer of peerList) peer.close();
