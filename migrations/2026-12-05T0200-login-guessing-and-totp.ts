/**
 * Sign-in hardening (issue 14, "Signing in"):
 *
 * - `login_attempts.outcome` replaces `succeeded`: an attempt is reserved as `pending` before the
 *   password (or code) is checked, so concurrent guesses count against the limits at once, and is
 *   then `failed` or `succeeded`; `first_factor` is a right password whose second factor is still
 *   owed (counted neither way). `ip_key` becomes `client_key`: the blind index of the client's
 *   network (an IPv4 address, or an IPv6 /64), since one IPv6 host holds a whole /64.
 * - `sessions.stage`: `password` for a session that has passed the password but still owes its
 *   TOTP code (it opens nothing but the code form), `full` otherwise.
 * - `totp_factors`: a user's TOTP secret (RFC 6238), sealed like an address, under a purpose bound
 *   to the user; at most one confirmed and one awaiting confirmation per user; `last_used_step`
 *   refuses a code used again in its window.
 * - `recovery_codes`: SHA-256 of each one-time recovery code (80 random bits), `used_at` once used.
 *
 * Frozen: never edit after it has been applied; add a new migration instead.
 */
import { type Kysely, sql } from "kysely";

const statements = [
  sql`ALTER TABLE login_attempts ADD COLUMN outcome text NOT NULL DEFAULT 'failed'
    CHECK (outcome IN ('pending', 'failed', 'succeeded', 'first_factor'))`,
  sql`UPDATE login_attempts SET outcome = CASE WHEN succeeded THEN 'succeeded' ELSE 'failed' END`,
  sql`ALTER TABLE login_attempts ALTER COLUMN outcome DROP DEFAULT`,
  sql`ALTER TABLE login_attempts DROP COLUMN succeeded`,
  sql`ALTER TABLE login_attempts RENAME COLUMN ip_key TO client_key`,
  sql`ALTER INDEX login_attempts_ip_idx RENAME TO login_attempts_client_idx`,

  sql`ALTER TABLE sessions ADD COLUMN stage text NOT NULL DEFAULT 'full' CHECK (stage IN ('password', 'full'))`,

  sql`CREATE TABLE totp_factors (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_ciphertext bytea NOT NULL,
    secret_key_id text NOT NULL,
    created_at timestamptz NOT NULL,
    confirmed_at timestamptz,
    last_used_step bigint
  )`,
  sql`CREATE UNIQUE INDEX totp_factors_confirmed_idx ON totp_factors (user_id) WHERE confirmed_at IS NOT NULL`,
  sql`CREATE UNIQUE INDEX totp_factors_pending_idx ON totp_factors (user_id) WHERE confirmed_at IS NULL`,

  sql`CREATE TABLE recovery_codes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    used_at timestamptz
  )`,
  sql`CREATE INDEX recovery_codes_user_idx ON recovery_codes (user_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE recovery_codes`.execute(db);
  await sql`DROP TABLE totp_factors`.execute(db);
  await sql`ALTER TABLE sessions DROP COLUMN stage`.execute(db);
  await sql`ALTER INDEX login_attempts_client_idx RENAME TO login_attempts_ip_idx`.execute(db);
  await sql`ALTER TABLE login_attempts RENAME COLUMN client_key TO ip_key`.execute(db);
  await sql`ALTER TABLE login_attempts ADD COLUMN succeeded boolean NOT NULL DEFAULT false`.execute(db);
  await sql`UPDATE login_attempts SET succeeded = (outcome = 'succeeded')`.execute(db);
  await sql`ALTER TABLE login_attempts ALTER COLUMN succeeded DROP DEFAULT`.execute(db);
  await sql`ALTER TABLE login_attempts DROP COLUMN outcome`.execute(db);
}
