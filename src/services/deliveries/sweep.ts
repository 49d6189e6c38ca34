/**
 * sweepDeliveries: the backstop that lets every ledger row reach a final state even when a
 * delivery job does not — its last attempt's worker died, or the database was away through all
 * its retries. Run every few minutes (workers/deliveries.ts):
 *
 * 1. Rows still open for an alert that has expired are closed: `queued` → skipped ("expired");
 *    `sending` → failed ("unknown outcome"), since the dead attempt may have handed it over.
 * 2. Rows still open, untouched for a while, of a live alert, in a batch no live job covers, get
 *    their batch enqueued again. Batches are recomputed exactly as publish cut them (every 500
 *    rows of a channel, by id), so a new job never overlaps a live one; `sending` rows in it are
 *    re-sent as possible duplicates, like any dead attempt's.
 */
import { sql } from "kysely";
import { fromKysely } from "pg-boss";
import type { AppContext } from "../../context.ts";
import type { AlertPriority, Channel } from "../../db/database.ts";
import { withTransaction } from "../../db/transaction.ts";
import { DELIVERY_QUEUES } from "../../jobs/queues.ts";
import { DELIVERY_BATCH_SIZE, type DeliveryJob } from "../alerts/publish.ts";

export type SweepResult = { closed: number; requeuedBatches: number; requeuedRows: number };

const PRIORITY: Record<AlertPriority, number> = {
  alert: 3_000_000,
  advisory: 2_000_000,
  community: 1_000_000,
};

export async function sweepDeliveries({
  ctx,
  input = {},
}: {
  ctx: Pick<AppContext, "db" | "boss" | "clock" | "log">;
  input?: { staleAfterMs?: number; expiredGraceMs?: number };
}): Promise<SweepResult> {
  const now = ctx.clock.now();
  const staleBefore = new Date(now.getTime() - (input.staleAfterMs ?? 10 * 60_000));
  const graceBefore = new Date(now.getTime() - (input.expiredGraceMs ?? 2 * 60_000));

  const closed = await sql`
    UPDATE deliveries d
    SET status = CASE WHEN d.status = 'queued' THEN 'skipped' ELSE 'failed' END,
        last_error = CASE WHEN d.status = 'queued' THEN 'expired'
                          ELSE 'unknown outcome: the worker was lost and the alert expired' END,
        claim = NULL, updated_at = ${now}
    FROM alerts a
    WHERE a.id = d.alert_id AND a.expires_at <= ${now}
      AND d.status IN ('queued', 'sending') AND d.updated_at < ${graceBefore}`.execute(ctx.db);

  const { rows: orphans } = await sql<{
    alert_id: string;
    channel: Channel;
    priority: AlertPriority;
    first_id: string;
    last_id: string;
    open: string;
    stale: boolean;
  }>`
    SELECT b.alert_id, b.channel, b.priority, min(b.id)::text AS first_id, max(b.id)::text AS last_id,
           count(*) FILTER (WHERE b.status IN ('queued', 'sending'))::text AS open,
           bool_and(b.status NOT IN ('queued', 'sending') OR b.updated_at < ${staleBefore}) AS stale
    FROM (
      SELECT d.id, d.alert_id, d.channel, d.status, d.updated_at, a.priority,
             (row_number() OVER (PARTITION BY d.alert_id, d.channel ORDER BY d.id) - 1) / ${DELIVERY_BATCH_SIZE} AS batch
      FROM deliveries d JOIN alerts a ON a.id = d.alert_id
      WHERE a.status = 'published' AND a.expires_at > ${now}
        AND d.alert_id IN (SELECT alert_id FROM deliveries WHERE status IN ('queued', 'sending'))
    ) b
    GROUP BY b.alert_id, b.channel, b.priority, b.batch`.execute(ctx.db);

  let requeuedBatches = 0;
  let requeuedRows = 0;
  for (const batch of orphans) {
    if (Number(batch.open) === 0 || !batch.stale) continue;
    const data: DeliveryJob = {
      alertId: batch.alert_id,
      channel: batch.channel,
      firstId: batch.first_id,
      lastId: batch.last_id,
    };
    const queue = DELIVERY_QUEUES[batch.channel];
    const enqueued = await withTransaction(ctx.db, async (tx) => {
      const { rows: live } = await sql`
        SELECT 1 FROM pgboss.job
        WHERE name = ${queue} AND state IN ('created', 'retry', 'active') AND data = ${JSON.stringify(data)}::jsonb
        LIMIT 1`.execute(tx);
      if (live.length > 0) return false;
      await ctx.boss.insert(queue, [{ data, priority: PRIORITY[batch.priority] }], { db: fromKysely(tx) });
      return true;
    });
    if (enqueued) {
      requeuedBatches += 1;
      requeuedRows += Number(batch.open);
    }
  }
  const result = { closed: Number(closed.numAffectedRows ?? 0), requeuedBatches, requeuedRows };
  if (result.closed > 0 || requeuedBatches > 0)
    ctx.log.warn(result, "delivery sweep: rows no job was finishing");
  return result;
}
