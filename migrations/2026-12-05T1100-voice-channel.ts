/**
 * Voice, a resident channel: alerts by phone call (issue 17, points 5-7).
 *
 * - `voice` joins the channels of subscribers, consent events, the ledger, the local outbox and an
 *   alert's chosen channels (new alerts choose it by default; existing ones keep their choice).
 *   A number's voice subscription is a row of its own, beside its SMS and WhatsApp ones.
 * - `deliveries.call_status`: how the call ended, from Twilio's status callback (completed,
 *   no-answer, busy, failed); voice rows only.
 * - `deliveries.voice_retry_at`: a call that rang out or found the line busy is placed once more,
 *   not before this time; set only on the one retry of a voice row.
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

const CHANNEL_TABLES = ["subscribers", "consent_events", "deliveries", "outbox"] as const;

async function setChannels(db: Kysely<unknown>, channels: string[]): Promise<void> {
  const list = sql.join(channels.map((channel) => sql.lit(channel)));
  for (const table of CHANNEL_TABLES) {
    await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT ${sql.ref(`${table}_channel_check`)}`.execute(
      db,
    );
    await sql`ALTER TABLE ${sql.table(table)} ADD CONSTRAINT ${sql.ref(`${table}_channel_check`)}
      CHECK (channel IN (${list}))`.execute(db);
  }
  await sql`ALTER TABLE alerts DROP CONSTRAINT alerts_channels_check`.execute(db);
  await sql`ALTER TABLE alerts ADD CONSTRAINT alerts_channels_check
    CHECK (cardinality(channels) > 0 AND channels <@ ARRAY[${list}]::text[])`.execute(db);
  await sql`ALTER TABLE alerts ALTER COLUMN channels SET DEFAULT ARRAY[${list}]::text[]`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await setChannels(db, ["sms", "email", "push", "whatsapp", "voice"]);
  await sql`ALTER TABLE deliveries ADD COLUMN call_status text
    CHECK (call_status IS NULL OR (channel = 'voice' AND call_status IN ('completed', 'no-answer', 'busy', 'failed')))`.execute(
    db,
  );
  await sql`ALTER TABLE deliveries ADD COLUMN voice_retry_at timestamptz
    CHECK (voice_retry_at IS NULL OR channel = 'voice')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE deliveries DROP COLUMN voice_retry_at`.execute(db);
  await sql`ALTER TABLE deliveries DROP COLUMN call_status`.execute(db);
  await setChannels(db, ["sms", "email", "push", "whatsapp"]);
}
