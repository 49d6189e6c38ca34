/**
 * The ledger's rows: one per (alert, subscriber, channel), UNIQUE, written when an alert is
 * published and closed by the sweep when its alert expires with rows still open.
 */
import { sql } from "kysely";
import type { Channel } from "../db/database.ts";
import type { DbOrTx } from "../db/transaction.ts";
import { DELIVERY_BATCH_SIZE } from "./batches.ts";

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

/**
 * A live alert's rows: its target's active subscribers on `channels`, set-based (one INSERT …
 * SELECT). One row per subscriber and channel even when they follow several target ZIPs. Ordered
 * so ids run channel by channel, own ZIP first: batches are then id ranges, and the first ones
 * hold the sighting's ZIP.
 */
export async function insertTargetRows(
  tx: DbOrTx,
  alert: { id: string; targetZips: readonly string[] },
  channels: Channel[],
  now: Date,
): Promise<void> {
  await sql`
    INSERT INTO deliveries (alert_id, subscriber_id, channel, zip, updated_at)
    SELECT ${alert.id}::uuid, s.id, s.channel, m.zip, ${now}
    FROM ${targetFollowers(alert.targetZips)} m
    JOIN subscribers s ON s.id = m.subscriber_id
    WHERE s.status = 'active' AND s.channel = ANY(${channels}::text[])
    ORDER BY s.channel, (m.zip = ${alert.targetZips[0]!}) DESC, m.zip, s.id
    ON CONFLICT (alert_id, subscriber_id, channel) DO NOTHING`.execute(tx);
}

/**
 * Above this many subscriptions in the target, publishing writes the ledger in two waves
 * (2026-12-05T1510-ledger-waves): writing 100,000 rows takes seconds, and the first residents
 * should not wait for the last rows. Below it one transaction writes everything, as fast.
 */
export const ONE_WAVE_MAX_SUBSCRIPTIONS = 2_000;

/**
 * A two-wave ledger's first wave: from the sighting ZIP's first 1,000 subscriptions, at most one
 * delivery job's worth a channel. Small enough to commit in a few hundredths of a second; enough to
 * keep the workers busy while the second wave is written.
 */
export const FIRST_WAVE = { subscriptions: 1_000, perChannel: DELIVERY_BATCH_SIZE } as const;

/** Whether the target's subscriptions exceed ONE_WAVE_MAX_SUBSCRIPTIONS (counts no further). */
export async function targetIsLarge(db: DbOrTx, targetZips: readonly string[]): Promise<boolean> {
  const { rows } = await sql<{ n: string }>`
    SELECT count(*)::text AS n FROM (
      SELECT 1 FROM subscriptions WHERE zip = ANY(${[...targetZips]}::text[])
      LIMIT ${ONE_WAVE_MAX_SUBSCRIPTIONS + 1}
    ) t`.execute(db);
  return Number(rows[0]!.n) > ONE_WAVE_MAX_SUBSCRIPTIONS;
}

/**
 * A large alert's first wave: active followers of its own ZIP (the sighting's, the first target
 * ZIP), from its first `wave.subscriptions` subscriptions and at most `wave.perChannel` on a
 * channel (one job's worth), so each channel's first job holds people nearest the sighting and the
 * first commit stays a few hundredths of a second. The rest follow through insertTargetRows (ON
 * CONFLICT skips these). Returns the highest id written ("0" when none was), where the second
 * wave's batches begin.
 */
export async function insertFirstWaveRows(
  tx: DbOrTx,
  alert: { id: string; targetZips: readonly string[] },
  channels: Channel[],
  wave: { subscriptions: number; perChannel: number },
  now: Date,
): Promise<string> {
  const ownZip = alert.targetZips[0]!;
  // The ZIP's first `wave.subscriptions` subscriptions in subscriber order (its (zip, subscriber_id)
  // index), each subscriber looked up by primary key: OFFSET 0 keeps that a nested loop (flattened
  // into a join, the planner merge-joined the whole subscribers table, 150 ms at 100,000).
  const { rows } = await sql<{ last_id: string }>`
    WITH written AS (
      INSERT INTO deliveries (alert_id, subscriber_id, channel, zip, updated_at)
      SELECT ${alert.id}::uuid, f.id, f.channel, ${ownZip}, ${now}
      FROM (
        SELECT s.id, s.channel, row_number() OVER (PARTITION BY s.channel ORDER BY s.id) AS place
        FROM (
          SELECT subscriber_id FROM subscriptions WHERE zip = ${ownZip}
          ORDER BY subscriber_id LIMIT ${wave.subscriptions}
        ) m
        CROSS JOIN LATERAL (
          SELECT s.id, s.channel FROM subscribers s
          WHERE s.id = m.subscriber_id AND s.status = 'active' AND s.channel = ANY(${channels}::text[])
          OFFSET 0
        ) s
      ) f
      WHERE f.place <= ${wave.perChannel}
      ORDER BY f.channel, f.id
      ON CONFLICT (alert_id, subscriber_id, channel) DO NOTHING
      RETURNING id
    )
    SELECT COALESCE(max(id), 0)::text AS last_id FROM written`.execute(tx);
  return rows[0]!.last_id;
}

/** A drill's or follow-up's rows: exactly these recipients, in the order given. */
export async function insertRecipientRows(
  tx: DbOrTx,
  alertId: string,
  recipients: { subscriber_id: string; channel: Channel; zip: string | null }[],
  now: Date,
): Promise<void> {
  for (let i = 0; i < recipients.length; i += 5_000) {
    await tx
      .insertInto("deliveries")
      .values(
        recipients.slice(i, i + 5_000).map((r) => ({
          alert_id: alertId,
          subscriber_id: r.subscriber_id,
          channel: r.channel,
          zip: r.zip,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(["alert_id", "subscriber_id", "channel"]).doNothing())
      .execute();
  }
}

/**
 * Rows still open for an alert that has expired, untouched for `graceBefore`: `queued` → skipped
 * ("expired"); `sending` → failed ("unknown outcome"), since the dead attempt may have handed it
 * over. Returns how many were closed.
 */
export async function closeExpiredRows(db: DbOrTx, now: Date, graceBefore: Date): Promise<number> {
  const closed = await sql`
    UPDATE deliveries d
    SET status = CASE WHEN d.status = 'queued' THEN 'skipped' ELSE 'failed' END,
        last_error = CASE WHEN d.status = 'queued' THEN 'expired'
                          ELSE 'unknown outcome: the worker was lost and the alert expired' END,
        claim = NULL, updated_at = ${now}
    FROM alerts a
    WHERE a.id = d.alert_id AND a.expires_at <= ${now}
      AND d.status IN ('queued', 'sending') AND d.updated_at < ${graceBefore}`.execute(db);
  return Number(closed.numAffectedRows ?? 0);
}

/** Subscribers whose provider says the address is gone: stopped, once. */
export async function stopDeadAddresses(db: DbOrTx, subscriberIds: string[], now: Date): Promise<void> {
  if (subscriberIds.length === 0) return;
  await db
    .updateTable("subscribers")
    .set({ status: "stopped", stopped_at: now, updated_at: now })
    .where("id", "in", subscriberIds)
    .where("status", "<>", "stopped")
    .execute();
}
