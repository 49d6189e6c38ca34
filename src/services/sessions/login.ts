/**
 * loginUser: email + password → a new session. Rate-limited per account and per IP address,
 * counted in the database so every API process (and Worker) shares the count; both are kept as
 * blind indexes, never as the email or address. A locked-out attempt is refused before the
 * password is even checked, and is not itself counted, so the lock lifts on time.
 *
 * Unknown emails cost the same argon2 verification as wrong passwords, and get the same answer.
 */
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { type DbOrTx, withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../http/errors.ts";
import { decoyHash, verifyPassword } from "../../security/passwords.ts";
import { randomToken, tokenHash } from "../../security/tokens.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { toUserView, type UserView, userQuery } from "../users/shape.ts";

export const LOGIN_LIMITS = {
  /** Failed logins to one account (since its last success) within the window. */
  perAccount: 5,
  /** Failed logins from one IP address within the window. */
  perIp: 20,
  windowMinutes: 15,
} as const;

export type LoginResult = {
  /** The session token for the cookie; shown once, stored only as its hash. */
  token: string;
  sessionId: string;
  expiresAt: Date;
  user: UserView;
};

export class LoginRateLimitedError extends ApiError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super("rate_limited", "Too many failed sign-ins; wait and try again", { retryAfterSeconds });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

type Ctx = Pick<AppContext, "db" | "clock" | "pii" | "config">;

export async function loginUser({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { email: string; password: string; ip: string };
}): Promise<LoginResult> {
  const email = input.email.trim().toLowerCase();
  // Counted under every blind-index key in use, so a key rotation does not reset the limits.
  const accountKeys = ctx.pii.blindIndexes(email, "login-account");
  const ipKeys = ctx.pii.blindIndexes(input.ip, "login-ip");
  const [accountKey, ipKey] = [accountKeys[0]!, ipKeys[0]!];
  const now = ctx.clock.now();
  const counted = await refuseWhenLimited(ctx, { accountKeys, ipKeys, now });

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
  const succeeded = user !== undefined && passwordOk && user.disabled_at === null;

  return withTransaction(ctx.db, async (tx) => {
    await tx
      .insertInto("login_attempts")
      .values({ at: now, account_key: accountKey, ip_key: ipKey, succeeded })
      .execute();
    if (!succeeded) {
      await recordAudit(tx, {
        actor: user ? `user:${user.id}` : "anonymous",
        action: "auth.login_failed",
        ...(user ? { target: { type: "user", id: user.id } } : {}),
        details: { reason: !user ? "unknown_account" : !passwordOk ? "wrong_password" : "disabled" },
        at: now,
      });
      await auditLocks(tx, { counted, userId: user?.id, now });
      return null;
    }
    const token = randomToken(32);
    const expiresAt = new Date(now.getTime() + ctx.config.operators.sessionAbsoluteHours * 3_600_000);
    const session = await tx
      .insertInto("sessions")
      .values({
        token_hash: tokenHash(token),
        user_id: user.id,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      actor: `user:${user.id}`,
      action: "auth.login",
      target: { type: "user", id: user.id },
      details: { session: session.id },
      at: now,
    });
    const view = toUserView(await userQuery(tx).where("users.id", "=", user.id).executeTakeFirstOrThrow());
    return { token, sessionId: session.id, expiresAt, user: view };
  }).then((result) => {
    // Thrown outside the transaction, so the failed attempt and its audit entry are kept.
    if (!result) throw new ApiError("unauthorized", "Wrong email or password");
    return result;
  });
}

async function refuseWhenLimited(
  ctx: Ctx,
  { accountKeys, ipKeys, now }: { accountKeys: Buffer[]; ipKeys: Buffer[]; now: Date },
): Promise<{ account: number; ip: number }> {
  const since = new Date(now.getTime() - LOGIN_LIMITS.windowMinutes * 60_000);
  const lastSuccess = await ctx.db
    .selectFrom("login_attempts")
    .select((eb) => eb.fn.max("at").as("at"))
    .where("account_key", "in", accountKeys)
    .where("succeeded", "=", true)
    .where("at", ">=", since)
    .executeTakeFirst();
  const accountSince = lastSuccess?.at && new Date(lastSuccess.at) > since ? new Date(lastSuccess.at) : since;
  const [account, ip] = await Promise.all([
    failures(ctx, "account_key", accountKeys, accountSince),
    failures(ctx, "ip_key", ipKeys, since),
  ]);
  const blocking = [
    account.count >= LOGIN_LIMITS.perAccount ? account.oldest : null,
    ip.count >= LOGIN_LIMITS.perIp ? ip.oldest : null,
  ].filter((at): at is Date => at !== null);
  if (blocking.length === 0) return { account: account.count, ip: ip.count };
  // The lock lifts when the oldest counted failure leaves the window.
  const liftsAt = Math.max(...blocking.map((at) => at.getTime() + LOGIN_LIMITS.windowMinutes * 60_000));
  throw new LoginRateLimitedError(Math.max(1, Math.ceil((liftsAt - now.getTime()) / 1000)));
}

/**
 * The failure that reaches a limit locks the account (or the address) until the oldest counted
 * failure leaves the window; that moment is audited, once. Attempts refused while locked are not
 * recorded at all (a flood of them must not fill the append-only log), and the address itself is
 * never written down.
 */
async function auditLocks(
  tx: DbOrTx,
  { counted, userId, now }: { counted: { account: number; ip: number }; userId?: string; now: Date },
): Promise<void> {
  const lock = { minutes: LOGIN_LIMITS.windowMinutes };
  if (counted.account + 1 === LOGIN_LIMITS.perAccount) {
    await recordAudit(tx, {
      actor: "system",
      action: "auth.account_locked",
      ...(userId ? { target: { type: "user", id: userId } } : {}),
      details: { ...lock, failures: LOGIN_LIMITS.perAccount, knownAccount: userId !== undefined },
      at: now,
    });
  }
  if (counted.ip + 1 === LOGIN_LIMITS.perIp) {
    await recordAudit(tx, {
      actor: "system",
      action: "auth.address_locked",
      details: { ...lock, failures: LOGIN_LIMITS.perIp },
      at: now,
    });
  }
}

async function failures(
  ctx: Ctx,
  column: "account_key" | "ip_key",
  keys: Buffer[],
  since: Date,
): Promise<{ count: number; oldest: Date | null }> {
  const row = await ctx.db
    .selectFrom("login_attempts")
    .select((eb) => [eb.fn.countAll<string>().as("n"), eb.fn.min("at").as("oldest")])
    .where(column, "in", keys)
    .where("succeeded", "=", false)
    .where("at", ">", since)
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), oldest: row.oldest ? new Date(row.oldest) : null };
}
