/** Ending sessions on the server: logout, and whenever an account's terms change. */
import type { AppContext } from "../../context.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import { withTransaction } from "../../db/transaction.ts";
import { recordAudit } from "../audit/record-audit.ts";

export async function endUserSessions(db: DbOrTx, userId: string, now: Date): Promise<number> {
  const result = await db
    .updateTable("sessions")
    .set({ ended_at: now })
    .where("user_id", "=", userId)
    .where("ended_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function endSession({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "clock">;
  input: { sessionId: string; userId: string };
}): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    await tx
      .updateTable("sessions")
      .set({ ended_at: now })
      .where("id", "=", input.sessionId)
      .where("ended_at", "is", null)
      .execute();
    await recordAudit(tx, {
      actor: `user:${input.userId}`,
      action: "auth.logout",
      target: { type: "user", id: input.userId },
      at: now,
    });
  });
}
