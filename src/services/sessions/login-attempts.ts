/**
 * The guessing limits on signing in: every password or second-factor code checked is an attempt,
 * counted per account and per client network (src/security/client-key.ts: an IPv4 address, or
 * an IPv6 /64), both as blind indexes, in `login_attempts`, so every API process and Worker shares
 * the count and nothing stores the email or the address.
 *
 * 1. reserveAttempt, before argon2 or the code check, in one transaction holding advisory locks on
 *    the account and the client: counts, decides, and inserts the attempt as `pending`, which
 *    counts as a failure until settled. Concurrent guesses therefore meet the limit at once: 25 at
 *    the same moment get 5 checks, not 25.
 * 2. The rules, within WINDOW minutes:
 *    - an account and a client: 5 failures (since that client's last success) lock that client
 *      out of that account; the owner, elsewhere, is not locked;
 *    - a client: 20 failures across accounts lock the client out of every account;
 *    - an account: 10 failures from any clients put on the brake: while it is on, a client that
 *      has failed on the account gets no more tries, and one that has not is let through after a
 *      delay (slowed, never refused). An attacker with many networks thus gets 5 guesses from the
 *      first ones and one from each network after; that is what the second factor is for.
 * 3. settleAttempt, after the check, under the same locks: records the outcome, and when a failure
 *    is the one that reaches a limit, audits that lock, exactly once (the count only grows one
 *    settled failure at a time, under the lock). Refused attempts are not recorded at all, so a
 *    flood cannot fill the append-only audit log, and a lock lifts on time.
 */
import { sql } from "kysely";
import type { AppContext } from "../../context.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import { clientKey } from "../../security/client-key.ts";
import { recordAudit } from "../audit/record-audit.ts";

export const LOGIN_LIMITS = {
  /** Failures of one client on one account (since its last success there) within the window. */
  perAccountAndClient: 5,
  /** Failures of one client across accounts within the window. */
  perClient: 20,
  /** Failures on one account from all clients within the window that put the brake on. */
  brakeAfter: 10,
  /** How long an attempt waits, while the brake is on, before it is checked. */
  brakeDelayMs: 1_000,
  windowMinutes: 15,
} as const;

/** The advisory-lock class of sign-in attempts (the two-key form, as the texters' locks). */
const LOGIN_LOCK_CLASS = 0x6c6f6731; // "log1"

export type AttemptKeys = {
  /** The account's blind indexes, the current key's first (both during a key rotation). */
  account: Buffer[];
  /** The client network's blind indexes, likewise. */
  client: Buffer[];
};

export type Outcome = "failed" | "succeeded" | "first_factor";

export class LoginRateLimitedError extends ApiError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super("rate_limited", "Too many failed sign-ins; wait and try again", { retryAfterSeconds });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

type Ctx = Pick<AppContext, "db" | "pii">;

export function attemptKeys(ctx: Pick<AppContext, "pii">, email: string, ip: string): AttemptKeys {
  return {
    account: ctx.pii.blindIndexes(email.trim().toLowerCase(), "login-account"),
    client: ctx.pii.blindIndexes(clientKey(ip), "login-ip"),
  };
}

/** Holds the account and the client until the transaction ends, in one order (no deadlock). */
async function lock(tx: DbOrTx, keys: AttemptKeys): Promise<void> {
  const ids = [...new Set([keys.account[0]!.readInt32BE(0), keys.client[0]!.readInt32BE(0)])].sort(
    (a, b) => a - b,
  );
  for (const id of ids)
    await sql`SELECT pg_advisory_xact_lock(${LOGIN_LOCK_CLASS}::int, ${id}::int)`.execute(tx);
}

type Counts = {
  pair: number;
  pairNewest: Date | null;
  client: number;
  clientOldest: Date | null;
  account: number;
};

