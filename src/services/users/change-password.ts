/**
 * changePassword: a user changes their own password, quoting the current one. Their other
 * sessions end; the one they are using stays.
 */
import type { AppContext } from "../../context.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ApiError } from "../../http/errors.ts";
import { hashPassword, verifyPassword } from "../../security/passwords.ts";
import { recordAudit } from "../audit/record-audit.ts";

export async function changePassword({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "clock">;
  input: { userId: string; sessionId?: string; currentPassword: string; newPassword: string };
}): Promise<void> {
  const user = await ctx.db
    .selectFrom("users")
    .select(["id", "password_hash"])
    .where("id", "=", input.userId)
    .executeTakeFirst();
  if (!user) throw new ApiError("not_found", "No such user");
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
    throw new ApiError("forbidden", "The current password is not right");
  }
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
