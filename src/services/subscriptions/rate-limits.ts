/**
 * Reply rate limits, so a flood can neither run up the bill nor spam a number: at most
 * `perNumber.limit` replies per number per fixed window, and at most `globalPerMinute` reply
 * messages per minute in all. Beyond either, the message is still processed (a STOP still stops)
 * but nothing is answered.
 *
 * Counters live in the database (UNLOGGED: cheap, and a crash merely resets them), so every API
 * process shares them. The global count is spread over GLOBAL_SHARDS rows, so concurrent webhook
 * transactions rarely wait on each other's row lock; the check reads their sum. A number over its
 * own limit does not count against the global one, so one noisy number cannot silence everyone.
 *
 * The same statement stores the reply on the inbound message when it may be sent (the reply a
 * retried MessageSid gets), so counting and storing cost one round trip.
 */
import { randomInt } from "node:crypto";
import { sql } from "kysely";
import type { InboundSmsSettings } from "../../config.ts";
import type { DbOrTx } from "../../db/transaction.ts";

export const GLOBAL_SHARDS = 8;
const GLOBAL_KEYS = Array.from({ length: GLOBAL_SHARDS }, (_, i) => Buffer.from(`global:${i}`));

export type ReplyDecision = { allowed: boolean; numberCount: number | null; globalCount: number };

/**
 * Counts one reply of `messages` messages and says whether it may be sent; if it may and `save`
 * is given, stores it as that message's reply. `numberKey` is the sender's blind index, or null
 * for senders we keep nothing about (non-US numbers), whom only the global ceiling limits.
 */
export async function takeReplySlot(
  db: DbOrTx,
  limits: InboundSmsSettings,
  input: {
    numberKey: Buffer | null;
    messages: number;
    now: Date;
    save?: { messageSid: string; reply: string[] };
  },
): Promise<ReplyDecision> {
  const windowMs = limits.perNumber.windowSeconds * 1000;
  const numberWindow = new Date(Math.floor(input.now.getTime() / windowMs) * windowMs);
  const minute = new Date(Math.floor(input.now.getTime() / 60_000) * 60_000);
  const shard = GLOBAL_KEYS[randomInt(GLOBAL_SHARDS)]!;
  // Bump the number's counter; bump a global shard only if the number is within its limit; read
  // the global sum as it was before this statement (so add our own messages); store the reply if
  // both allow it.
  const { rows } = await sql<{ number_count: number | null; global_bumped: boolean; global_before: string }>`
    WITH numbered AS (
      INSERT INTO sms_rate_counters (key, window_start, count)
      SELECT ${input.numberKey}::bytea, ${numberWindow}::timestamptz, 1 WHERE ${input.numberKey}::bytea IS NOT NULL
      ON CONFLICT (key, window_start) DO UPDATE SET count = sms_rate_counters.count + 1
      RETURNING count
    ), global AS (
      INSERT INTO sms_rate_counters (key, window_start, count)
      SELECT ${shard}::bytea, ${minute}::timestamptz, ${input.messages}::integer
      WHERE COALESCE((SELECT count FROM numbered), 0) <= ${limits.perNumber.limit}
      ON CONFLICT (key, window_start) DO UPDATE SET count = sms_rate_counters.count + EXCLUDED.count
      RETURNING count
    ), decision AS (
      SELECT (SELECT count FROM numbered) AS number_count,
             EXISTS (SELECT 1 FROM global) AS global_bumped,
             (SELECT COALESCE(sum(count), 0) FROM sms_rate_counters
               WHERE key IN (${sql.join(GLOBAL_KEYS)}) AND window_start = ${minute}::timestamptz) AS global_before
    ), saved AS (
      UPDATE inbound_messages SET reply = ${input.save?.reply ?? []}::text[]
      WHERE message_sid = ${input.save?.messageSid ?? null}::text
        AND (SELECT global_bumped AND global_before + ${input.messages} <= ${limits.globalPerMinute} FROM decision)
      RETURNING 1
    )
    SELECT number_count, global_bumped, global_before::text AS global_before,
           (SELECT count(*) FROM saved) AS saved
    FROM decision`.execute(db);
  const row = rows[0]!;
  const globalCount = Number(row.global_before) + (row.global_bumped ? input.messages : 0);
  const withinNumber = row.number_count === null || row.number_count <= limits.perNumber.limit;
  return {
    allowed: withinNumber && row.global_bumped && globalCount <= limits.globalPerMinute,
    numberCount: row.number_count,
    globalCount,
  };
}

/** Stores the reply without counting it (the opt-out confirmation, which always goes). */
export async function saveReply(db: DbOrTx, messageSid: string, reply: string[]): Promise<void> {
  await db.updateTable("inbound_messages").set({ reply }).where("message_sid", "=", messageSid).execute();
}
