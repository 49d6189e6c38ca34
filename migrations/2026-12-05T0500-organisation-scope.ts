/**
 * Organisations see their own work: alerts and audit entries name the organisation they belong
 * to, as sightings, users and API keys already do.
 *
 * - `alerts.organisation_id`: the drafting organisation (set by the drafting service; existing
 *   rows from `sender_org`, which is that organisation's name). NULL only for alerts made outside
 *   the operator services (fixtures, imports): those are nobody's drafts, public once published.
 * - `audit_log.organisation_id`: whose entry it is, filled by a trigger on insert so that no writer
 *   can forget it: the acting user's or key's organisation, else the organisation of the object
 *   (a sighting, an alert, a user, an API key) a system action touched. NULL for service-wide
 *   entries (retention counts, an address locked, a sign-in to an unknown account).
 * - An index per organisation for the sightings board and the audit log.
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

const statements = [
  sql`ALTER TABLE alerts ADD COLUMN organisation_id uuid REFERENCES organisations (id)`,
  sql`UPDATE alerts SET organisation_id = o.id FROM organisations o WHERE o.name = alerts.sender_org`,
  sql`CREATE INDEX alerts_organisation_idx ON alerts (organisation_id, created_at)`,
  sql`CREATE INDEX sightings_organisation_idx ON sightings (organisation_id, observed_at)`,

  sql`ALTER TABLE audit_log ADD COLUMN organisation_id uuid REFERENCES organisations (id)`,
  // Ids are compared as uuids only when they look like one, so a malformed id never fails an insert.
  sql`CREATE FUNCTION audit_log_organisation_of(actor text, target_type text, target_id text)
    RETURNS uuid LANGUAGE sql STABLE AS $$
      SELECT COALESCE(
        CASE WHEN actor ~ '^user:[0-9a-f-]{36}$'
          THEN (SELECT organisation_id FROM users WHERE id = substr(actor, 6)::uuid) END,
        CASE WHEN actor ~ '^key:[0-9a-f-]{36}$'
          THEN (SELECT organisation_id FROM api_keys WHERE id = substr(actor, 5)::uuid) END,
        CASE WHEN target_id ~ '^[0-9a-f-]{36}$' THEN
          CASE target_type
            WHEN 'sighting' THEN (SELECT organisation_id FROM sightings WHERE id = target_id::uuid)
            WHEN 'alert' THEN (SELECT organisation_id FROM alerts WHERE id = target_id::uuid)
            WHEN 'user' THEN (SELECT organisation_id FROM users WHERE id = target_id::uuid)
            WHEN 'api_key' THEN (SELECT organisation_id FROM api_keys WHERE id = target_id::uuid)
          END
        END)
    $$`,
  sql`CREATE FUNCTION audit_log_set_organisation() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.organisation_id IS NULL THEN
        NEW.organisation_id := audit_log_organisation_of(NEW.actor, NEW.target_type, NEW.target_id);
      END IF;
      RETURN NEW;
    END $$`,
  sql`CREATE TRIGGER audit_log_organisation BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_set_organisation()`,
  // The one update the append-only log ever gets: its existing entries are attributed.
  sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`,
  sql`UPDATE audit_log SET organisation_id = audit_log_organisation_of(actor, target_type, target_id)`,
  sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`,
  sql`CREATE INDEX audit_log_organisation_idx ON audit_log (organisation_id, id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER audit_log_organisation ON audit_log`.execute(db);
  await sql`DROP FUNCTION audit_log_set_organisation()`.execute(db);
  await sql`DROP FUNCTION audit_log_organisation_of(text, text, text)`.execute(db);
  await sql`ALTER TABLE audit_log DROP COLUMN organisation_id`.execute(db);
  await sql`DROP INDEX sightings_organisation_idx`.execute(db);
  await sql`ALTER TABLE alerts DROP COLUMN organisation_id`.execute(db);
}
