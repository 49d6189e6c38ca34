/**
 * publishRestrictedAlert: the publish verb for alerts whose recipients are fixed rather than
 * found by ZIP — drills (only DRILL_ALLOWLIST) and updates and cancels (exactly the original's
 * recipients, on the same channels). Otherwise as publishAlert: one transaction marks the alert
 * published, writes its ledger rows and enqueues the delivery jobs (the same batching and
 * priorities), or writes nothing.
 */
import { fromKysely } from "pg-boss";
import type { AppContext } from "../../context.ts";
import type { Channel } from "../../db/database.ts";
import { withTransaction } from "../../db/transaction.ts";
import { DELIVERY_QUEUES } from "../../jobs/queues.ts";
import {
  DELIVERY_BATCH_SIZE,
  deliveryBatches,
  type PublishContext,
  PublishRefusedError,
  type PublishResult,
  toJobs,
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
    if (!alert) throw new PublishRefusedError("not_found", "No such alert");
    if (alert.status === "published") throw new PublishRefusedError("already_published", "Already published");
    if (alert.status !== "approved") {
      throw new PublishRefusedError(
        "not_approved",
        `Only an approved alert can be published (it is ${alert.status})`,
      );
    }
    if (alert.expires_at.getTime() <= now.getTime())
      throw new PublishRefusedError("expired", "The alert has expired");
    if (audienceOf(alert) === "target")
      throw new Error("publishRestrictedAlert is for drills and follow-ups");
    const texts = await tx
      .selectFrom("alert_texts")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("alert_id", "=", alert.id)
      .executeTakeFirstOrThrow();
    if (Number(texts.n) === 0) throw new PublishRefusedError("no_texts", "The alert has no texts to send");

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

    const batches = await deliveryBatches(tx, alert.id, DELIVERY_BATCH_SIZE);
    const jobs = toJobs(alert.id, alert.priority, batches);
    const db = fromKysely(tx);
    for (const channel of ["sms", "email", "push"] as const) {
      const forChannel = jobs.filter((job) => job.data.channel === channel);
      if (forChannel.length > 0) await ctx.boss.insert(DELIVERY_QUEUES[channel], forChannel, { db });
    }
    const deliveries: Record<Channel, number> = { sms: 0, email: 0, push: 0 };
    for (const batch of batches) deliveries[batch.channel] += batch.rows;
    await tx
      .insertInto("audit_log")
      .values({
        actor: input.actor ?? "system",
        action: "alert.published",
        target_type: "alert",
        target_id: alert.id,
        details: JSON.stringify({ deliveries, jobs: jobs.length, audience: audienceOf(alert) }),
        at: now,
      })
      .execute();
    return { alertId: alert.id, publishedAt: now, deliveries, jobs: jobs.length };
  });
  ctx.log.info(
    { alert: result.alertId, deliveries: result.deliveries, jobs: result.jobs },
    "alert published",
  );
  return result;
}
