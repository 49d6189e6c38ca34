/**
 * Applies the migrations in migrations/ that the database has not seen yet. Each one runs in its own
 * transaction (Postgres DDL is transactional), so a failing migration leaves nothing half-applied.
 */
import type { Kysely } from "kysely";
import { type MigrationResultSet, Migrator } from "kysely/migration";
import { migrations } from "../../migrations/index.ts";
import type { Database } from "./database.ts";

export class MigrationError extends Error {
  constructor(migration: string | undefined, cause: unknown) {
    super(`Migration ${migration ?? "(unknown)"} failed and was rolled back: ${describe(cause)}`, { cause });
    this.name = "MigrationError";
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  // Unordered: migrations written in parallel may land in either order (0100 after 0200 was
  // applied somewhere); each is independent of the ones dated after it.
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    allowUnorderedMigrations: true,
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error");
    throw new MigrationError(failed?.migrationName, result.error);
  }
  return (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
