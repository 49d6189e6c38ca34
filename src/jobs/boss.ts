/**
 * The job queue: pg-boss on the same database as everything else, so a job is created in the same
 * transaction as the rows it refers to. On Postgres it keeps its own small pool; on PGlite it
 * shares the embedded instance through pg-boss's PGlite adapter.
 */
import { fromPglite, PgBoss } from "pg-boss";
import type { DatabaseHandle } from "../db/connect.ts";
import type { Logger } from "../log.ts";

export const BOSS_SCHEMA = "pgboss";

export async function startBoss(
  handle: DatabaseHandle,
  log: Logger,
  options: { schedule?: boolean; supervise?: boolean } = {},
): Promise<PgBoss> {
  const common = {
    schema: BOSS_SCHEMA,
    schedule: options.schedule ?? true,
    supervise: options.supervise ?? true,
    useListenNotify: true,
    // How often dead workers' jobs are noticed (heartbeats, expiry): a delivery batch whose worker
    // was killed is retried within about heartbeatSeconds + this (the default is 60 s).
    superviseIntervalSeconds: 10,
    monitorIntervalSeconds: 10,
  };
  const boss =
    handle.kind === "postgres"
      ? new PgBoss({ ...common, connectionString: handle.connectionString, max: 4 })
      : new PgBoss({ ...common, db: fromPglite(handle.pglite), backend: "pglite" });
  boss.on("error", (error) => log.error({ err: error }, "job queue error"));
  boss.on("warning", (warning) => log.warn({ warning }, "job queue warning"));
  await boss.start();
  return boss;
}
