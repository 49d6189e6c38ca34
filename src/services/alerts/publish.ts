/**
 * publishAlert: where an alert becomes deliveries. In one transaction the alert is marked
 * published, the ledger gets one row per (subscriber, channel) in the target — set-based, one
 * INSERT … SELECT — and delivery jobs are enqueued, each a batch of ledger rows (alert id, channel,
 * id range; never an address). Either all of it is written or none of it.
 *
 * Order: pg-boss runs higher priorities first, so priority bands put Alert before Advisory before
 * Community, and within an alert earlier batches go first. The alert's own ZIP (the first of its
 * target ZIPs, the sighting's ZIP) sorts first in the ledger, so its subscribers are in the first
 * batches of every channel.
 */
import { sql } from "kysely";
import { fromKysely, type JobInsert } from "pg-boss";
import type { AppContext } from "../../context.ts";
import type { AlertPriority, Channel } from "../../db/database.ts";
import { type DbOrTx, withTransaction } from "../../db/transaction.ts";
import { DELIVERY_QUEUES } from "../../jobs/queues.ts";

/** Ledger rows per delivery job: big enough to amortise a job, small enough to spread over workers. */
export const DELIVERY_BATCH_SIZE = 500;

const PRIORITY_BAND: Record<AlertPriority, number> = {
  alert: 3_000_000,
  advisory: 2_000_000,
  community: 1_000_000,
};
const MAX_BATCHES_PER_BAND = 999_999;

export type DeliveryJob = { alertId: string; channel: Channel; firstId: string; lastId: string };

export type PublishContext = Pick<AppContext, "boss" | "config" | "clock" | "log"> & { db: DbOrTx };

export type PublishRefusal =
  | "not_found"
  | "already_published"
  | "not_approved"
  | "expired"
  | "no_texts"
  | "restricted_audience";

/** The alert cannot be published; nothing was written. `reason` is stable, for mapping to HTTP. */
export class PublishRefusedError extends Error {
  readonly reason: PublishRefusal;
  constructor(reason: PublishRefusal, message: string) {
    super(message);
    this.name = "PublishRefusedError";
    this.reason = reason;
  }
}

export type PublishResult = {
  alertId: string;
  publishedAt: Date;
  deliveries: Record<Channel, number>;
  jobs: number;
};

export function channelsFor(
  priority: AlertPriority,
  config: Pick<AppContext["config"], "delivery">,
): Channel[] {
  // SMS is kept for what matters (as Nixle's SmartPath does): Community notices go by email and push.
  return priority === "community" && !config.delivery.communitySms
    ? ["email", "push"]
    : ["sms", "email", "push"];
}

export async function publishAlert({
  ctx,
  input,
}: {
  ctx: PublishContext;
  input: { alertId: string; actor?: string };
}): Promise<PublishResult> {
  const now = ctx.clock.now();
  const result = await withTransaction(ctx.db, async (tx) => {
    const alert = await tx
      .selectFrom("alerts")
      .select([
        "id",
        "status",
        "priority",
        "target_zips",
        "expires_at",
        "is_drill",
        "references_alert_id",
        "channels",
      ])
      .where("id", "=", input.alertId)
      .executeTakeFirst();
    refuseUnpublishable(alert, now);
    // A drill reaches only the allowlist, an update or cancel only the original's recipients:
    // src/services/alerts/publish-restricted.ts publishes those. Never the whole target.
    if (alert.is_drill || alert.references_alert_id) {
      throw new PublishRefusedError(
        "restricted_audience",
        "A drill or a follow-up is published to its own recipients (publishRestrictedAlert)",
      );
    }
    await refuseWithoutTexts(tx, alert.id);

    // The channels the drafter chose (2026-11-24T0300-operators), as far as the priority allows.
    const channels = channelsFor(alert.priority, ctx.config).filter((c) => alert.channels.includes(c));
    const ownZip = alert.target_zips[0]!;
    // One row per subscriber and channel even when they follow several target ZIPs (DISTINCT ON
    // keeps their own-ZIP subscription if they have one). Ordered so ids run channel by channel,
    // own ZIP first: batches are then id ranges, and the first ones hold the sighting's ZIP.
    await sql`
      INSERT INTO deliveries (alert_id, subscriber_id, channel, zip, updated_at)
      SELECT ${alert.id}::uuid, s.id, s.channel, m.zip, ${now}
      FROM ${targetFollowers(alert.target_zips)} m
      JOIN subscribers s ON s.id = m.subscriber_id
      WHERE s.status = 'active' AND s.channel = ANY(${channels}::text[])
      ORDER BY s.channel, (m.zip = ${ownZip}) DESC, m.zip, s.id
      ON CONFLICT (alert_id, subscriber_id, channel) DO NOTHING`.execute(tx);

    const enqueued = await enqueueDeliveries(tx, ctx, alert);

    // Marked published after the ledger insert, and without SELECT … FOR UPDATE before it: each
    // ledger row's foreign-key check locks the alert row FOR KEY SHARE, and doing that on a row this
    // transaction already locked or updated costs more than the insert itself
    // (docs/benchmarks.md#publishing-and-the-alert-rows-lock). The conditional
    // UPDATE is the guard instead: of two concurrent publishes, the second waits on the first's
    // ledger rows, then finds the alert published, and rolls back everything it wrote.
    const marked = await tx
      .updateTable("alerts")
      .set({ status: "published", published_at: now, updated_at: now })
      .where("id", "=", alert.id)
      .where("status", "=", "approved")
      .where("expires_at", ">", now)
      .executeTakeFirst();
    if (Number(marked.numUpdatedRows) !== 1) {
      const current = await tx
        .selectFrom("alerts")
        .select("status")
        .where("id", "=", alert.id)
        .executeTakeFirst();
      throw current?.status === "published"
        ? new PublishRefusedError("already_published", "Published by someone else meanwhile")
        : new PublishRefusedError("not_approved", "The alert changed while it was being published");
    }

    await auditPublished(tx, { alertId: alert.id, actor: input.actor, now, details: enqueued });
    return { alertId: alert.id, publishedAt: now, ...enqueued };
  });
  logPublished(ctx, result);
  return result;
}

