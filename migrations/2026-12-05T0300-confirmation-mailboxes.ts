/**
 * confirmation_mailboxes: when a confirmation mail last went to a mailbox, keyed by a blind index
 * of the mailbox (src/security/email-address.ts), so that one mailbox gets at most one confirmation
 * mail per ten minutes whichever address form, sign-up path or process asked for it. One row per
 * mailbox, updated by a conditional upsert that is atomic under concurrency. UNLOGGED like the
 * other counters: a crash that empties it only forgets the last ten minutes. Housekeeping deletes
 * rows once they no longer limit anything.
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE UNLOGGED TABLE confirmation_mailboxes (
    mailbox_index bytea PRIMARY KEY,
    mailed_at timestamptz NOT NULL
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE confirmation_mailboxes`.execute(db);
}
