/**
 * Responders, escalation and the invitation limit (issue 16, point 5, and its bad input):
 *
 * - `responder_rings`: each time responders are asked about a sighting, one row: by whom (a staff
 *   id, or `system` when nobody answered Y in time and the next ring went by itself), how many were
 *   wanted and how many were asked. The latest ring of an open sighting with no Y answer is due for
 *   escalation RESPONDER_ESCALATION_MINUTES after `created_at`. `after_minutes`: an escalation's wait, as configured when it went. `exhausted`: the escalation found
 *   nobody left to ask; said once, never retried (an operator's own dispatch starts a new ring).
 * - `responder_invitations`: when an organisation's invitation texts went (no number, no
 *   responder), to hold RESPONDER_INVITATIONS_PER_HOUR even when responders are deleted again.
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

const statements = [
  sql`CREATE TABLE responder_rings (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sighting_id uuid NOT NULL REFERENCES sightings (id) ON DELETE CASCADE,
    created_by text NOT NULL,
    escalated boolean NOT NULL DEFAULT false,
    requested integer NOT NULL CHECK (requested BETWEEN 1 AND 20),
    asked integer NOT NULL CHECK (asked >= 0),
    exhausted boolean NOT NULL DEFAULT false,
    after_minutes integer CHECK (after_minutes > 0),
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE INDEX responder_rings_sighting_idx ON responder_rings (sighting_id, id)`,
  sql`CREATE TABLE responder_invitations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE INDEX responder_invitations_org_idx ON responder_invitations (organisation_id, at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["responder_invitations", "responder_rings"]) {
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  }
}
