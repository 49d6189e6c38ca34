/**
 * Erasing stopped subscribers. A resident who texts STOP (or unsubscribes, or whose number or push
 * subscription died) is erased by STOPPED_SUBSCRIBER_ERASURE_HOURS after it: the subscriber row
 * with its sealed address and blind index, its ZIPs, consent events and email confirmations; its
 * inbound-message records, reply counters and simulator transcript (found by the blind index);
 * its local-outbox messages; and the link from its ledger rows (subscriber and provider message
 * id; the rows stay, for the figures).
 *
 * Nothing is kept to "remember" the opt-out: with no row and no ZIPs there is nothing to send
 * them, and a tombstone index would be a permanent list of numbers that once subscribed, readable
 * by whoever holds BLIND_INDEX_KEY (the US number space is small enough to hash in full). If they
 * text again they are a stranger: a ZIP subscribes them from scratch. docs/privacy.md explains.
 *
 * Until the deadline the row stays, so START can restore what they followed (a STOP by mistake).
 * Housekeeping runs this every few minutes and erases with ERASURE_SLACK_MS to spare, so the
 * deadline holds as long as housekeeping runs.
 */
import { type SqlBool, sql } from "kysely";
import type { AppContext } from "../../context.ts";
import type { Channel } from "../../db/database.ts";
import { withTransaction } from "../../db/transaction.ts";
import { recordAudit } from "../audit/record-audit.ts";
import { TEXTER_LOCK_CLASS } from "../subscriptions/inbound-messages.ts";
import { stopConfirmationKey } from "../subscriptions/rate-limits.ts";

/** Erasure runs this long before the deadline (the schedule is every 5 minutes). */
export const ERASURE_SLACK_MS = 10 * 60_000;
const BATCH = 500;
const TEXT_CHANNELS: Channel[] = ["sms", "whatsapp"];

type Ctx = Pick<AppContext, "db" | "clock" | "config">;

export async function eraseStoppedSubscribers(ctx: Ctx): Promise<number> {
  const now = ctx.clock.now();
  const hours = ctx.config.retention.stoppedSubscriberErasureHours;
  const cutoff = new Date(now.getTime() - hours * 3_600_000 + ERASURE_SLACK_MS);
  let erased = 0;
  for (;;) {
    const count = await withTransaction(ctx.db, async (tx) => {
      // Someone texting right now (START, say) holds their number's advisory lock (openInbound), and
      // a row being changed is locked: either way it waits for the next run (SKIP LOCKED). Holding
      // the lock ourselves, a text arriving meanwhile waits, then finds a stranger.
      const doomed = await tx
        .selectFrom("subscribers")
        .select(["id", "channel", "address_index"])
        .where("status", "=", "stopped")
        .where((eb) => eb(eb.fn.coalesce("stopped_at", "updated_at"), "<=", cutoff))
        .where((eb) =>
          eb.or([
            eb("channel", "not in", TEXT_CHANNELS),
            sql<SqlBool>`pg_try_advisory_xact_lock(${TEXTER_LOCK_CLASS}::int,
              ('x' || encode(substring(address_index from 1 for 4), 'hex'))::bit(32)::int)`,
          ]),
        )
        .orderBy("id")
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      if (doomed.length === 0) return 0;
      const ids = doomed.map((row) => row.id);
      const indexes = doomed.map((row) => row.address_index);
      // Texters (SMS and WhatsApp) also left inbound records, counters and a simulator transcript.
      const smsIndexes = doomed
        .filter((row) => TEXT_CHANNELS.includes(row.channel))
        .map((row) => row.address_index);
      await tx
        .updateTable("deliveries")
        .set({ subscriber_id: null, provider_id: null })
        .where("subscriber_id", "in", ids)
        .execute();
      await tx
        .deleteFrom("outbox")
        .where((eb) => eb.or([eb("subscriber_id", "in", ids), eb("recipient_index", "in", indexes)]))
        .execute();
      if (smsIndexes.length > 0) {
        await tx.deleteFrom("inbound_messages").where("sender_index", "in", smsIndexes).execute();
        const counterKeys = [...smsIndexes, ...smsIndexes.map(stopConfirmationKey)];
        await tx.deleteFrom("sms_rate_counters").where("key", "in", counterKeys).execute();
        await tx.deleteFrom("phone_simulator_messages").where("number_index", "in", smsIndexes).execute();
      }
      // Subscriptions, consent events and email confirmations go with the row (ON DELETE CASCADE).
      await tx.deleteFrom("subscribers").where("id", "in", ids).execute();
      return doomed.length;
    });
    erased += count;
    if (count < BATCH) break;
  }
  if (erased > 0) {
    // A count only: an erased subscriber's id must not outlive it in an append-only log.
    await recordAudit(ctx.db, {
      actor: "system",
      action: "retention.subscribers_erased",
      details: { count: erased },
      at: now,
    });
  }
  return erased;
}
