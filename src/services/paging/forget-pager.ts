/**
 * A disabled account's pager addresses are deleted with the act that disables it (a deleted
 * account's go by ON DELETE CASCADE): nobody who can no longer sign in is paged.
 */
import type { DbOrTx } from "../../db/transaction.ts";

export async function forgetPager(db: DbOrTx, userId: string): Promise<void> {
  await db.deleteFrom("pager_push_subscriptions").where("user_id", "=", userId).execute();
  await db.deleteFrom("pager_phones").where("user_id", "=", userId).execute();
}
