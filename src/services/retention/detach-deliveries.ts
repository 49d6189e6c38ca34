/**
 * Detaching the ledger from people. DELIVERY_DETACH_DAYS after a ledger row was written, it loses
 * its subscriber and its provider message id (Twilio's SID, with which the provider's own logs
 * name the number): what remains says that an alert went to someone in a ZIP on a channel, and
 * how it went, which is what the figures need. Rows still queued or sending are left alone.
 */
import { sql } from "kysely";
import type { AppContext } from "../../context.ts";
import { recordAudit } from "../audit/record-audit.ts";

const BATCH = 5_000;

type Ctx = Pick<AppContext, "db" | "clock" | "config">;

export async function detachDeliveries(ctx: Ctx): Promise<number> {
  const now = ctx.clock.now();
  const cutoff = new Date(now.getTime() - ctx.config.retention.deliveryDetachDays * 86_400_000);
  let detached = 0;
  for (;;) {
    // In batches, so a month of a busy service is not one long lock on the ledger.
    const { numAffectedRows } = await sql`
      UPDATE deliveries SET subscriber_id = NULL, provider_id = NULL
      WHERE id IN (
        SELECT id FROM deliveries
        WHERE created_at < ${cutoff}
          AND (subscriber_id IS NOT NULL OR provider_id IS NOT NULL)
          AND status NOT IN ('queued', 'sending')
        ORDER BY id LIMIT ${BATCH}
      )`.execute(ctx.db);
    const count = Number(numAffectedRows ?? 0);
    detached += count;
    if (count < BATCH) break;
  }
  if (detached > 0) {
    await recordAudit(ctx.db, {
      actor: "system",
      action: "retention.deliveries_detached",
      details: { count: detached },
      at: now,
    });
  }
  return detached;
}
