/**
 * Fan-out: what the delivery workers need on the ledger.
 *
 * - `zip`: the ZIP through which the subscriber is in the alert's target (the alert's own ZIP when
 *   they follow it), for per-ZIP figures that survive the subscriber being detached.
 * - `claim`, `claimed_at`: which job attempt holds a row in `sending`, so a later attempt can tell
 *   a row it holds from one a dead attempt left behind, and results are recorded only by the holder.
 * - `possible_duplicate`: the row was sent again after an attempt whose outcome is unknown (a worker
 *   that died between hand-off and record, or a provider that timed out): the resident may have two
 *   copies. This is the bounded, counted window of "nothing doubled".
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

const statements = [
  sql`ALTER TABLE deliveries ADD COLUMN zip text`,
  sql`ALTER TABLE deliveries ADD COLUMN claim text`,
  sql`ALTER TABLE deliveries ADD COLUMN claimed_at timestamptz`,
  sql`ALTER TABLE deliveries ADD COLUMN possible_duplicate boolean NOT NULL DEFAULT false`,
  // Claims walk one channel's id range of one alert.
  sql`CREATE INDEX deliveries_alert_channel_id_idx ON deliveries (alert_id, channel, id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX deliveries_alert_channel_id_idx`.execute(db);
  for (const column of ["possible_duplicate", "claimed_at", "claim", "zip"]) {
    await sql`ALTER TABLE deliveries DROP COLUMN ${sql.ref(column)}`.execute(db);
  }
}
