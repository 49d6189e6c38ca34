/**
 * A fresh database for one test file, copied from the run's template (see global-setup.ts), so
 * files run in parallel without seeing each other's rows.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { inject } from "vitest";
import { connectPglite, connectPostgres, type DatabaseHandle } from "../../src/db/connect.ts";
import { databaseUrlFor, maintenanceUrl } from "./postgres-urls.ts";

export type TestDatabase = { handle: DatabaseHandle; url?: string; drop(): Promise<void> };

export async function createTestDatabase(): Promise<TestDatabase> {
  const provided = inject("testDatabase");
  if (provided.kind === "pglite") {
    const handle = await connectPglite({ loadDataDir: new Blob([readFileSync(provided.dumpPath)]) });
    return { handle, drop: () => handle.close() };
  }
  const adminUrl = process.env.DATABASE_URL!;
  const name = `aviso_t_${provided.runId}_${randomBytes(4).toString("hex")}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${provided.template}`));
  const url = databaseUrlFor(adminUrl, name);
  const handle = await connectPostgres(url, 5);
  return {
    handle,
    url,
    async drop() {
      await handle.close();
      await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: maintenanceUrl(url) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export const backend = (): "postgres" | "pglite" => inject("testDatabase").kind;
