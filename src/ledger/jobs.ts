/**
 * Delivery jobs: a job is one batch of ledger rows (alert, channel, id range; never an address),
 * on its channel's queue. pg-boss runs higher priorities first, so priority bands put Alert before
 * Advisory before Community, and within an alert earlier batches go first.
 */
import { fromKysely, type JobInsert, type PgBoss } from "pg-boss";
import { z } from "zod";
import type { AlertPriority, Channel } from "../db/database.ts";
import type { DbOrTx } from "../db/transaction.ts";
import { DELIVERY_QUEUES } from "../jobs/queues.ts";
import { type LedgerBatch, ledgerBatches } from "./batches.ts";

/** The job payload, checked when a worker takes the job. */
export const deliveryJobPayload = z.object({
  alertId: z.uuid(),
  channel: z.enum(["sms", "email", "push", "whatsapp", "voice"]),
  firstId: z.string().regex(/^\d{1,18}$/),
  lastId: z.string().regex(/^\d{1,18}$/),
});
export type DeliveryJob = z.infer<typeof deliveryJobPayload>;

const PRIORITY_BAND: Record<AlertPriority, number> = {
  alert: 3_000_000,
  advisory: 2_000_000,
  community: 1_000_000,
};
const MAX_BATCHES_PER_BAND = 999_999;

/** The job's priority: its alert's band, less its place among the alert's batches of its channel. */
export function jobPriority(priority: AlertPriority, index: number): number {
  return PRIORITY_BAND[priority] - Math.min(index, MAX_BATCHES_PER_BAND);
}

export function jobOf(batch: Pick<LedgerBatch, "alertId" | "channel" | "firstId" | "lastId">): DeliveryJob {
  return { alertId: batch.alertId, channel: batch.channel, firstId: batch.firstId, lastId: batch.lastId };
}

export type Enqueued = { deliveries: Record<Channel, number>; jobs: number };

/**
 * Cuts the alert's fresh ledger rows into batches and enqueues one delivery job per batch: all of
 * them, or only those of `wave` 2 when the second wave of a two-wave ledger has just been written
 * (their priorities continue after the first wave's, so the sighting's ZIP still goes first).
 */
export async function enqueueDeliveries(
  tx: DbOrTx,
  boss: PgBoss,
  alert: { id: string; priority: AlertPriority },
  options: { wave?: 2 } = {},
): Promise<Enqueued> {
  const seen: Record<Channel, number> = { sms: 0, email: 0, push: 0, whatsapp: 0, voice: 0 };
  const batches = (await ledgerBatches(tx, { alertId: alert.id }))
    .map((batch) => ({ batch, index: seen[batch.channel]++ }))
    .filter(({ batch }) => options.wave === undefined || batch.wave === options.wave);
  const jobs: (JobInsert<DeliveryJob> & { data: DeliveryJob })[] = batches.map(({ batch, index }) => ({
    data: jobOf(batch),
    priority: jobPriority(alert.priority, index),
  }));
  const db = fromKysely(tx);
  for (const channel of ["sms", "email", "push", "whatsapp", "voice"] as const) {
    const forChannel = jobs.filter((job) => job.data.channel === channel);
    if (forChannel.length > 0) await boss.insert(DELIVERY_QUEUES[channel], forChannel, { db });
  }
  const deliveries: Record<Channel, number> = { sms: 0, email: 0, push: 0, whatsapp: 0, voice: 0 };
  for (const { batch } of batches) deliveries[batch.channel] += batch.rows;
  return { deliveries, jobs: jobs.length };
}

const LIVE_STATES = new Set(["created", "retry", "active"]);

/**
 * Enqueues the batch's job again unless a live one (created, retrying or running) already covers
 * it, in one transaction. True when it was enqueued.
 */
export async function enqueueAgain(
  tx: DbOrTx,
  boss: PgBoss,
  batch: Pick<LedgerBatch, "alertId" | "channel" | "firstId" | "lastId" | "priority">,
): Promise<boolean> {
  const data = jobOf(batch);
  const queue = DELIVERY_QUEUES[batch.channel];
  const db = fromKysely(tx);
  const same = await boss.findJobs<DeliveryJob>(queue, { data, db });
  if (same.some((job) => LIVE_STATES.has(job.state))) return false;
  await boss.insert(queue, [{ data, priority: jobPriority(batch.priority, 0) }], { db });
  return true;
}
