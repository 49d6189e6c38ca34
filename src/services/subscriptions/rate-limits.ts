/**
 * Reply rate limits, so a flood can neither run up the bill nor spam a number: at most
 * `perNumber.limit` replies per number per fixed window, and at most `globalPerMinute` replies per
 * minute in all. Beyond either, the message is still processed (a STOP still stops) but nothing is
 * answered.
 *
 * Counters live in the database (UNLOGGED: cheap, and a crash merely resets them), so every API
 * process shares them. The global count is spread over GLOBAL_SHARDS rows and the check reads
 * their sum. A transaction holds the row it bumped until it commits, so a database connection
 * always bumps the same shard, the one its backend's pid picks (pid % GLOBAL_SHARDS): texts in
 * flight wait on each other only when their connections' pids pick the same shard. With shards
 * picked at random, two texts in flight often drew the same row and the second waited for the
 * first to commit: under load, pg_stat_activity showed webhook transactions waiting on each
 * other's row locks (docs/benchmarks.md, "SMS webhook"). A number over its own limit does not
 * count against the global one, so one noisy number cannot silence everyone.
 *
 * For a US number the counting is part of the statement that opens the message (openInbound), so
 * it costs no round trip of its own; replyCounters() is that part.
 */
import { type RawBuilder, sql } from "kysely";
import type { InboundSmsSettings } from "../../config.ts";
import type { DbOrTx } from "../../db/transaction.ts";

export const GLOBAL_SHARDS = 16;
/** A global shard's key is this prefix and its number; the SQL below builds the same keys. */
const GLOBAL_PREFIX = "global:";
const GLOBAL_KEYS = Array.from({ length: GLOBAL_SHARDS }, (_, i) => Buffer.from(`${GLOBAL_PREFIX}${i}`));

/**
 * CTEs `numbered` and `global` (to follow a WITH's other CTEs) and the expression `allowed`. The
 * number's counter is bumped only when `countIf` holds; a global shard only when the number is
 * within its limit. `allowed` reads the global sum as it was before the statement, plus this reply.
 */
export function replyCounters(
  limits: InboundSmsSettings,
  input: { numberKey: Buffer | null; now: Date; countIf: RawBuilder<unknown> },
): { ctes: RawBuilder<unknown>; allowed: RawBuilder<boolean> } {
  const windowMs = limits.perNumber.windowSeconds * 1000;
  const numberWindow = new Date(Math.floor(input.now.getTime() / windowMs) * windowMs);
  const minute = new Date(Math.floor(input.now.getTime() / 60_000) * 60_000);
  const ctes = sql`numbered AS (
      INSERT INTO sms_rate_counters (key, window_start, count)
      SELECT ${input.numberKey}::bytea, ${numberWindow}::timestamptz, 1
      WHERE ${input.numberKey}::bytea IS NOT NULL AND ${input.countIf}
      ON CONFLICT (key, window_start) DO UPDATE SET count = sms_rate_counters.count + 1
      RETURNING count
    ), global AS (
      INSERT INTO sms_rate_counters (key, window_start, count)
      SELECT convert_to(${GLOBAL_PREFIX}::text || pg_backend_pid() % ${sql.lit(GLOBAL_SHARDS)}, 'UTF8'),
             ${minute}::timestamptz, 1
      WHERE ${input.countIf} AND COALESCE((SELECT count FROM numbered), 0) <= ${limits.perNumber.limit}
      ON CONFLICT (key, window_start) DO UPDATE SET count = sms_rate_counters.count + 1
      RETURNING count
    )`;
  const allowed = sql<boolean>`(EXISTS (SELECT 1 FROM global) AND (
      SELECT COALESCE(sum(count), 0) FROM sms_rate_counters
      WHERE key IN (${sql.join(GLOBAL_KEYS)}) AND window_start = ${minute}::timestamptz
    ) + 1 <= ${limits.globalPerMinute})`;
  return { ctes, allowed };
}

/** Counts one reply to a sender we keep nothing about (a refused non-US number): the global ceiling only. */
export async function takeGlobalReplySlot(
  db: DbOrTx,
  limits: InboundSmsSettings,
  now: Date,
): Promise<boolean> {
  const { ctes, allowed } = replyCounters(limits, { numberKey: null, now, countIf: sql`true` });
  const { rows } = await sql<{ allowed: boolean }>`WITH ${ctes} SELECT ${allowed} AS allowed`.execute(db);
  return rows[0]!.allowed;
}

export async function saveReply(db: DbOrTx, messageSid: string, reply: string[]): Promise<void> {
  await db.updateTable("inbound_messages").set({ reply }).where("message_sid", "=", messageSid).execute();
}
