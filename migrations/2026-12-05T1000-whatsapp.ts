/**
 * WhatsApp, a resident channel like text-a-ZIP (issue 18).
 *
 * - `whatsapp` joins the channels of subscribers, consent events, the ledger, the local outbox and
 *   an alert's chosen channels (new alerts choose it by default; existing ones keep their choice).
 *   A number's WhatsApp subscription is a row of its own, beside its SMS one.
 * - `subscribers.last_inbound_at`: when a WhatsApp subscriber last wrote to us. WhatsApp allows a
 *   free-form message only within 24 hours of it (else a pre-approved template), so that is all it
 *   is for: set only on WhatsApp rows, and cleared by housekeeping once older than the window.
 * - `deliveries.read_at`: WhatsApp's `read` status callback. Counted in the alert's figures; on the
 *   row it is detached from the person with the rest of the ledger (DELIVERY_DETACH_DAYS).
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

const CHANNEL_TABLES = ["subscribers", "consent_events", "deliveries", "outbox"] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of CHANNEL_TABLES) {
    await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT ${sql.ref(`${table}_channel_check`)}`.execute(
      db,
    );
    await sql`ALTER TABLE ${sql.table(table)} ADD CONSTRAINT ${sql.ref(`${table}_channel_check`)}
      CHECK (channel IN ('sms', 'email', 'push', 'whatsapp'))`.execute(db);
  }
  await sql`ALTER TABLE alerts DROP CONSTRAINT alerts_channels_check`.execute(db);
  await sql`ALTER TABLE alerts ADD CONSTRAINT alerts_channels_check
    CHECK (cardinality(channels) > 0 AND channels <@ ARRAY['sms', 'email', 'push', 'whatsapp'])`.execute(db);
  await sql`ALTER TABLE alerts ALTER COLUMN channels SET DEFAULT ARRAY['sms', 'email', 'push', 'whatsapp']`.execute(
    db,
  );
  await sql`ALTER TABLE subscribers ADD COLUMN last_inbound_at timestamptz
    CHECK (last_inbound_at IS NULL OR channel = 'whatsapp')`.execute(db);
  await sql`ALTER TABLE deliveries ADD COLUMN read_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE deliveries DROP COLUMN read_at`.execute(db);
  await sql`ALTER TABLE subscribers DROP COLUMN last_inbound_at`.execute(db);
  await sql`ALTER TABLE alerts ALTER COLUMN channels SET DEFAULT ARRAY['sms', 'email', 'push']`.execute(db);
  await sql`ALTER TABLE alerts DROP CONSTRAINT alerts_channels_check`.execute(db);
  await sql`ALTER TABLE alerts ADD CONSTRAINT alerts_channels_check
    CHECK (cardinality(channels) > 0 AND channels <@ ARRAY['sms', 'email', 'push'])`.execute(db);
  for (const table of CHANNEL_TABLES) {
    await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT ${sql.ref(`${table}_channel_check`)}`.execute(
      db,
    );
    await sql`ALTER TABLE ${sql.table(table)} ADD CONSTRAINT ${sql.ref(`${table}_channel_check`)}
      CHECK (channel IN ('sms', 'email', 'push'))`.execute(db);
  }
}
