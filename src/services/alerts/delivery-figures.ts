/**
 * deliveryFigures: how an alert's fan-out stands, for the console and the public alert page —
 * counts per channel and per ZIP, and the counted crash window (possible duplicates). Only counts:
 * no subscriber, address or provider id ever leaves here.
 */
import { sql } from "kysely";
import type { AppContext } from "../../context.ts";
import type { Channel, DeliveryStatus } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";

export type StatusCounts = Record<DeliveryStatus, number>;

export type DeliveryFigures = {
  alertId: string;
  total: number;
  byChannel: Record<Channel, StatusCounts>;
  byZip: { zip: string; counts: StatusCounts }[];
  /** Rows sent again after an attempt with an unknown outcome: the resident may have two copies. */
  possibleDuplicates: number;
  /** WhatsApp messages the resident opened (its `read` status callback): a figure only. */
  reads: number;
};

const STATUSES: DeliveryStatus[] = [
  "queued",
  "sending",
  "sent",
  "delivered",
  "undelivered",
  "failed",
  "skipped",
];

const empty = (): StatusCounts => Object.fromEntries(STATUSES.map((status) => [status, 0])) as StatusCounts;

export async function deliveryFigures({
  ctx,
  input,
}: {
  ctx: { db: DbOrTx } & Partial<Pick<AppContext, "log">>;
  input: { alertId: string };
}): Promise<DeliveryFigures> {
  const { rows } = await sql<{
    channel: Channel;
    zip: string | null;
    status: DeliveryStatus;
    n: string;
    dup: string;
    reads: string;
  }>`
    SELECT channel, zip, status, count(*)::text AS n, count(*) FILTER (WHERE possible_duplicate)::text AS dup,
           count(*) FILTER (WHERE read_at IS NOT NULL)::text AS reads
    FROM deliveries WHERE alert_id = ${input.alertId}
    GROUP BY channel, zip, status`.execute(ctx.db);
  const figures: DeliveryFigures = {
    alertId: input.alertId,
    total: 0,
    byChannel: { sms: empty(), email: empty(), push: empty(), whatsapp: empty(), voice: empty() },
    byZip: [],
    possibleDuplicates: 0,
    reads: 0,
  };
  const zips = new Map<string, StatusCounts>();
  for (const row of rows) {
    const n = Number(row.n);
    figures.total += n;
    figures.possibleDuplicates += Number(row.dup);
    figures.reads += Number(row.reads);
    figures.byChannel[row.channel][row.status] += n;
    const zip = row.zip ?? "unknown";
    if (!zips.has(zip)) zips.set(zip, empty());
    zips.get(zip)![row.status] += n;
  }
  figures.byZip = [...zips].sort(([a], [b]) => a.localeCompare(b)).map(([zip, counts]) => ({ zip, counts }));
  return figures;
}
