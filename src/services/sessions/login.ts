/**
 * loginUser: email + password (and, for an account with a second factor, a TOTP or recovery code)
 * → a new session. verifyLoginCode: the second step of a sign-in that gave only the password.
 *
 * Every check is an attempt under the guessing limits (login-attempts.ts): reserved before argon2
 * or the code check, settled after. Wrong codes count like wrong passwords, against the same
 * account and client. A right password for an account with a second factor, without its code,
 * gives a session at the `password` stage: it opens nothing but the code form, for a few minutes.
 *
 * Unknown emails cost the same argon2 verification as wrong passwords, and get the same answer.
 */
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { type DbOrTx, withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import { decoyHash, verifyPassword } from "../../security/passwords.ts";
import { tokenHash } from "../../security/tokens.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { useSecondFactor } from "../second-factor/totp-factor.ts";
import { toUserView, type UserView, userQuery } from "../users/shape.ts";
import { createSession, SECOND_FACTOR_MINUTES } from "./create-session.ts";
import {
  type AttemptKeys,
  attemptKeys,
  LOGIN_LIMITS,
  LoginRateLimitedError,
  reserveAttempt,
  settleAttempt,
} from "./login-attempts.ts";

export { LOGIN_LIMITS, LoginRateLimitedError };

export type LoginResult = {
  /** The session token for the cookie; shown once, stored only as its hash. */
  token: string;
  sessionId: string;
  expiresAt: Date;
  user: UserView;
  /**
   * `code`: the password was right; the session opens only the second-factor step. `enrol`: signed
   * in, but the role must have a second factor and the user has none: set one up first.
   */
  next: "code" | "enrol" | null;
};

type Ctx = Pick<AppContext, "db" | "clock" | "pii" | "config">;
type SecondFactorInput = { code?: string; recoveryCode?: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reserves an attempt (or throws 429) and, while the account's brake is on, waits. */
async function attempt(ctx: Ctx, keys: AttemptKeys, now: Date): Promise<string> {
  const { id, braked } = await reserveAttempt(ctx, keys, now);
  if (braked) await sleep(LOGIN_LIMITS.brakeDelayMs);
  return id;
}

export async function loginUser({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { email: string; password: string; ip: string } & SecondFactorInput;
}): Promise<LoginResult> {
  const email = input.email.trim().toLowerCase();
  const keys = attemptKeys(ctx, email, input.ip);
  const now = ctx.clock.now();
  const attemptId = await attempt(ctx, keys, now);

  // Accounts are created with valid addresses only: anything else (a NUL byte, which Postgres text
  // cannot even hold, say) is an unknown email, answered the same way without a lookup.
  const user = z.email().safeParse(email).success
    ? await ctx.db
        .selectFrom("users")
        .select(["id", "password_hash", "disabled_at"])
        .where("email", "=", email)
        .executeTakeFirst()
    : undefined;
  const passwordOk = await verifyPassword(user?.password_hash ?? (await decoyHash()), input.password);
  const passed = user !== undefined && passwordOk && user.disabled_at === null;

  return withTransaction(ctx.db, async (tx) => {
    const settle = (outcome: "failed" | "succeeded" | "first_factor") =>
      settleAttempt(tx, { id: attemptId, keys, outcome, userId: user?.id, now });
    if (!passed) {
      await recordAudit(tx, {
        actor: user ? `user:${user.id}` : "anonymous",
        action: "auth.login_failed",
        ...(user ? { target: { type: "user", id: user.id } } : {}),
        details: { reason: !user ? "unknown_account" : !passwordOk ? "wrong_password" : "disabled" },
        at: now,
      });
      // After the failure's own entry, so the log reads failure, then the lock it caused.
      await settle("failed");
      return "Wrong email or password";
    }
    const hasFactor = await tx
      .selectFrom("totp_factors")
      .select("id")
      .where("user_id", "=", user.id)
      .where("confirmed_at", "is not", null)
      .executeTakeFirst();
    if (hasFactor && !input.code && !input.recoveryCode) {
      await settle("first_factor");
      const expiresAt = new Date(now.getTime() + SECOND_FACTOR_MINUTES * 60_000);
      const session = await createSession(tx, { userId: user.id, stage: "password", now, expiresAt });
      await recordAudit(tx, {
        actor: `user:${user.id}`,
        action: "auth.password_accepted",
        target: { type: "user", id: user.id },
        details: { session: session.sessionId, awaiting: "second_factor" },
        at: now,
      });
      return { ...session, expiresAt, user: await view(tx, user.id), next: "code" as const };
    }
    const factor = hasFactor
      ? await useSecondFactor(tx, ctx.pii, { userId: user.id, ...input, now })
      : "none";
    if (factor === null) return wrongCode(tx, settle, user.id, now);
    await settle("succeeded");
    return signIn(tx, ctx, user.id, factor, now);
  }).then(orThrow);
}

export async function verifyLoginCode({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { sessionToken: string; ip: string } & SecondFactorInput;
}): Promise<LoginResult> {
  const now = ctx.clock.now();
  const session = await ctx.db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(["sessions.id", "users.id as user_id", "users.email", "users.disabled_at"])
    .where("sessions.token_hash", "=", tokenHash(input.sessionToken))
    .where("sessions.stage", "=", "password")
    .where("sessions.ended_at", "is", null)
    .where("sessions.expires_at", ">", now)
    .executeTakeFirst();
  if (!session || session.disabled_at !== null) {
    throw new ApiError("unauthorized", "This sign-in has ended; sign in again with your password");
  }
  const keys = attemptKeys(ctx, session.email, input.ip);
  const attemptId = await attempt(ctx, keys, now);
  return withTransaction(ctx.db, async (tx) => {
    const settle = (outcome: "failed" | "succeeded") =>
      settleAttempt(tx, { id: attemptId, keys, outcome, userId: session.user_id, now });
    const factor = await useSecondFactor(tx, ctx.pii, { userId: session.user_id, ...input, now });
    if (factor === null) return wrongCode(tx, settle, session.user_id, now);
    await settle("succeeded");
    // A new token for the signed-in session: the one that only passed the password ends here.
    await tx.updateTable("sessions").set({ ended_at: now }).where("id", "=", session.id).execute();
    return signIn(tx, ctx, session.user_id, factor, now);
  }).then(orThrow);
}

async function wrongCode(
  tx: DbOrTx,
  settle: (outcome: "failed") => Promise<void>,
  userId: string,
  now: Date,
): Promise<string> {
  await recordAudit(tx, {
    actor: `user:${userId}`,
    action: "auth.login_failed",
    target: { type: "user", id: userId },
    details: { reason: "wrong_code" },
    at: now,
  });
  await settle("failed");
  return "Wrong code";
}

async function signIn(
  tx: DbOrTx,
  ctx: Ctx,
  userId: string,
  secondFactor: "totp" | "recovery_code" | "none",
  now: Date,
): Promise<LoginResult> {
  const expiresAt = new Date(now.getTime() + ctx.config.operators.sessionAbsoluteHours * 3_600_000);
  const session = await createSession(tx, { userId, stage: "full", now, expiresAt });
  await recordAudit(tx, {
    actor: `user:${userId}`,
    action: "auth.login",
    target: { type: "user", id: userId },
    details: { session: session.sessionId, secondFactor },
    at: now,
  });
  const user = await view(tx, userId);
  const mustEnrol = secondFactor === "none" && ctx.config.operators.totpRequiredRoles.includes(user.role);
  return { ...session, expiresAt, user, next: mustEnrol ? "enrol" : null };
}

async function view(tx: DbOrTx, userId: string): Promise<UserView> {
  return toUserView(await userQuery(tx).where("users.id", "=", userId).executeTakeFirstOrThrow());
}

// Thrown outside the transaction, so the failed attempt and its audit entry are kept.
function orThrow(result: LoginResult | string): LoginResult {
  if (typeof result === "string") throw new ApiError("unauthorized", result);
  return result;
}
