/**
 * WhatsApp's customer-service window: a business may send a free-form message only within 24 hours
 * of the person's last message to it; outside, only a pre-approved template. Alerts check it per
 * recipient (free-form inside: cheaper, and the whole text; a template outside), so each inbound
 * WhatsApp message notes its time on the subscriber, and housekeeping clears times older than the
 * window, which nothing needs any more (docs/privacy.md).
 */
import { sql } from "kysely";
import type { DbOrTx } from "../db/transaction.ts";

export const FREE_FORM_WINDOW_MS = 24 * 3600 * 1000;
/** Margin for the time the message spends in queues before WhatsApp checks the window itself. */
const WINDOW_MARGIN_MS = 10 * 60 * 1000;

export function withinFreeFormWindow(lastInboundAt: Date | null | undefined, now: Date): boolean {
  if (!lastInboundAt) return false;
  return now.getTime() - lastInboundAt.getTime() < FREE_FORM_WINDOW_MS - WINDOW_MARGIN_MS;
}

/** The sender (by every index their number may be stored under) wrote to us now. */
export async function noteWhatsAppInbound(db: DbOrTx, lookup: Buffer[], now: Date): Promise<void> {
  await db
    .updateTable("subscribers")
    .set({ last_inbound_at: now })
    .where("channel", "=", "whatsapp")
    .where("address_index", "in", lookup)
    .execute();
}

/** Housekeeping: times older than the window say nothing any more; returns how many were cleared. */
export async function forgetClosedWindows(db: DbOrTx, now: Date): Promise<number> {
  const cleared = await sql`
    UPDATE subscribers SET last_inbound_at = NULL
    WHERE last_inbound_at IS NOT NULL
      AND last_inbound_at < ${new Date(now.getTime() - FREE_FORM_WINDOW_MS)}`.execute(db);
  return Number(cleared.numAffectedRows ?? 0);
}
