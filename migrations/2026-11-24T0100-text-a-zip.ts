/**
 * Text-a-ZIP: what subscribing by SMS needs besides subscribers and subscriptions.
 *
 * - `consent_events`: opt-ins and opt-outs (TCPA/CTIA evidence), with channel, the command that
 *   caused them and the time. Never the number or the message text.
 * - `inbound_messages`: one row per Twilio MessageSid, so a retried webhook has one effect and gets
 *   the same reply. Holds the sender's blind index, the parsed command and the reply we gave; never
 *   the message body. Purged after 7 days.
 * - `email_confirmations`: email double opt-in. The token itself is never stored, only its
 *   SHA-256; the ZIPs and language to apply on confirmation; an expiry.
 * - `sms_rate_counters`: reply counters per number (by blind index) and global, per fixed window.
 *   UNLOGGED: no WAL, so counting costs little, and after a crash the counts restart at zero.
 * - `phone_simulator_messages`: local mode's /dev/phone transcript (fictional numbers only), kept
 *   like the outbox and purged with it.
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

const statements = [
  sql`CREATE TABLE consent_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber_id uuid NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('opt_in', 'opt_out')),
    channel text NOT NULL CHECK (channel IN ('sms', 'email', 'push')),
    keyword text NOT NULL CHECK (keyword ~ '^[a-z_]{1,32}$'),
    language text NOT NULL CHECK (language IN ('en', 'es', 'zh', 'vi')),
    at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE INDEX consent_events_subscriber_idx ON consent_events (subscriber_id, at)`,

  sql`CREATE TABLE inbound_messages (
    message_sid text PRIMARY KEY CHECK (message_sid ~ '^[A-Za-z0-9_-]{1,64}$'),
    sender_index bytea NOT NULL,
    command text NOT NULL CHECK (command ~ '^[a-z_]{1,32}$'),
    reply text[] NOT NULL DEFAULT '{}',
    received_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE INDEX inbound_messages_received_idx ON inbound_messages (received_at)`,

  sql`CREATE TABLE email_confirmations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    subscriber_id uuid NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE,
    zips text[] NOT NULL,
    language text NOT NULL CHECK (language IN ('en', 'es', 'zh', 'vi')),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    confirmed_at timestamptz
  )`,
  sql`CREATE INDEX email_confirmations_subscriber_idx ON email_confirmations (subscriber_id, created_at)`,

  sql`CREATE UNLOGGED TABLE sms_rate_counters (
    key bytea NOT NULL,
    window_start timestamptz NOT NULL,
    count integer NOT NULL,
    PRIMARY KEY (key, window_start)
  )`,

  sql`CREATE TABLE phone_simulator_messages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number_index bytea NOT NULL,
    direction text NOT NULL CHECK (direction IN ('to_aviso', 'from_aviso')),
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE INDEX phone_simulator_messages_number_idx ON phone_simulator_messages (number_index, id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "phone_simulator_messages",
    "sms_rate_counters",
    "email_confirmations",
    "inbound_messages",
    "consent_events",
  ]) {
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  }
}
