/**
 * Operators and city comms: sending organisations, staff accounts with sessions and API keys,
 * login attempts (for rate limits), sightings with verification records and duplicate clustering,
 * and what the two-person rule needs on alerts.
 *
 * - `users.password_hash`: an argon2id PHC string. `sessions.token_hash`, `api_keys.key_hash`:
 *   SHA-256 of ≥ 256-bit random tokens, so a database dump holds nothing that signs anyone in.
 * - `login_attempts`: keyed by blind indexes of the account and the IP, never the values.
 * - `sightings.reporter_callback_*`: the caller's number, AES-256-GCM under its own purpose,
 *   no blind index (nobody needs to find reports by the reporter), purged after a window.
 * - `alerts.editor_ids`: everyone who changed a draft besides its author; none of them may approve.
 * - `alerts.approval_hash`: the preview hash the approver quoted; cleared by any edit.
 * - A drill stays a drill (trigger), a follow-up is a drill exactly when what it follows is, and
 *   only a cancel may be approved by its own author (the verifier-alone withdrawal).
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

const statements = [
  sql`CREATE TABLE organisations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
  )`,

  sql`CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL CHECK (email = lower(email) AND position('@' IN email) > 1),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role text NOT NULL CHECK (role IN ('operator', 'verifier', 'comms', 'admin')),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    disabled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (email)
  )`,

  sql`CREATE TABLE sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash bytea NOT NULL UNIQUE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    ended_at timestamptz
  )`,
  sql`CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE ended_at IS NULL`,

  sql`CREATE TABLE api_keys (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    prefix text NOT NULL UNIQUE,
    key_hash bytea NOT NULL UNIQUE,
    role text NOT NULL CHECK (role IN ('operator', 'verifier', 'comms')),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    created_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at timestamptz
  )`,

  sql`CREATE TABLE login_attempts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    account_key bytea NOT NULL,
    ip_key bytea NOT NULL,
    succeeded boolean NOT NULL
  )`,
  sql`CREATE INDEX login_attempts_account_idx ON login_attempts (account_key, at)`,
  sql`CREATE INDEX login_attempts_ip_idx ON login_attempts (ip_key, at)`,

  sql`CREATE TABLE sightings (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    status text NOT NULL DEFAULT 'reported'
      CHECK (status IN ('reported', 'dispatched', 'verified', 'unconfirmed', 'false_alarm')),
    zip text NOT NULL REFERENCES zip_codes (zip),
    place text NOT NULL CHECK (length(place) > 0),
    cross_streets text,
    observed_at timestamptz NOT NULL,
    agency text NOT NULL CHECK (agency IN ('ice', 'cbp', 'unknown', 'other')),
    activity text NOT NULL
      CHECK (activity IN ('sweep', 'targeted_arrest', 'checkpoint', 'traffic_stop', 'workplace', 'other')),
    vehicles integer CHECK (vehicles >= 0),
    agents integer CHECK (agents >= 0),
    description text,
    source text NOT NULL CHECK (source IN ('hotline_call', 'text', 'responder')),
    reporter_callback_ciphertext bytea,
    reporter_callback_key_id text,
    reporter_callback_purge_after timestamptz,
    reporter_callback_purged_at timestamptz,
    incident_id uuid REFERENCES sightings (id),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((reporter_callback_ciphertext IS NULL) = (reporter_callback_key_id IS NULL)),
    CHECK (reporter_callback_ciphertext IS NULL OR reporter_callback_purge_after IS NOT NULL)
  )`,
  sql`CREATE INDEX sightings_zip_observed_idx ON sightings (zip, observed_at)`,
  sql`CREATE INDEX sightings_incident_idx ON sightings (incident_id) WHERE incident_id IS NOT NULL`,
  sql`CREATE INDEX sightings_callback_purge_idx ON sightings (reporter_callback_purge_after)
    WHERE reporter_callback_ciphertext IS NOT NULL`,

  sql`CREATE TABLE sighting_verifications (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sighting_id uuid NOT NULL REFERENCES sightings (id) ON DELETE CASCADE,
    actor text NOT NULL,
    method text NOT NULL CHECK (method IN ('responder_on_scene', 'photo', 'independent_reports', 'other')),
    notes text,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE INDEX sighting_verifications_sighting_idx ON sighting_verifications (sighting_id)`,

  sql`ALTER TABLE alerts ADD COLUMN sighting_id uuid REFERENCES sightings (id)`,
  sql`ALTER TABLE alerts ADD COLUMN channels text[] NOT NULL DEFAULT ARRAY['sms', 'email', 'push']
    CHECK (cardinality(channels) > 0 AND channels <@ ARRAY['sms', 'email', 'push'])`,
  sql`ALTER TABLE alerts ADD COLUMN cancel_reason text CHECK (cancel_reason IN ('all_clear', 'false_alarm'))`,
  sql`ALTER TABLE alerts ADD COLUMN link text`,
  sql`ALTER TABLE alerts ADD COLUMN editor_ids text[] NOT NULL DEFAULT '{}'`,
  sql`ALTER TABLE alerts ADD COLUMN approval_hash text`,
  sql`ALTER TABLE alerts ADD COLUMN approved_at timestamptz`,
  sql`ALTER TABLE alerts ADD CONSTRAINT alerts_two_people
    CHECK (approver_id IS NULL OR approver_id <> author_id OR kind = 'cancel')`,
  sql`CREATE INDEX alerts_references_idx ON alerts (references_alert_id) WHERE references_alert_id IS NOT NULL`,
  sql`CREATE INDEX alerts_sighting_idx ON alerts (sighting_id) WHERE sighting_id IS NOT NULL`,

  sql`CREATE FUNCTION alerts_drill_is_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND NEW.is_drill IS DISTINCT FROM OLD.is_drill THEN
        RAISE EXCEPTION 'an alert cannot change between drill and live';
      END IF;
      IF NEW.references_alert_id IS NOT NULL
        AND NEW.is_drill IS DISTINCT FROM (SELECT is_drill FROM alerts WHERE id = NEW.references_alert_id) THEN
        RAISE EXCEPTION 'a follow-up is a drill exactly when the alert it follows is';
      END IF;
      RETURN NEW;
    END
  $$`,
  sql`CREATE TRIGGER alerts_drill_fixed BEFORE INSERT OR UPDATE ON alerts
    FOR EACH ROW EXECUTE FUNCTION alerts_drill_is_fixed()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER alerts_drill_fixed ON alerts`.execute(db);
  await sql`DROP FUNCTION alerts_drill_is_fixed()`.execute(db);
  await sql`ALTER TABLE alerts DROP CONSTRAINT alerts_two_people`.execute(db);
  for (const column of [
    "approved_at",
    "approval_hash",
    "editor_ids",
    "link",
    "cancel_reason",
    "channels",
    "sighting_id",
  ]) {
    await sql`ALTER TABLE alerts DROP COLUMN ${sql.ref(column)}`.execute(db);
  }
  for (const table of [
    "sighting_verifications",
    "sightings",
    "login_attempts",
    "api_keys",
    "sessions",
    "users",
    "organisations",
  ]) {
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  }
}
