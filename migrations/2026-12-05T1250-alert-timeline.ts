/**
 * The alert timeline (issue 16, point 9): what the existing records do not already say.
 *
 * - `sightings.decided_at`: when a verifier last decided the sighting (verified, unconfirmed, false
 *   alarm). The status alone does not say when; filled from the audit log for sightings decided
 *   before this migration.
 * - `alerts.first_handoff_at`, `alerts.last_handoff_at`: when the first and the last message of the
 *   alert were handed to a provider. The delivery worker widens them once per delivery job (never
 *   once per message, so the fan-out pays one small UPDATE per batch of up to 500 rows); filled from
 *   the ledger's `sent_at` for alerts sent before this migration.
 *
 * Every other step is read where it is already recorded: the sighting's `created_at`, the first
 * `responder_requests` and `responder_answers` rows, the alert's `created_at`, `approved_at`,
 * `published_at` (src/services/alerts/alert-timeline.ts).
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

const statements = [
  sql`ALTER TABLE sightings ADD COLUMN decided_at timestamptz`,
  sql`UPDATE sightings s SET decided_at = a.at
    FROM (SELECT target_id, max(at) AS at FROM audit_log
          WHERE action = 'sighting.status_changed' AND target_type = 'sighting'
            AND details->>'to' IN ('verified', 'unconfirmed', 'false_alarm')
          GROUP BY target_id) a
    WHERE a.target_id = s.id::text`,
  sql`ALTER TABLE alerts ADD COLUMN first_handoff_at timestamptz`,
  sql`ALTER TABLE alerts ADD COLUMN last_handoff_at timestamptz`,
  sql`UPDATE alerts a SET first_handoff_at = d.first_at, last_handoff_at = d.last_at
    FROM (SELECT alert_id, min(sent_at) AS first_at, max(sent_at) AS last_at FROM deliveries
          WHERE sent_at IS NOT NULL GROUP BY alert_id) d
    WHERE d.alert_id = a.id`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE alerts DROP COLUMN last_handoff_at`.execute(db);
  await sql`ALTER TABLE alerts DROP COLUMN first_handoff_at`.execute(db);
  await sql`ALTER TABLE sightings DROP COLUMN decided_at`.execute(db);
}
