/**
 * Proving the second factor again before changing it. A session is a bearer token: whoever holds
 * one (a console left open, a copied cookie) must not be able to make the account's second factor
 * theirs, by moving it to their own authenticator app or by taking new recovery codes. So both ask
 * for a code from the current app, or a recovery code, checked under the same guessing limits as
 * sign-in (each check an attempt against the account and the client), and never replayable.
 */
import type { AppContext } from "../../context.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { attemptKeys, LOGIN_LIMITS, reserveAttempt, settleAttempt } from "../sessions/login-attempts.ts";
import { hasConfirmedTotp, useSecondFactor } from "./totp-factor.ts";

type Ctx = Pick<AppContext, "db" | "clock" | "pii" | "config">;

export type CurrentFactor = { code?: string; recoveryCode?: string };

/** Throws unless the user has no second factor yet, or `current` is a code of it. */
export async function proveCurrentFactor(
  ctx: Ctx,
  input: { userId: string; ip: string; current?: CurrentFactor },
): Promise<void> {
  if (!(await hasConfirmedTotp(ctx.db, input.userId))) return;
  const { code, recoveryCode } = input.current ?? {};
  if (!code && !recoveryCode) {
    throw new ApiError("validation_failed", "Give a code from your current authenticator app first", {
      issues: [{ in: "body", path: "code", message: "required while two-step sign-in is on" }],
    });
  }
  const user = await ctx.db
    .selectFrom("users")
    .select("email")
    .where("id", "=", input.userId)
    .executeTakeFirstOrThrow();
  const now = ctx.clock.now();
  const keys = attemptKeys(ctx, user.email, input.ip);
  const { id, braked } = await reserveAttempt(ctx, keys, now);
  if (braked) await new Promise((resolve) => setTimeout(resolve, LOGIN_LIMITS.brakeDelayMs));
  const proved = await withTransaction(ctx.db, async (tx) => {
    const factor = await useSecondFactor(tx, ctx.pii, { userId: input.userId, code, recoveryCode, now });
    await settleAttempt(tx, {
      id,
      keys,
      outcome: factor ? "succeeded" : "failed",
      userId: input.userId,
      now,
    });
    if (!factor) {
      await recordAudit(tx, {
        actor: `user:${input.userId}`,
        action: "auth.step_up_failed",
        target: { type: "user", id: input.userId },
        at: now,
      });
    }
    return factor !== null;
  });
  if (!proved) {
    throw new ApiError("validation_failed", "That is not a code your current authenticator app shows", {
      issues: [
        {
          in: "body",
          path: recoveryCode ? "recoveryCode" : "code",
          message: "not a current code (each code works once; wait for the next one)",
        },
      ],
    });
  }
}
