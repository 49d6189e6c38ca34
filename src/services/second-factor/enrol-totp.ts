/**
 * Enrolling a TOTP factor: start (a new secret, sealed and stored as awaiting confirmation, shown
 * once with its otpauth:// URI), then confirm with a code from the app, which makes it the factor
 * sign-in asks for (replacing any earlier one) and issues ten recovery codes. Until confirmed, an
 * enrolment changes nothing about how the user signs in. Moving to a new app starts only with a
 * code from the current one (step-up.ts): only the one who starts knows the new secret.
 */
import type { AppContext } from "../../context.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import { newTotpSecret, totpUri } from "../../security/totp.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { replaceRecoveryCodes } from "./recovery-codes.ts";
import { type CurrentFactor, proveCurrentFactor } from "./step-up.ts";
import { acceptTotpCode, openTotpSecret, sealTotpSecret } from "./totp-factor.ts";

type Ctx = Pick<AppContext, "db" | "clock" | "pii" | "config">;

export async function startTotpEnrolment({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { userId: string; ip: string; current?: CurrentFactor };
}): Promise<{ secret: string; uri: string }> {
  await proveCurrentFactor(ctx, input);
  const secret = newTotpSecret();
  const now = ctx.clock.now();
  return withTransaction(ctx.db, async (tx) => {
    const user = await tx
      .selectFrom("users")
      .select("email")
      .where("id", "=", input.userId)
      .executeTakeFirst();
    if (!user) throw new ApiError("not_found", "No such user");
    await tx
      .deleteFrom("totp_factors")
      .where("user_id", "=", input.userId)
      .where("confirmed_at", "is", null)
      .execute();
    await tx
      .insertInto("totp_factors")
      .values({ user_id: input.userId, ...sealTotpSecret(ctx.pii, input.userId, secret), created_at: now })
      .execute();
    return { secret, uri: totpUri(secret, { issuer: ctx.config.program.name, label: user.email }) };
  });
}

export async function confirmTotpEnrolment({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { userId: string; code: string };
}): Promise<{ recoveryCodes: string[] }> {
  const now = ctx.clock.now();
  return withTransaction(ctx.db, async (tx) => {
    const pending = await tx
      .selectFrom("totp_factors")
      .select(["id", "user_id", "secret_ciphertext", "secret_key_id"])
      .where("user_id", "=", input.userId)
      .where("confirmed_at", "is", null)
      .forUpdate()
      .executeTakeFirst();
    if (!pending) throw new ApiError("conflict", "Start setting up the authenticator app first");
    if (!(await acceptTotpCode(tx, ctx.pii, pending, input.code, now))) {
      throw new ApiError("validation_failed", "That code is not the one the app shows now", {
        issues: [
          { in: "body", path: "code", message: "not the code the app shows now; check the phone's clock" },
        ],
      });
    }
    const replaced = await tx
      .deleteFrom("totp_factors")
      .where("user_id", "=", input.userId)
      .where("confirmed_at", "is not", null)
      .executeTakeFirst();
    await tx.updateTable("totp_factors").set({ confirmed_at: now }).where("id", "=", pending.id).execute();
    const recoveryCodes = await replaceRecoveryCodes(tx, input.userId, now);
    await recordAudit(tx, {
      actor: `user:${input.userId}`,
      action: "user.totp_enrolled",
      target: { type: "user", id: input.userId },
      details: { replacedEarlier: Number(replaced.numDeletedRows) > 0 },
      at: now,
    });
    return { recoveryCodes };
  });
}

/** The enrolment awaiting confirmation, shown again (a wrong code re-renders the page); or null. */
export async function pendingTotpEnrolment({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { userId: string };
}): Promise<{ secret: string; uri: string } | null> {
  const row = await ctx.db
    .selectFrom("totp_factors")
    .innerJoin("users", "users.id", "totp_factors.user_id")
    .select(["totp_factors.secret_ciphertext", "totp_factors.secret_key_id", "users.email"])
    .where("totp_factors.user_id", "=", input.userId)
    .where("totp_factors.confirmed_at", "is", null)
    .executeTakeFirst();
  if (!row) return null;
  const secret = openTotpSecret(ctx.pii, input.userId, row);
  return { secret, uri: totpUri(secret, { issuer: ctx.config.program.name, label: row.email }) };
}
