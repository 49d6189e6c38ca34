/**
 * completeLedger: the second wave of a large alert's ledger (2026-12-05T1510-ledger-waves).
 * Publishing wrote the sighting ZIP's first batch per channel, enqueued their jobs and committed,
 * marking the alert `ledger_pending` and enqueueing a `ledger-second-wave` job; this writes the rest
 * of the target's rows, enqueues their jobs and clears the mark, in one transaction, so a crash
 * anywhere leaves the mark for the job's retry or the deliveries sweep.
 *
 * Every recipient exactly once: the first wave's rows are skipped by the ledger's UNIQUE (alert,
 * subscriber, channel); of two completers at once, the second waits on the first's rows, finds the
 * mark cleared and rolls back, so no batch is written without its job or enqueued twice. The rows
 * are written whatever became of the alert meanwhile: a cancelled or expired alert's rows are
 * skipped by the delivery workers, and the ledger still says whom it was for.
 */
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import type { Channel } from "../../db/database.ts";
import { withTransaction } from "../../db/transaction.ts";
import { enqueueDeliveries } from "../../ledger/jobs.ts";
import { insertTargetRows } from "../../ledger/rows.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { channelsFor } from "./publish.ts";

/** The `ledger-second-wave` job's payload, checked when a worker takes it. */
export const secondWavePayload = z.object({ alertId: z.uuid() });

export type LedgerCompleted = { deliveries: Record<Channel, number>; jobs: number };

/** Raised inside the transaction to roll back a completion someone else finished first. */
class AlreadyCompleted extends Error {}

export async function completeLedger({
  ctx,
  input,
}: {
  ctx: Pick<AppContext, "db" | "boss" | "config" | "clock" | "log">;
  input: { alertId: string };
}): Promise<LedgerCompleted | null> {
  const now = ctx.clock.now();
  try {
    const completed = await withTransaction(ctx.db, async (tx) => {
      const alert = await tx
        .selectFrom("alerts")
        .select(["id", "priority", "channels", "target_zips", "ledger_pending"])
        .where("id", "=", input.alertId)
        .executeTakeFirst();
      if (!alert?.ledger_pending) return null;
      const channels = channelsFor(alert.priority, ctx.config).filter((c) => alert.channels.includes(c));
      await insertTargetRows(tx, { id: alert.id, targetZips: alert.target_zips }, channels, now);
      // Cleared after the insert, not locked before it: the rows' foreign-key checks lock the
      // alert row, which costs more on a row this transaction has already updated (publish.ts).
      const cleared = await tx
        .updateTable("alerts")
        .set({ ledger_pending: false })
        .where("id", "=", alert.id)
        .where("ledger_pending", "=", true)
        .returning("id")
        .executeTakeFirst();
      if (!cleared) throw new AlreadyCompleted();
      const enqueued = await enqueueDeliveries(tx, ctx.boss, alert, { wave: 2 });
      await recordAudit(tx, {
        actor: "system",
        action: "alert.ledger_completed",
        target: { type: "alert", id: alert.id },
        details: enqueued,
        at: now,
      });
      return enqueued;
    });
    if (completed) {
      ctx.log.info(
        { alert: input.alertId, deliveries: completed.deliveries, jobs: completed.jobs },
        "alert ledger completed",
      );
    }
    return completed;
  } catch (error) {
    if (error instanceof AlreadyCompleted) return null;
    throw error;
  }
}
