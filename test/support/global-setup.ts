/**
 * Builds the template every test file's database is copied from, once per run: migrated and loaded
 * with the ZIP reference data. On Postgres it is a template database; on PGlite, a data-dir dump.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { connectPglite, connectPostgres } from "../../src/db/connect.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { loadZipCodes } from "../../src/db/zip-codes.ts";
import { databaseUrlFor, maintenanceUrl } from "./postgres-urls.ts";

declare module "vitest" {
  export interface ProvidedContext {
    testDatabase:
      | { kind: "postgres"; template: string; runId: string }
      | { kind: "pglite"; dumpPath: string };
  }
}

export default async function setup(project: TestProject) {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const runId = randomBytes(4).toString("hex");
    const template = `aviso_tpl_${runId}`;
    const admin = new pg.Client({ connectionString: maintenanceUrl(adminUrl) });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${template}`);
    const handle = await connectPostgres(databaseUrlFor(adminUrl, template), 1);
    await migrateToLatest(handle.db);
    await loadZipCodes(handle.db);
    await handle.close();
    project.provide("testDatabase", { kind: "postgres", template, runId });
    return async () => {
      const { rows } = await admin.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE $1",
        [`aviso_%${runId}%`],
      );
      for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      await admin.end();
    };
  }

  const dir = mkdtempSync(join(tmpdir(), "aviso-test-"));
  const handle = await connectPglite();
  if (handle.kind !== "pglite") throw new Error("expected PGlite");
  await migrateToLatest(handle.db);
  await loadZipCodes(handle.db);
  const dump = await handle.pglite.dumpDataDir("none");
  const dumpPath = join(dir, "template.tar");
  writeFileSync(dumpPath, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  project.provide("testDatabase", { kind: "pglite", dumpPath });
  return () => rmSync(dir, { recursive: true, force: true });
}
