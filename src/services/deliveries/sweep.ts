/**
 * sweepDeliveries: the backstop that lets every ledger row reach a final state even when a
 * delivery job does not — its last attempt's worker died, or the database was away through all
 * its retries. Run every few minutes (workers/deliveries.ts):
 *
 * 1. Rows still open for an alert that has expired are closed: `queued` → skipped ("expired");
 *    `sending` → failed ("unknown outcome"), since the dead attempt may have handed it over.
 * 2. A large alert's ledger still waiting for its second wave a while after publishing (its
 *    `ledger-second-wave` job gave up) is completed (complete-ledger.ts).
 * 3. Rows still open, untouched for a while, of a live alert, in a batch no live job covers, get
 *    their batch enqueued again. Batches are recomputed exactly as publish cut them (the ledger's
 *    one cut, src/ledger/batches.ts), so a new job never overlaps a live one; `sending` rows in it
 *    are re-sent as possible duplicates, like any dead attempt's.
 */
import type { AppContext } from "../../context.ts";
import { withTransaction } from "../../db/transaction.ts";
import { ledgerBatches } from "../../ledger/batches.ts";
import { enqueueAgain } from "../../ledger/jobs.ts";
import { closeExpiredRows } from "../../ledger/rows.ts";
import { completeLedger } from "../alerts/complete-ledger.ts";

export type SweepResult = {
  closed: number;
  completedLedgers: number;
  requeuedBatches: number;
  requeuedRows: number;
};

export async function sweepDeliveries({
  ctx,
  input = {},
}: {
  ctx: Pick<AppContext, "db" | "boss" | "config" | "clock" | "log">;
  input?: { staleAfterMs?: number; expiredGraceMs?: number };
}): Promise<SweepResult> {
  const now = ctx.clock.now();
  const staleBefore = new Date(now.getTime() - (input.staleAfterMs ?? 10 * 60_000));
  const graceBefore = new Date(now.getTime() - (input.expiredGraceMs ?? 2 * 60_000));

  const closed = await closeExpiredRows(ctx.db, now, graceBefore);
  const pending = await ctx.db
    .selectFrom("alerts")
    .select("id")
    .where("ledger_pending", "=", true)
    .where("published_at", "<", staleBefore)
    .execute();
  let completedLedgers = 0;
  for (const { id } of pending) {
    if (await completeLedger({ ctx, input: { alertId: id } })) completedLedgers += 1;
  }
  const batches = await ledgerBatches(ctx.db, { liveAt: now });

  let requeuedBatches = 0;
  let requeuedRows = 0;
  for (const batch of batches) {
    const stale = batch.lastTouched !== null && batch.lastTouched.getTime() < staleBefore.getTime();
    if (batch.open === 0 || !stale) continue;
    if (await withTransaction(ctx.db, (tx) => enqueueAgain(tx, ctx.boss, batch))) {
      requeuedBatches += 1;
      requeuedRows += batch.open;
    }
  }
  const result = { closed, completedLedgers, requeuedBatches, requeuedRows };
  if (result.closed > 0 || completedLedgers > 0 || requeuedBatches > 0)
    ctx.log.warn(result, "delivery sweep: rows no job was finishing");
  return result;
}
