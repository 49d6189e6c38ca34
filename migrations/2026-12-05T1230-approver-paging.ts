/**
 * Approvers are paged (issue 16, point 7): a draft waiting for approval is pushed to the console
 * of every staff member who may approve it and texted to those who proved a number of their own.
 *
 * - `pager_push_subscriptions`: a staff browser's PushSubscription (the staff service worker,
 *   scope /console/), sealed and blind-indexed like a resident's (purpose `staff-pager:push`, so it
 *   never matches a resident's subscription), per user; deleted with the user, when the user is
 *   disabled, when the user removes it, and when the push service answers 404/410.
 * - `pager_phones`: one number per user for SMS pages, sealed and blind-indexed (purpose
 *   `staff-pager:sms`). It pages only once `verified_at` is set: a code texted to it and typed back
 *   on the account page (`code_hash`, an HMAC of the code, never the code; `code_attempts` counts
 *   wrong guesses; `codes_sent` in the hour from `codes_window_at` limits how often Aviso texts a
 *   number someone typed).
 * - `approval_pages`: one row per draft waiting for approval: since when (`pending_since`), when
 *   its first page and its re-page went out, and when an eligible approver first opened the
 *   approval page. The claims on it (`paged_at IS NULL`, `repaged_at IS NULL`) make paging
 *   idempotent when a job and the housekeeping backstop run at once.
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

const statements = [
  sql`CREATE TABLE pager_push_subscriptions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address_ciphertext bytea NOT NULL,
    address_key_id text NOT NULL,
    address_index bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE INDEX pager_push_subscriptions_user_idx ON pager_push_subscriptions (user_id)`,
  sql`CREATE TABLE pager_phones (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    phone_ciphertext bytea NOT NULL,
    phone_key_id text NOT NULL,
    phone_index bytea NOT NULL,
    verified_at timestamptz,
    code_hash bytea,
    code_expires_at timestamptz,
    code_attempts integer NOT NULL DEFAULT 0,
    codes_sent integer NOT NULL DEFAULT 0,
    codes_window_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  sql`CREATE TABLE approval_pages (
    alert_id uuid PRIMARY KEY REFERENCES alerts (id) ON DELETE CASCADE,
    pending_since timestamptz NOT NULL,
    paged_at timestamptz,
    repaged_at timestamptz,
    opened_at timestamptz,
    opened_by uuid REFERENCES users (id) ON DELETE SET NULL
  )`,
  sql`CREATE INDEX approval_pages_due_idx ON approval_pages (pending_since)
    WHERE repaged_at IS NULL AND opened_at IS NULL`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["approval_pages", "pager_phones", "pager_push_subscriptions"]) {
    await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  }
}
