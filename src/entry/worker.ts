/**
 * The Cloudflare Worker: the same Hono app as on Node (src/app.ts), with Postgres reached through
 * Hyperdrive. wrangler.toml points here. Delivery stays on Node: publishing writes the alert, its
 * ledger rows and pg-boss jobs in one transaction, and `aviso worker` processes consume the jobs.
 *
 * What differs from src/runtime.ts, and why:
 * - Configuration comes from the Worker's bindings (vars and `wrangler secret put` secrets), parsed
 *   by the same loadConfig; local mode is refused (no outbox, no /dev pages, no generated keys).
 * - A Worker may not share I/O objects between requests, so every request opens its own small pg
 *   pool to Hyperdrive (which pools the real connections) and closes it once the response is out.
 * - pg-boss is constructed but never started: no maintenance, polling or schedules here. Its
 *   insert()/send() run the same SQL as on Node through the transaction they are given, and its
 *   queue lookups through the request's pool. Migrations are `aviso migrate`, run from Node.
 * - The app is built once per isolate, so what it keeps in memory (the per-address limit on public
 *   POSTs) lasts as long as the isolate; the context it is given reads the current request's
 *   database and job queue from an AsyncLocalStorage.
 * - Senders exist only to satisfy AppContext; nothing on the request path sends.
 * - Files in web/ come from the assets binding (src/web/files-worker.ts).
- The pool closes once the response is returned, so a streamed body may not query it
  (`requestScopedDatabase`): a sighting's live events answer with one snapshot and end, and the
  browser's EventSource asks again a few seconds later (src/routes/sighting-events.ts).
 * - `scheduled` (the cron triggers in wrangler.toml) enqueues the housekeeping tasks as jobs for the
 *   Node workers, which run them (workers/housekeeping.ts).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { PgBoss } from "pg-boss";
import { createApp } from "../app.ts";
import { type Config, ConfigError, loadConfig } from "../config.ts";
import type { AppContext } from "../context.ts";
import { systemClock } from "../context.ts";
import type { DatabaseHandle } from "../db/connect.ts";
import type { Channel, Database } from "../db/database.ts";
import type { Sender } from "../delivery/sender.ts";
import { BOSS_SCHEMA } from "../jobs/boss.ts";
import { cronTriggers } from "../jobs/housekeeping-schedule.ts";
import { QUEUES } from "../jobs/queues.ts";
import { createLogger, type Logger } from "../log.ts";
import { createPiiCipher, type PiiCipher } from "../security/pii.ts";
import { loadWebFiles } from "../web/files-worker.ts";

type Fetcher = { fetch(input: Request | string): Promise<Response> };
type Hyperdrive = { connectionString: string };
type ExecutionContext = { waitUntil(promise: Promise<unknown>): void };
type ScheduledController = { cron: string; scheduledTime: number };

export type WorkerEnv = {
  HYPERDRIVE: Hyperdrive;
  ASSETS: Fetcher;
} & Record<string, unknown>;

/** The housekeeping tasks each cron trigger in wrangler.toml enqueues (the one schedule's). */
export const HOUSEKEEPING_CRONS = cronTriggers();

type Isolate = { config: Config; log: Logger; pii: PiiCipher; app: ReturnType<typeof createApp> };
let isolate: Isolate | undefined;
const current = new AsyncLocalStorage<AppContext>();

