/**
 * WhatsApp's `read` status callback: the ledger row of a WhatsApp message notes when it was read,
 * once. It is counted in the alert's figures (delivery-figures.ts) and is no more about a person
 * than the row itself, which loses its subscriber after DELIVERY_DETACH_DAYS (retention).
 */
import type { DbOrTx } from "../db/transaction.ts";

/** True when a row was marked (the first `read` for it). */
export async function markRead(
  db: DbOrTx,
  input: { messageSid: string; deliveryId: string | undefined; now: Date },
): Promise<boolean> {
  let query = db
    .updateTable("deliveries")
    .set({ read_at: input.now })
    .where("channel", "=", "whatsapp")
    .where("read_at", "is", null)
    .where("status", "in", ["sending", "sent", "delivered"]);
  query = input.deliveryId
    ? query
        .where("id", "=", input.deliveryId)
        .where((eb) => eb.or([eb("provider_id", "is", null), eb("provider_id", "=", input.messageSid)]))
    : query.where("provider_id", "=", input.messageSid);
  const marked = await query.executeTakeFirst();
  return Number(marked.numUpdatedRows ?? 0) > 0;
}
