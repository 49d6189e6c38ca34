/**
 * A sighting's free text is erased once the sighting has been decided for a while
 * (SIGHTING_TEXT_RETENTION_DAYS; see src/services/retention/erase-sighting-texts.ts). What staff
 * typed (place, cross streets, description, verification notes) can name a caller or a person
 * detained; the facts the figures need (ZIP, times, agency, activity, counts, status) stay.
 *
 * - `sightings.place` may now be NULL, but only once the text is erased (`text_erased_at` set).
 * - `sightings.text_erased_at`: when the free text went (shown as such in the console and API).
 * - A partial index over decided sightings that still hold text, so the hourly job reads only them.
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE sightings ALTER COLUMN place DROP NOT NULL`.execute(db);
  await sql`ALTER TABLE sightings ADD COLUMN text_erased_at timestamptz`.execute(db);
  await sql`ALTER TABLE sightings ADD CONSTRAINT sightings_place_or_erased
    CHECK (place IS NOT NULL OR text_erased_at IS NOT NULL)`.execute(db);
  await sql`CREATE INDEX sightings_text_retention_idx ON sightings (updated_at)
    WHERE text_erased_at IS NULL AND status IN ('verified', 'unconfirmed', 'false_alarm')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX sightings_text_retention_idx`.execute(db);
  await sql`ALTER TABLE sightings DROP CONSTRAINT sightings_place_or_erased`.execute(db);
  await sql`ALTER TABLE sightings DROP COLUMN text_erased_at`.execute(db);
  await sql`UPDATE sightings SET place = '[erased]' WHERE place IS NULL`.execute(db);
  await sql`ALTER TABLE sightings ALTER COLUMN place SET NOT NULL`.execute(db);
}
