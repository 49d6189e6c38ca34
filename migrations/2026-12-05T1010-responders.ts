/**
 * Responders (issue 16): an organisation's roster of trained volunteers, the texts that ask them to
 * go and look at a sighting, and what they answer.
 *
 * - `responders`: one volunteer on one organisation's roster: a name or alias, the phone sealed and
 *   blind-indexed exactly like a resident's SMS address (purpose `subscriber-address:sms`, so one
 *   lookup by index finds both the resident and the responder behind a number), the languages they
 *   speak, the ZIPs they cover and/or a home ZIP and a radius, whether they are on duty. `status`:
 *   `invited` until they reply YES (`consented_at`), `active` after, `stopped` once they text STOP.
 *   Deleting a responder deletes the row (and the number with it).
 * - `responder_consent_events`: their opt-in (YES to the invitation) and opt-out (STOP), like a
 *   resident's consent events: the command and the time, never the number or the text.
 * - `responder_requests`: one text asking one responder about one sighting, under the sighting's
 *   short case code; the send's outcome (`send_status`, the provider's id, the error code).
 * - `responder_answers`: what they answered (yes, no, confirm, nothing, gone) and, for a CONFIRM,
 *   what they said they see (`notes`), erased with the sighting's own free text.
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

const statements = [
  sql`CREATE TABLE responders (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    phone_ciphertext bytea NOT NULL,
    phone_key_id text NOT NULL,
    phone_index bytea NOT NULL,
    languages text[] NOT NULL CHECK (cardinality(languages) > 0
      AND languages <@ ARRAY['en', 'es', 'zh', 'vi']),
    zips text[] NOT NULL DEFAULT '{}',
    home_zip text REFERENCES zip_codes (zip),
    radius_miles real CHECK (radius_miles > 0 AND radius_miles <= 100),
    on_duty boolean NOT NULL DEFAULT false,
    status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'active', 'stopped')),
    consented_at timestamptz,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (cardinality(zips) > 0 OR (home_zip IS NOT NULL AND radius_miles IS NOT NULL)),
    UNIQUE (organisation_id, phone_index)
  )`,
  sql`CREATE INDEX responders_phone_idx ON responders (phone_index)`,
  sql`CREATE TABLE responder_consent_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    responder_id uuid NOT NULL REFERENCES responders (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('opt_in', 'opt_out')),
    keyword text NOT NULL CHECK (keyword ~ '^[a-z_]{1,32}$'),
    at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE INDEX responder_consent_events_responder_idx ON responder_consent_events (responder_id)`,
  sql`CREATE TABLE responder_requests (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    sighting_id uuid NOT NULL REFERENCES sightings (id) ON DELETE CASCADE,
    responder_id uuid REFERENCES responders (id) ON DELETE SET NULL,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    case_code text NOT NULL CHECK (case_code ~ '^[0-9]{4}$'),
    language text NOT NULL CHECK (language IN ('en', 'es', 'zh', 'vi')),
    distance_miles real NOT NULL,
    send_status text NOT NULL DEFAULT 'queued' CHECK (send_status IN ('queued', 'sent', 'failed')),
    provider_id text,
    last_error text,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    UNIQUE (sighting_id, responder_id)
  )`,
  sql`CREATE INDEX responder_requests_code_idx ON responder_requests (case_code)`,
  sql`CREATE INDEX responder_requests_responder_idx ON responder_requests (responder_id)`,
  sql`CREATE TABLE responder_answers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id uuid NOT NULL REFERENCES responder_requests (id) ON DELETE CASCADE,
    sighting_id uuid NOT NULL REFERENCES sightings (id) ON DELETE CASCADE,
    answer text NOT NULL CHECK (answer IN ('yes', 'no', 'confirm', 'nothing', 'gone')),
    notes text,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE INDEX responder_answers_sighting_idx ON responder_answers (sighting_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["responder_answers", "responder_requests", "responder_consent_events", "responders"]) {
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  }
}
