/**
 * The alert timeline's hand-off steps (issue 16, point 9): when the first and the last message of
 * an alert went to a provider. The delivery loop calls this once per job attempt that handed
 * anything over, with the earliest and latest record times of its chunks, so the fan-out pays one
 * small UPDATE per batch (up to 500 rows), never one per message, and no index on the ledger.
 * LEAST/GREATEST make concurrent jobs of the same alert widen the span in any order.
 */
import { sql } from "kysely";
import type { DbOrTx } from "../db/transaction.ts";

export async function noteHandoffs(db: DbOrTx, alertId: string, first: Date, last: Date): Promise<void> {
  await sql`
    UPDATE alerts
    SET first_handoff_at = LEAST(COALESCE(first_handoff_at, ${first}::timestamptz), ${first}::timestamptz),
        last_handoff_at = GREATEST(COALESCE(last_handoff_at, ${last}::timestamptz), ${last}::timestamptz)
    WHERE id = ${alertId}
      AND (first_handoff_at IS NULL OR first_handoff_at > ${first}::timestamptz
           OR last_handoff_at IS NULL OR last_handoff_at < ${last}::timestamptz)`.execute(db);
}
