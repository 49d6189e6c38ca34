/**
 * The pager-code limit (src/services/paging/pager-phone.ts) counts `pager.phone_added` entries in
 * the audit log instead of a counter on the number's row, which removing the number reset: drop
 * that counter, and index the audit log by target so the count reads only that person's entries.
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE pager_phones DROP COLUMN codes_sent, DROP COLUMN codes_window_at`.execute(db);
  await sql`CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, action, at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX audit_log_target_idx`.execute(db);
  await sql`ALTER TABLE pager_phones ADD COLUMN codes_sent integer NOT NULL DEFAULT 0,
    ADD COLUMN codes_window_at timestamptz`.execute(db);
}