/** Configuration, logger and cipher: once per isolate (bindings do not change within one). */
function setUp(env: WorkerEnv): Isolate {
  if (isolate) return isolate;
  const strings: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === "string") strings[name] = value;
  // The database is the Hyperdrive binding; DATABASE_URL only tells loadConfig it is Postgres.
  const config = loadConfig(
    { ...strings, DATABASE_URL: env.HYPERDRIVE.connectionString },
    { databaseThroughHyperdrive: true },
  );
  if (config.localMode) {
    throw new ConfigError([
      "The Worker refuses local mode (an outbox no one can read, /dev pages): configure SMS (TWILIO_*), email (SMTP_URL, MAIL_FROM) and push (VAPID_*)",
    ]);
  }
  if (!config.piiKeyring || !config.blindIndexKey) {
    throw new ConfigError([
      "PII_ENCRYPTION_KEYS and BLIND_INDEX_KEY: required in the Worker (wrangler secret put)",
    ]);
  }
  const log = createLogger({ level: config.logLevel });
  const pii = createPiiCipher(config.piiKeyring, config.blindIndexKey, config.previousBlindIndexKey);
  const constant: Partial<AppContext> = { config, log, pii, clock: systemClock };
  // Request by request: the context of the request being served (its pool, its pg-boss). Spreads
  // ({ ...ctx, db: tx }, as services do) and `in` see the same properties as reads.
  const source = (): Partial<AppContext> => current.getStore() ?? constant;
  const perRequest = new Proxy({} as AppContext, {
    get: (_, name) => {
      const ctx = source();
      if (name in ctx) return ctx[name as keyof AppContext];
      if (typeof name === "string" && !current.getStore()) {
        throw new Error(`AppContext.${name} used outside a request`);
      }
      return undefined;
    },
    has: (_, name) => name in source(),
    ownKeys: () => Reflect.ownKeys(source()),
    getOwnPropertyDescriptor: (_, name) => {
      const ctx = source();
      if (!(name in ctx)) return undefined;
      return { value: ctx[name as keyof AppContext], enumerable: true, configurable: true, writable: false };
    },
  });
  isolate = { config, log, pii, app: createApp(perRequest) };
  return isolate;
}

const noSending = (channel: Channel): Sender => ({
  channel,
  mode: "provider",
  send: () => Promise.reject(new Error("The Worker does not send; delivery runs in `aviso worker` on Node")),
});

/** A per-request context: its own pool (through Hyperdrive) and an unstarted pg-boss on it. */
function openContext(env: WorkerEnv, base: Isolate): AppContext & { close(): Promise<void> } {
  const connectionString = env.HYPERDRIVE.connectionString;
  const pool = new pg.Pool({ connectionString, max: 3, connectionTimeoutMillis: 5_000 });
  // As in connectPostgres (src/db/connect.ts, not imported here: it brings PGlite): neither an idle
  // nor a checked-out client that loses its connection may raise an uncaught 'error' event.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const boss = new PgBoss({
    schema: BOSS_SCHEMA,
    db: { executeSql: (text: string, values?: unknown[]) => pool.query(text, values) },
    supervise: false,
    schedule: false,
    migrate: false,
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= db.destroy();
    return closing;
  };
  const handle: DatabaseHandle = { kind: "postgres", db, pool, connectionString, close };
  return {
    config: base.config,
    log: base.log,
    pii: base.pii,
    handle,
    db,
    boss,
    senders: {
      sms: noSending("sms"),
      email: noSending("email"),
      push: noSending("push"),
      whatsapp: noSending("whatsapp"),
      voice: noSending("voice"),
    },
    clock: systemClock,
    requestScopedDatabase: true,
    close,
  };
}

function misconfigured(error: unknown): Response {
  const problems = error instanceof ConfigError ? error.problems : [String(error)];
  console.error(`aviso: invalid configuration:\n  - ${problems.join("\n  - ")}`);
  return Response.json(
    { error: { code: "misconfigured", message: "The service is not configured correctly" } },
    { status: 500 },
  );
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let base: Isolate;
    try {
      base = setUp(env);
      await loadWebFiles(env.ASSETS);
    } catch (error) {
      return misconfigured(error);
    }
    const context = openContext(env, base);
    try {
      return await current.run(context, () => base.app.fetch(request));
    } finally {
      ctx.waitUntil(context.close());
    }
  },

  async scheduled(controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
    const base = setUp(env);
    const tasks = HOUSEKEEPING_CRONS[controller.cron] ?? [];
    const context = openContext(env, base);
    try {
      // One job per task and slot: a cron retried by Cloudflare does not enqueue the task twice.
      const slot = new Date(controller.scheduledTime).toISOString().slice(0, 16);
      for (const task of tasks) {
        await context.boss.send(QUEUES.housekeeping, { task }, { singletonKey: `cron:${task}:${slot}` });
      }
      base.log.info({ cron: controller.cron, tasks }, "housekeeping enqueued");
    } finally {
      ctx.waitUntil(context.close());
    }
  },
};
