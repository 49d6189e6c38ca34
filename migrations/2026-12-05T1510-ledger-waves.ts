/**
 * The ledger in two waves (issue 20, point 3). A large alert's publish writes only the sighting
 * ZIP's first batch per channel and commits, so the first residents are reached within about a
 * tenth of a second of the approval; a job then writes the rest of the target's rows.
 *
 * - `alerts.ledger_first_wave_last_id`: the highest ledger id of the first wave (NULL for an alert
 *   written in one go). Batches are cut within each wave (src/ledger/batches.ts), so the sweep
 *   recomputes exactly the jobs publish enqueued.
 * - `alerts.ledger_pending`: true from the first wave's commit until the rest of the rows are
 *   written and their jobs enqueued (src/services/alerts/complete-ledger.ts); the deliveries sweep
 *   finishes any that a lost job left pending.
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE alerts ADD COLUMN ledger_first_wave_last_id bigint`.execute(db);
  await sql`ALTER TABLE alerts ADD COLUMN ledger_pending boolean NOT NULL DEFAULT false`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE alerts DROP COLUMN ledger_pending`.execute(db);
  await sql`ALTER TABLE alerts DROP COLUMN ledger_first_wave_last_id`.execute(db);
}
