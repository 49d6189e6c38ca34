/**
 * publishRestrictedAlert: the publish verb for alerts whose recipients are fixed rather than
 * found by ZIP — drills (only DRILL_ALLOWLIST) and updates and cancels (exactly the original's
 * recipients, on the same channels). Otherwise as publishAlert: one transaction marks the alert
 * published, writes its ledger rows and enqueues the delivery jobs (the same batching and
 * priorities), or writes nothing.
 */
import { type DbOrTx, withTransaction } from "../../db/transaction.ts";
import { enqueueDeliveries } from "../../ledger/jobs.ts";
import { insertRecipientRows } from "../../ledger/rows.ts";
import {
  auditPublished,
  logPublished,
  type PublishContext,
  type PublishInput,
  PublishRefusedError,
  type PublishResult,
  refuseUnpublishable,
  refuseWithoutTexts,
} from "./publish.ts";
import { audienceOf, restrictedRecipients } from "./recipients.ts";

export async function publishRestrictedAlert({
  ctx,
  input,
}: {
  ctx: PublishContext;
  input: PublishInput;
}): Promise<PublishResult> {
  const now = ctx.clock.now();
  const result = await withTransaction(ctx.db, async (tx) => {
    const alert =
      "locked" in input
        ? input.locked.row
        : await tx
            .selectFrom("alerts")
            .selectAll()
            .where("id", "=", input.alertId)
            .forUpdate()
            .executeTakeFirst();
    refuseUnpublishable(alert, now);
    if (audienceOf(alert) === "target")
      throw new Error("publishRestrictedAlert is for drills and follow-ups");
    await refuseWithoutTexts(tx, "locked" in input ? input.locked : alert.id);
    if (alert.references_alert_id) await refuseWhileOriginalPending(tx, alert.references_alert_id);

    const published = await tx
      .updateTable("alerts")
      .set({ status: "published", published_at: now, updated_at: now })
      .where("id", "=", alert.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const recipients = await restrictedRecipients(tx, ctx, alert);
    await insertRecipientRows(tx, alert.id, recipients, now);

    const enqueued = await enqueueDeliveries(tx, ctx.boss, alert);
    await auditPublished(tx, {
      alertId: alert.id,
      actor: input.actor,
      now,
      details: { ...enqueued, audience: audienceOf(alert) },
    });
    return { alertId: alert.id, publishedAt: now, ...enqueued, ledgerComplete: true, row: published };
  });
  logPublished(ctx, result);
  return result;
}

/**
 * A follow-up goes to exactly the original's ledger rows. While a large original's second wave is
 * still being written (seconds), those rows are not all there: publishing now would leave most of
 * its recipients without the update or cancel, so it is refused, with nothing written.
 */
async function refuseWhileOriginalPending(tx: DbOrTx, originalId: string): Promise<void> {
  const original = await tx
    .selectFrom("alerts")
    .select("ledger_pending")
    .where("id", "=", originalId)
    .executeTakeFirst();
  if (original?.ledger_pending) {
    throw new PublishRefusedError(
      "original_ledger_pending",
      "The alert this follows is still being handed to its recipients (a large alert's list is written in a few seconds): publish again in a moment",
    );
  }
}
