/**
 * Who is calling: a session token from the cookie, or an API key from `Authorization: Bearer`.
 * A session ends when it has been idle too long or reached its absolute lifetime (both from
 * config), when its user is disabled, or at logout; an ended session never comes back.
 *
 * Only a session at the `full` stage is anyone: one that passed the password but still owes its
 * second factor is nobody here (verifyLoginCode finds it itself). A full session of a user whose
 * role must have a second factor (TOTP_REQUIRED_ROLES) and who has none has `enrol` access: it
 * may set one up and nothing else (findSession says so; authenticateSession refuses it).
 */

import type { AppContext } from "../context.ts";
import { tokenHash } from "../security/tokens.ts";
import type { Actor } from "./permissions.ts";

/** last_seen_at is written at most this often, so reads do not all become writes. */
const TOUCH_EVERY_MS = 15_000;

type Ctx = Pick<AppContext, "db" | "clock" | "config">;

export type SessionAccess = "full" | "enrol";

/** The signed-in person and what their session may do; null for no (or an ended) session. */
export async function findSession({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { token: string };
}): Promise<{ actor: Actor; access: SessionAccess } | null> {
  const now = ctx.clock.now();
  const row = await ctx.db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .innerJoin("organisations", "organisations.id", "users.organisation_id")
    .select([
      "sessions.id as session_id",
      "sessions.last_seen_at",
      "sessions.expires_at",
      "users.id as user_id",
      "users.name",
      "users.role",
      "users.disabled_at",
      "organisations.id as organisation_id",
      "organisations.name as organisation_name",
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom("totp_factors")
              .select("totp_factors.id")
              .whereRef("totp_factors.user_id", "=", "users.id")
              .where("totp_factors.confirmed_at", "is not", null),
          )
          .as("has_second_factor"),
    ])
    .where("sessions.token_hash", "=", tokenHash(input.token))
    .where("sessions.ended_at", "is", null)
    .where("sessions.stage", "=", "full")
    .executeTakeFirst();
  if (!row) return null;
  const idleMs = ctx.config.operators.sessionIdleMinutes * 60_000;
  const expired =
    now.getTime() >= row.expires_at.getTime() ||
    now.getTime() - row.last_seen_at.getTime() >= idleMs ||
    row.disabled_at !== null;
  if (expired) {
    await ctx.db.updateTable("sessions").set({ ended_at: now }).where("id", "=", row.session_id).execute();
    return null;
  }
  if (now.getTime() - row.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
    await ctx.db
      .updateTable("sessions")
      .set({ last_seen_at: now })
      .where("id", "=", row.session_id)
      .execute();
  }
  const actor: Actor = {
    id: `user:${row.user_id}`,
    kind: "user",
    subjectId: row.user_id,
    role: row.role,
    name: row.name,
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    sessionId: row.session_id,
  };
  const mustEnrol = ctx.config.operators.totpRequiredRoles.includes(row.role) && !row.has_second_factor;
  return { actor, access: mustEnrol ? "enrol" : "full" };
}

/** The signed-in person, if their session is at the full stage and owes no enrolment. */
export async function authenticateSession({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { token: string };
}): Promise<Actor | null> {
  const found = await findSession({ ctx, input });
  return found?.access === "full" ? found.actor : null;
}

export async function authenticateApiKey({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { key: string };
}): Promise<Actor | null> {
  const now = ctx.clock.now();
  const row = await ctx.db
    .selectFrom("api_keys")
    .innerJoin("organisations", "organisations.id", "api_keys.organisation_id")
    .select([
      "api_keys.id",
      "api_keys.name",
      "api_keys.role",
      "api_keys.last_used_at",
      "organisations.id as organisation_id",
      "organisations.name as organisation_name",
    ])
    .where("api_keys.key_hash", "=", tokenHash(input.key))
    .where("api_keys.revoked_at", "is", null)
    .executeTakeFirst();
  if (!row) return null;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= 60_000) {
    await ctx.db.updateTable("api_keys").set({ last_used_at: now }).where("id", "=", row.id).execute();
  }
  return {
    id: `key:${row.id}`,
    kind: "key",
    subjectId: row.id,
    role: row.role,
    name: row.name,
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
  };
}
