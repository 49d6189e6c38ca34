/**
 * The rest of a second factor's life: what a user's status is, new recovery codes (the old ones
 * stop working), and an admin's reset for someone who lost their phone and their codes (audited;
 * their sessions end, and they enrol again at their next sign-in). Nobody resets their own: that
 * takes another admin, so a stolen session cannot strip its owner's second factor; nor can it take
 * new recovery codes without a code from the current app (step-up.ts).
 */
import type { AppContext } from "../../context.ts";
import type { Role } from "../../db/database.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { OrganisationScope } from "../organisations/scope.ts";
import { endUserSessions } from "../sessions/end-session.ts";
import { replaceRecoveryCodes } from "./recovery-codes.ts";
import { type CurrentFactor, proveCurrentFactor } from "./step-up.ts";
import { hasConfirmedTotp } from "./totp-factor.ts";

export type SecondFactorStatus = { required: boolean; enrolled: boolean; recoveryCodesLeft: number };

export function secondFactorRequired(config: AppContext["config"], role: Role): boolean {
  return config.operators.totpRequiredRoles.includes(role);
}

export async function secondFactorStatus({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "config">;
  input: { userId: string; role: Role };
}): Promise<SecondFactorStatus> {
  const left = await ctx.db
    .selectFrom("recovery_codes")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("user_id", "=", input.userId)
    .where("used_at", "is", null)
    .executeTakeFirstOrThrow();
  const enrolled = await hasConfirmedTotp(ctx.db, input.userId);
  return {
    required: secondFactorRequired(ctx.config, input.role),
    enrolled,
    recoveryCodesLeft: enrolled ? Number(left.n) : 0,
  };
}

export async function regenerateRecoveryCodes({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "clock" | "pii" | "config">;
  input: { userId: string; ip: string; current?: CurrentFactor };
}): Promise<{ recoveryCodes: string[] }> {
  if (!(await hasConfirmedTotp(ctx.db, input.userId))) {
    throw new ApiError("conflict", "Set up an authenticator app first; recovery codes come with it");
  }
  // New codes are a second factor of their own: whoever takes them must hold the current one.
  await proveCurrentFactor(ctx, input);
  const now = ctx.clock.now();
  return withTransaction(ctx.db, async (tx) => {
    const recoveryCodes = await replaceRecoveryCodes(tx, input.userId, now);
    await recordAudit(tx, {
      actor: `user:${input.userId}`,
      action: "user.recovery_codes_regenerated",
      target: { type: "user", id: input.userId },
      at: now,
    });
    return { recoveryCodes };
  });
}

export async function resetSecondFactor({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "clock">;
  input: { userId: string; actor: string; scope: OrganisationScope };
}): Promise<void> {
  if (input.actor === `user:${input.userId}`) {
    throw new ApiError("conflict", "Another admin must reset your second factor");
  }
  const now = ctx.clock.now();
  await withTransaction(ctx.db, async (tx) => {
    const user = await tx
      .selectFrom("users")
      .select("id")
      .where("id", "=", input.userId)
      // An admin resets their own organisation's staff; another's answer as for no such user.
      .where("organisation_id", "=", input.scope.organisationId)
      .forUpdate()
      .executeTakeFirst();
    if (!user) throw new ApiError("not_found", "No such user");
    const factors = await tx.deleteFrom("totp_factors").where("user_id", "=", user.id).executeTakeFirst();
    await tx.deleteFrom("recovery_codes").where("user_id", "=", user.id).execute();
    const ended = await endUserSessions(tx, user.id, now);
    await recordAudit(tx, {
      actor: input.actor,
      action: "user.second_factor_reset",
      target: { type: "user", id: user.id },
      details: { factorsRemoved: Number(factors.numDeletedRows), sessionsEnded: ended },
      at: now,
    });
  });
}
