/**
 * Unconfirmed alerts and their follow-ups (issue 16, point 8).
 *
 * - `alerts.sighting_label`: what an alert about a sighting says it is, beyond what its kind and
 *   sighting already say. 'unconfirmed' on a sighting alert drafted from a dispatched sighting not
 *   yet verified (UNCONFIRMED_ALERTS on); 'verified' on the update that follows one once the
 *   sighting is verified. NULL on everything else (VERIFIED / ADVISORY / UPDATE as before). Kept
 *   on the row, not derived from the sighting's status now: a published UNCONFIRMED alert stays
 *   UNCONFIRMED in its history after the sighting is decided.
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE alerts ADD COLUMN sighting_label text
    CHECK (sighting_label IS NULL
      OR (sighting_label = 'unconfirmed' AND kind = 'sighting' AND sighting_id IS NOT NULL)
      OR (sighting_label = 'verified' AND kind = 'update' AND sighting_id IS NOT NULL))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE alerts DROP COLUMN sighting_label`.execute(db);
}
