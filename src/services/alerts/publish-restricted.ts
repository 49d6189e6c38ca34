/**
 * publishRestrictedAlert: the publish verb for alerts whose recipients are fixed rather than
 * found by ZIP — drills (only DRILL_ALLOWLIST) and updates and cancels (exactly the original's
 * recipients, on the same channels). Otherwise as publishAlert: one transaction marks the alert
 * published, writes its ledger rows and enqueues the delivery jobs (the same batching and
 * priorities), or writes nothing.
 */
import type { AppContext } from "../../context.ts";
import { withTransaction } from "../../db/transaction.ts";
import {
  auditPublished,
  enqueueDeliveries,
  logPublished,
  type PublishContext,
  type PublishResult,
  refuseUnpublishable,
  refuseWithoutTexts,
} from "./publish.ts";
import { audienceOf, restrictedRecipients } from "./recipients.ts";

export async function publishRestrictedAlert({
  ctx,
  input,
}: {
  ctx: PublishContext & Pick<AppContext, "pii">;
  input: { alertId: string; actor?: string };
}): Promise<PublishResult> {
  const now = ctx.clock.now();
  const result = await withTransaction(ctx.db, async (tx) => {
    const alert = await tx
      .selectFrom("alerts")
      .selectAll()
      .where("id", "=", input.alertId)
      .forUpdate()
      .executeTakeFirst();
    refuseUnpublishable(alert, now);
    if (audienceOf(alert) === "target")
      throw new Error("publishRestrictedAlert is for drills and follow-ups");
    await refuseWithoutTexts(tx, alert.id);

    await tx
      .updateTable("alerts")
      .set({ status: "published", published_at: now, updated_at: now })
      .where("id", "=", alert.id)
      .execute();
    const recipients = await restrictedRecipients(tx, ctx, alert);
    for (let i = 0; i < recipients.length; i += 5_000) {
      await tx
        .insertInto("deliveries")
        .values(
          recipients.slice(i, i + 5_000).map((r) => ({
            alert_id: alert.id,
            subscriber_id: r.subscriber_id,
            channel: r.channel,
            zip: r.zip,
            updated_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(["alert_id", "subscriber_id", "channel"]).doNothing())
        .execute();
    }

    const enqueued = await enqueueDeliveries(tx, ctx, alert);
    await auditPublished(tx, {
      alertId: alert.id,
      actor: input.actor,
      now,
      details: { ...enqueued, audience: audienceOf(alert) },
    });
    return { alertId: alert.id, publishedAt: now, ...enqueued };
  });
  logPublished(ctx, result);
  return result;
}
