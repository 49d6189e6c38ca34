/**
 * How the ledger is cut into delivery jobs: every DELIVERY_BATCH_SIZE rows of an alert's channel,
 * by id, within each wave (a large alert's ledger is written in two, 2026-12-05T1510-ledger-waves:
 * the second's rows all have higher ids than the first's). Publish cuts an alert's fresh rows this
 * way and the sweep recomputes the very same batches later, so a job it enqueues again never
 * overlaps a live one; cutting across the waves would move the first wave's last, short batch.
 */
import { type RawBuilder, sql } from "kysely";
import type { AlertPriority, Channel } from "../db/database.ts";
import type { DbOrTx } from "../db/transaction.ts";

/** Ledger rows per delivery job: big enough to amortise a job, small enough to spread over workers. */
export const DELIVERY_BATCH_SIZE = 500;

export type LedgerBatch = {
  alertId: string;
  channel: Channel;
  priority: AlertPriority;
  /** 1, or 2 for the rows a two-wave ledger wrote after its first commit. */
  wave: 1 | 2;
  firstId: string;
  lastId: string;
  rows: number;
  /** Rows still `queued` or `sending`. */
  open: number;
  /** When the last open row was touched; null when none is open. */
  lastTouched: Date | null;
};

/**
 * The batches of one alert's rows (`alertId`, as publish cuts them), or of every published alert
 * live at `liveAt` that still has open rows (the sweep). In id order.
 */
export async function ledgerBatches(
  db: DbOrTx,
  scope: { alertId: string } | { liveAt: Date },
): Promise<LedgerBatch[]> {
  const where: RawBuilder<unknown> =
    "alertId" in scope
      ? sql`d.alert_id = ${scope.alertId}`
      : sql`a.status = 'published' AND a.expires_at > ${scope.liveAt}
          AND d.alert_id IN (SELECT alert_id FROM deliveries WHERE status IN ('queued', 'sending'))`;
  const { rows } = await sql<{
    alert_id: string;
    channel: Channel;
    priority: AlertPriority;
    wave: number;
    first_id: string;
    last_id: string;
    rows: string;
    open: string;
    last_touched: Date | null;
  }>`
    SELECT b.alert_id, b.channel, b.priority, b.wave, min(b.id)::text AS first_id, max(b.id)::text AS last_id,
           count(*)::text AS rows,
           count(*) FILTER (WHERE b.status IN ('queued', 'sending'))::text AS open,
           max(b.updated_at) FILTER (WHERE b.status IN ('queued', 'sending')) AS last_touched
    FROM (
      SELECT w.*, (row_number() OVER (PARTITION BY w.alert_id, w.channel, w.wave ORDER BY w.id) - 1)
                  / ${DELIVERY_BATCH_SIZE} AS batch
      FROM (
        SELECT d.id, d.alert_id, d.channel, d.status, d.updated_at, a.priority,
               CASE WHEN d.id > a.ledger_first_wave_last_id THEN 2 ELSE 1 END AS wave
        FROM deliveries d JOIN alerts a ON a.id = d.alert_id
        WHERE ${where}
      ) w
    ) b
    GROUP BY b.alert_id, b.channel, b.priority, b.wave, b.batch
    ORDER BY min(b.id)`.execute(db);
  return rows.map((row) => ({
    alertId: row.alert_id,
    channel: row.channel,
    priority: row.priority,
    wave: row.wave === 2 ? 2 : 1,
    firstId: row.first_id,
    lastId: row.last_id,
    rows: Number(row.rows),
    open: Number(row.open),
    lastTouched: row.last_touched === null ? null : new Date(row.last_touched),
  }));
}