/** Failures within the window; `counted` says which outcomes count (pending ones, or not). */
async function count(tx: DbOrTx, keys: AttemptKeys, since: Date, counted: string[]): Promise<Counts> {
  const account = sql`account_key IN (${sql.join(keys.account)})`;
  const client = sql`client_key IN (${sql.join(keys.client)})`;
  const failed = sql`outcome IN (${sql.join(counted)})`;
  // "Since its last success": by id, the order attempts were reserved in, which a clock that
  // stands still (or two attempts in one millisecond) cannot blur.
  const pair = sql`${account} AND ${client} AND ${failed} AND id > coalesce((
      SELECT max(id) FROM login_attempts
      WHERE ${account} AND ${client} AND outcome = 'succeeded' AND at > ${since}), 0)`;
  const { rows } = await sql<{
    pair: string;
    pair_newest: Date | null;
    client: string;
    client_oldest: Date | null;
    account: string;
  }>`SELECT
      count(*) FILTER (WHERE ${pair}) AS pair,
      max(at) FILTER (WHERE ${pair}) AS pair_newest,
      count(*) FILTER (WHERE ${client} AND ${failed}) AS client,
      min(at) FILTER (WHERE ${client} AND ${failed}) AS client_oldest,
      count(*) FILTER (WHERE ${account} AND ${failed}) AS account
    FROM login_attempts
    WHERE at > ${since} AND (${account} OR ${client})`.execute(tx);
  const row = rows[0]!;
  const date = (value: Date | string | null) => (value === null ? null : new Date(value));
  return {
    pair: Number(row.pair),
    pairNewest: date(row.pair_newest),
    client: Number(row.client),
    clientOldest: date(row.client_oldest),
    account: Number(row.account),
  };
}

/**
 * Reserves one attempt, or throws LoginRateLimitedError. `braked`: the account is under attack
 * and this client has not failed on it; the caller waits LOGIN_LIMITS.brakeDelayMs before checking.
 */
export async function reserveAttempt(
  ctx: Ctx,
  keys: AttemptKeys,
  now: Date,
): Promise<{ id: string; braked: boolean }> {
  const windowMs = LOGIN_LIMITS.windowMinutes * 60_000;
  const since = new Date(now.getTime() - windowMs);
  return withTransaction(ctx.db, async (tx) => {
    await lock(tx, keys);
    const counts = await count(tx, keys, since, ["pending", "failed"]);
    const braked = counts.account >= LOGIN_LIMITS.brakeAfter;
    // When each refusal lifts: the oldest of the client's failures leaves the window, or (for one
    // account) the newest of this client's failures on it does.
    const lifts = [
      counts.client >= LOGIN_LIMITS.perClient ? counts.clientOldest : null,
      counts.pair >= LOGIN_LIMITS.perAccountAndClient || (braked && counts.pair > 0)
        ? counts.pairNewest
        : null,
    ].filter((at): at is Date => at !== null);
    if (lifts.length > 0) {
      const liftsAt = Math.max(...lifts.map((at) => at.getTime() + windowMs));
      throw new LoginRateLimitedError(Math.max(1, Math.ceil((liftsAt - now.getTime()) / 1000)));
    }
    const { id } = await tx
      .insertInto("login_attempts")
      .values({ at: now, account_key: keys.account[0]!, client_key: keys.client[0]!, outcome: "pending" })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { id, braked };
  });
}

/**
 * Records what a reserved attempt came to, inside the caller's transaction; a failure that
 * reaches a limit audits that lock (once: see the header).
 */
export async function settleAttempt(
  tx: DbOrTx,
  input: { id: string; keys: AttemptKeys; outcome: Outcome; userId?: string; now: Date },
): Promise<void> {
  await lock(tx, input.keys);
  await tx.updateTable("login_attempts").set({ outcome: input.outcome }).where("id", "=", input.id).execute();
  if (input.outcome !== "failed") return;
  const since = new Date(input.now.getTime() - LOGIN_LIMITS.windowMinutes * 60_000);
  const counts = await count(tx, input.keys, since, ["failed"]);
  const minutes = LOGIN_LIMITS.windowMinutes;
  const target = input.userId ? { target: { type: "user", id: input.userId } } : {};
  const known = { knownAccount: input.userId !== undefined };
  if (counts.pair === LOGIN_LIMITS.perAccountAndClient) {
    await recordAudit(tx, {
      actor: "system",
      action: "auth.account_locked",
      ...target,
      details: { minutes, failures: counts.pair, scope: "one client network", ...known },
      at: input.now,
    });
  }
  if (counts.account === LOGIN_LIMITS.brakeAfter) {
    await recordAudit(tx, {
      actor: "system",
      action: "auth.account_braked",
      ...target,
      details: { minutes, failures: counts.account, ...known },
      at: input.now,
    });
  }
  if (counts.client === LOGIN_LIMITS.perClient) {
    await recordAudit(tx, {
      actor: "system",
      action: "auth.address_locked",
      details: { minutes, failures: counts.client },
      at: input.now,
    });
  }
}
