/** GET /healthz: 200 when the database answers within a second, 503 when it does not. */
import { Hono } from "hono";
import { sql } from "kysely";
import type { AppEnv } from "../context.ts";
import { errorBody } from "../http/errors.ts";

const TIMEOUT_MS = 1_000;

export const healthRoutes = new Hono<AppEnv>().get("/healthz", async (c) => {
  const { db, handle, config } = c.get("ctx");
  const started = performance.now();
  try {
    await withTimeout(sql`SELECT 1`.execute(db), TIMEOUT_MS);
  } catch {
    return c.json(
      errorBody("database_unavailable", "The database is not answering", c.get("requestId")),
      503,
    );
  }
  return c.json({
    ok: true,
    database: handle.kind,
    databaseMs: Math.round(performance.now() - started),
    mode: config.localMode ? "local" : "live",
  });
});

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
