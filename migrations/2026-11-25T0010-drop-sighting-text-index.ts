/**
 * Drops sightings_text_retention_idx (2026-11-24T2330). Its predicate (`text_erased_at IS NULL`)
 * is not implied by the retention job's condition, which is on content (so that text typed into an
 * erased sighting later goes too), so Postgres could never use it, and it only cost writes. The job
 * reads the sightings table once an hour; a hotline's sightings are thousands of rows, not millions.
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS sightings_text_retention_idx`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX sightings_text_retention_idx ON sightings (updated_at)
    WHERE text_erased_at IS NULL AND status IN ('verified', 'unconfirmed', 'false_alarm')`.execute(db);
}
