/**
 * changePassword: a user changes their own password, quoting the current one. Their other
 * sessions end; the one they are using stays. Quoting the current password is a guess like a
 * sign-in's, so it counts under the same limits (a stolen session must not become an unlimited
 * password oracle).
 */
import type { AppContext } from "../../context.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../errors.ts";
import { hashPassword, verifyPassword } from "../../security/passwords.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { attemptKeys, reserveAttempt, settleAttempt } from "../sessions/login-attempts.ts";

export async function changePassword({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "clock" | "pii">;
  input: { userId: string; sessionId?: string; currentPassword: string; newPassword: string; ip: string };
}): Promise<void> {
  const user = await ctx.db
    .selectFrom("users")
    .select(["id", "email", "password_hash"])
    .where("id", "=", input.userId)
    .executeTakeFirst();
  if (!user) throw new ApiError("not_found", "No such user");
  const keys = attemptKeys(ctx, user.email, input.ip);
  const reservedAt = ctx.clock.now();
  const { id: attemptId } = await reserveAttempt(ctx, keys, reservedAt);
  const right = await verifyPassword(user.password_hash, input.currentPassword);
  const settle = (outcome: "failed" | "succeeded") =>
    withTransaction(ctx.db, async (tx) => {
      if (outcome === "failed") {
        await recordAudit(tx, {
          actor: `user:${user.id}`,
          action: "auth.login_failed",
          target: { type: "user", id: user.id },
          details: { reason: "wrong_current_password" },
          at: reservedAt,
        });
      }
      await settleAttempt(tx, { id: attemptId, keys, outcome, userId: user.id, now: reservedAt });
    });
  if (!right) {
    await settle("failed");
    throw new ApiError("forbidden", "The current password is not right");
  }
  await settle("succeeded");
  const passwordHash = await hashPassword(input.newPassword);
  await withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    await tx
      .updateTable("users")
      .set({ password_hash: passwordHash, updated_at: now })
      .where("id", "=", user.id)
      .execute();
    let others = tx
      .updateTable("sessions")
      .set({ ended_at: now })
      .where("user_id", "=", user.id)
      .where("ended_at", "is", null);
    if (input.sessionId) others = others.where("id", "<>", input.sessionId);
    await others.execute();
    await recordAudit(tx, {
      actor: `user:${user.id}`,
      action: "user.password_changed",
      target: { type: "user", id: user.id },
      at: now,
    });
  });
}
