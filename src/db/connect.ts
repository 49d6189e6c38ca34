/**
 * Opens the database: Postgres through `pg` when DATABASE_URL is set, otherwise PGlite (Postgres
 * compiled to WebAssembly) persisted under DATA_DIR. Both speak the same SQL, so the rest of the
 * code never asks which one it has, except the job queue, which needs the raw client.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PGliteDialect, PostgresDialect } from "kysely";
import pg from "pg";
import { lockDataDir } from "./data-dir-lock.ts";
import type { Database } from "./database.ts";
import { preparingPool } from "./prepared-pool.ts";

export { DataDirLockedError } from "./data-dir-lock.ts";

export type DatabaseHandle =
  | {
      kind: "postgres";
      db: Kysely<Database>;
      pool: pg.Pool;
      connectionString: string;
      close(): Promise<void>;
    }
  | { kind: "pglite"; db: Kysely<Database>; pglite: PGlite; close(): Promise<void> };

// int8 (bigint ids, counts) as strings keeps precision; that is pg's default and PGlite's too.
export async function connectPostgres(
  connectionString: string,
  maxConnections = 10,
): Promise<DatabaseHandle> {
  // Connections, once opened, are kept (min = max): texts come in bursts (an alert goes out and
  // hundreds reply at once), and a connection opened for a burst costs a backend start and a cold
  // catalog cache; pg-pool's default closed idle ones after 10 s and each burst paid that again.
  const pool = new pg.Pool({
    connectionString,
    max: maxConnections,
    min: maxConnections,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on("error", () => {});
  // Nor a checked-out one: pg-pool takes its listener off a client it hands out, and a connection
  // dropped between two statements (failover, pg_terminate_backend) would then be an uncaught
  // 'error' event. The statement in flight rejects anyway and the pool discards the client.
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  return { kind: "postgres", db, pool, connectionString, close: once(() => db.destroy()) };
}

/**
 * `dataDir` undefined means in memory (tests); `loadDataDir` starts from a dump (test templates).
 * A data folder is locked for as long as the handle is open (src/db/data-dir-lock.ts): a second
 * process, or a second open in this one, gets DataDirLockedError before PGlite touches a file.
 */
export async function connectPglite(
  options: { dataDir?: string; loadDataDir?: Blob } = {},
): Promise<DatabaseHandle> {
  if (!options.dataDir) {
    const pglite = await PGlite.create({ loadDataDir: options.loadDataDir });
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
    return { kind: "pglite", db, pglite, close: once(() => db.destroy()) };
  }
  mkdirSync(options.dataDir, { recursive: true });
  const lock = lockDataDir(options.dataDir);
  try {
    const pglite = await PGlite.create({
      dataDir: join(options.dataDir, "pglite"),
      loadDataDir: options.loadDataDir,
    });
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
    const close = async () => {
      try {
        await db.destroy();
      } finally {
        lock.release();
      }
    };
    return { kind: "pglite", db, pglite, close: once(close) };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** Closing twice (a test's teardown after the runtime's) must not throw. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= fn();
    return closing;
  };
}

export function connectDatabase(config: { databaseUrl?: string; dataDir: string }): Promise<DatabaseHandle> {
  return config.databaseUrl
    ? connectPostgres(config.databaseUrl)
    : connectPglite({ dataDir: config.dataDir });
}
