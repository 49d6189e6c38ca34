/**
 * Core schema: reference ZIPs, subscribers (addresses encrypted, blind-indexed), subscriptions,
 * alerts with per-language texts, the delivery ledger, the append-only audit log, and the local
 * outbox. Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

const statements = [
  sql`CREATE TABLE zip_codes (
    zip text PRIMARY KEY CHECK (zip ~ '^[0-9]{5}$'),
    city text NOT NULL,
    state text NOT NULL,
    latitude double precision NOT NULL,
    longitude double precision NOT NULL
  )`,

  sql`CREATE TABLE subscribers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    channel text NOT NULL CHECK (channel IN ('sms', 'email', 'push')),
    address_ciphertext bytea NOT NULL,
    address_key_id text NOT NULL,
    address_index bytea NOT NULL,
    language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'es', 'zh', 'vi')),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'stopped')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    stopped_at timestamptz,
    UNIQUE (channel, address_index)
  )`,

  sql`CREATE TABLE subscriptions (
    subscriber_id uuid NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    zip text NOT NULL REFERENCES zip_codes (zip),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscriber_id, zip)
  )`,
  sql`CREATE INDEX subscriptions_zip_idx ON subscriptions (zip, subscriber_id)`,

  sql`CREATE TABLE alerts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind text NOT NULL CHECK (kind IN ('sighting', 'statement', 'update', 'cancel')),
    priority text NOT NULL CHECK (priority IN ('alert', 'advisory', 'community')),
    status text NOT NULL DEFAULT 'draft'
      CHECK (status IN ('draft', 'approved', 'published', 'expired', 'cancelled')),
    target_zips text[] NOT NULL CHECK (cardinality(target_zips) > 0),
    is_drill boolean NOT NULL DEFAULT false,
    sender_org text NOT NULL,
    author_id text,
    approver_id text,
    references_alert_id uuid REFERENCES alerts (id),
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
  )`,
  sql`CREATE INDEX alerts_published_idx ON alerts (published_at DESC) WHERE published_at IS NOT NULL`,

  sql`CREATE TABLE alert_texts (
    alert_id uuid NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    language text NOT NULL CHECK (language IN ('en', 'es', 'zh', 'vi')),
    headline text NOT NULL CHECK (length(headline) > 0),
    body text NOT NULL CHECK (length(body) > 0),
    sms_text text NOT NULL CHECK (length(sms_text) > 0),
    PRIMARY KEY (alert_id, language)
  )`,

  // The ledger. subscriber_id becomes NULL when rows are detached from people after the
  // retention window; the figures stay.
  sql`CREATE TABLE deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id uuid NOT NULL REFERENCES alerts (id),
    subscriber_id uuid REFERENCES subscribers (id) ON DELETE SET NULL,
    channel text NOT NULL CHECK (channel IN ('sms', 'email', 'push')),
    status text NOT NULL DEFAULT 'queued'
      CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'skipped')),
    attempts integer NOT NULL DEFAULT 0,
    provider_id text,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    UNIQUE (alert_id, subscriber_id, channel)
  )`,
  sql`CREATE INDEX deliveries_alert_status_idx ON deliveries (alert_id, status)`,
  sql`CREATE INDEX deliveries_provider_id_idx ON deliveries (provider_id) WHERE provider_id IS NOT NULL`,

  // Append-only: who did what to which object. Never holds subscriber addresses.
  sql`CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL,
    action text NOT NULL,
    target_type text,
    target_id text,
    details jsonb NOT NULL DEFAULT '{}'
  )`,
  sql`CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only';
    END
  $$`,
  sql`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`,

  // Local mode only: what would have gone to a provider. Recipients are encrypted like addresses.
  sql`CREATE TABLE outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel text NOT NULL CHECK (channel IN ('sms', 'email', 'push')),
    subscriber_id uuid REFERENCES subscribers (id) ON DELETE SET NULL,
    recipient_ciphertext bytea NOT NULL,
    recipient_key_id text NOT NULL,
    recipient_index bytea NOT NULL,
    subject text,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE INDEX outbox_recipient_idx ON outbox (recipient_index, id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["outbox", "audit_log", "deliveries", "alert_texts", "alerts", "subscriptions"]) {
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  }
  await sql`DROP FUNCTION audit_log_is_append_only()`.execute(db);
  await sql`DROP TABLE subscribers`.execute(db);
  await sql`DROP TABLE zip_codes`.execute(db);
}