/** The refusals every publish starts with, on the alert row as read in its transaction. */
export function refuseUnpublishable<T extends { status: string; expires_at: Date }>(
  alert: T | undefined,
  now: Date,
): asserts alert is T {
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
}

export async function refuseWithoutTexts(db: DbOrTx, alertId: string): Promise<void> {
  const texts = await db
    .selectFrom("alert_texts")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("alert_id", "=", alertId)
    .executeTakeFirstOrThrow();
  if (Number(texts.n) === 0) throw new PublishRefusedError("no_texts", "The alert has no texts to send");
}

/**
 * The subscribers following any of the target ZIPs, each once (subscriber_id, zip): under their
 * subscription to the alert's own ZIP (the first target ZIP) when they have one. Publishing and
 * the approval preview's counts both use it, so the preview counts whom publishing will reach.
 */
export function targetFollowers(targetZips: readonly string[]) {
  return sql`(
    SELECT DISTINCT ON (subscriber_id) subscriber_id, zip
    FROM subscriptions
    WHERE zip = ANY(${[...targetZips]}::text[])
    ORDER BY subscriber_id, (zip = ${targetZips[0]!}) DESC, zip
  )`;
}

/** Cuts the alert's queued ledger rows into batches and enqueues one delivery job per batch. */
export async function enqueueDeliveries(
  tx: DbOrTx,
  ctx: Pick<PublishContext, "boss">,
  alert: { id: string; priority: AlertPriority },
): Promise<Pick<PublishResult, "deliveries" | "jobs">> {
  const batches = await deliveryBatches(tx, alert.id, DELIVERY_BATCH_SIZE);
  const jobs = toJobs(alert.id, alert.priority, batches);
  const db = fromKysely(tx);
  for (const channel of ["sms", "email", "push"] as const) {
    const forChannel = jobs.filter((job) => job.data.channel === channel);
    if (forChannel.length > 0) await ctx.boss.insert(DELIVERY_QUEUES[channel], forChannel, { db });
  }
  const deliveries: Record<Channel, number> = { sms: 0, email: 0, push: 0 };
  for (const batch of batches) deliveries[batch.channel] += batch.rows;
  return { deliveries, jobs: jobs.length };
}

export async function auditPublished(
  tx: DbOrTx,
  input: { alertId: string; actor: string | undefined; now: Date; details: object },
): Promise<void> {
  await tx
    .insertInto("audit_log")
    .values({
      actor: input.actor ?? "system",
      action: "alert.published",
      target_type: "alert",
      target_id: input.alertId,
      details: JSON.stringify(input.details),
      at: input.now,
    })
    .execute();
}

export function logPublished(ctx: Pick<PublishContext, "log">, result: PublishResult): void {
  ctx.log.info(
    { alert: result.alertId, deliveries: result.deliveries, jobs: result.jobs },
    "alert published",
  );
}

type Batch = { channel: Channel; firstId: string; lastId: string; rows: number };

/** The alert's queued ledger rows cut into id ranges of `size` rows per channel, in id order. */
export async function deliveryBatches(db: DbOrTx, alertId: string, size: number): Promise<Batch[]> {
  const { rows } = await sql<{ channel: Channel; first_id: string; last_id: string; rows: string }>`
    SELECT channel, min(id)::text AS first_id, max(id)::text AS last_id, count(*)::text AS rows
    FROM (
      SELECT id, channel, (row_number() OVER (PARTITION BY channel ORDER BY id) - 1) / ${size} AS batch
      FROM deliveries
      WHERE alert_id = ${alertId} AND status = 'queued'
    ) numbered
    GROUP BY channel, batch
    ORDER BY min(id)`.execute(db);
  return rows.map((row) => ({
    channel: row.channel,
    firstId: row.first_id,
    lastId: row.last_id,
    rows: Number(row.rows),
  }));
}

export function toJobs(
  alertId: string,
  priority: AlertPriority,
  batches: Batch[],
): (JobInsert<DeliveryJob> & { data: DeliveryJob })[] {
  const seen: Record<Channel, number> = { sms: 0, email: 0, push: 0 };
  return batches.map((batch) => {
    const index = Math.min(seen[batch.channel]++, MAX_BATCHES_PER_BAND);
    return {
      data: { alertId, channel: batch.channel, firstId: batch.firstId, lastId: batch.lastId },
      priority: PRIORITY_BAND[priority] - index,
    };
  });
}
