/**
 * Reply rate limits, so a flood can neither run up the bill nor spam a number: at most
 * `perNumber.limit` replies per number per fixed window, and at most `globalPerMinute` replies per
 * minute in all. Beyond either, the message is still processed (a STOP still stops) but nothing is
 * answered. A number over its own limit does not count against the global one, so one noisy number
 * cannot silence everyone. Two replies have rules of their own:
 *
 * - The opt-out confirmation: a number's first STOP of a window is always confirmed (carriers
 *   require it), whatever the limits say; a repeated STOP in the same window is applied but not
 *   confirmed again, so STOP, START, STOP… cannot be turned into a stream of texts.
 * - The refusal to a number outside the supported countries: once per number per window, counted
 *   under the same per-number counter, and on a small global budget of its own
 *   (`refusalsPerMinute`), so that refusals never spend the replies residents' confirmations need.
 *
 * Counters live in the database (UNLOGGED: cheap, and a crash merely resets them), so every API
 * process shares them. The global ceiling is a check-and-reserve, atomic across processes: it is
 * split into GLOBAL_SHARDS rows, each with its own share of the ceiling (the shares add up to it
 * exactly), and a reply is allowed only by an upsert that bumps a shard while that shard is below
 * its share (ON CONFLICT … DO UPDATE … WHERE locks the row and decides on its latest version, so
 * no two texts can take the same slot). A transaction holds the row it bumped until it commits, so
 * a database connection first tries the shard its backend's pid picks (pid % GLOBAL_SHARDS): texts
 * in flight wait on each other only when their connections share a shard (docs/benchmarks.md, "SMS
 * webhook"). When that shard's share is used up it takes the next shard that, as the statement
 * sees them, has room; if another text fills that one first, the reply is refused although another
 * shard may still have room, which can only happen near the ceiling and errs on the side of fewer
 * replies.
 *
 * For a US number the counting is part of the statement that opens the message (openInbound), so
 * it costs no round trip of its own; replyCounters() is that part.
 */
import { type RawBuilder, sql } from "kysely";
import type { InboundSmsSettings } from "../../config.ts";
import { PREPARED } from "../../db/prepared.ts";
import type { DbOrTx } from "../../db/transaction.ts";

export const GLOBAL_SHARDS = 16;
/** A global shard's key is this prefix and its number; the SQL below builds the same keys. */
const GLOBAL_PREFIX = "global:";
/** The one row of the refusals' own budget. */
const REFUSALS_KEY = Buffer.from("refusals");
/** Appended to a number's blind index: its STOP confirmations of the window. */
const STOP_SUFFIX = Buffer.from(":stop");

/** The counter of a number's STOP confirmations (erased with the number). */
export function stopConfirmationKey(numberKey: Buffer): Buffer {
  return Buffer.concat([numberKey, STOP_SUFFIX]);
}

function windows(limits: InboundSmsSettings, now: Date): { numberWindow: Date; minute: Date } {
  const windowMs = limits.perNumber.windowSeconds * 1000;
  return {
    numberWindow: new Date(Math.floor(now.getTime() / windowMs) * windowMs),
    minute: new Date(Math.floor(now.getTime() / 60_000) * 60_000),
  };
}

/**
 * CTEs `numbered`, `global_shards`, `global_pick`, `global` and, for a STOP, `stops` (to follow a
 * WITH's other CTEs), and the expressions `allowed` and `firstStop`. The number's counter is bumped
 * only when `countIf` holds; a global slot is reserved only when the number is within its limit.
 * `allowed`: a global slot was reserved for this reply. `firstStop`: `stopIf` held and this is the
 * number's first STOP confirmation of the window.
 */
export function replyCounters(
  limits: InboundSmsSettings,
  input: { numberKey: Buffer; now: Date; countIf: RawBuilder<unknown>; stopIf?: RawBuilder<unknown> },
): { ctes: RawBuilder<unknown>; allowed: RawBuilder<boolean>; firstStop: RawBuilder<boolean> } {
  const { numberWindow, minute } = windows(limits, input.now);
  const share = Math.floor(limits.globalPerMinute / GLOBAL_SHARDS);
  const extra = limits.globalPerMinute % GLOBAL_SHARDS;
  const stops = input.stopIf
    ? sql`, stops AS (
      INSERT INTO sms_rate_counters (key, window_start, count)
      SELECT ${stopConfirmationKey(input.numberKey)}::bytea, ${numberWindow}::timestamptz, 1
      WHERE ${input.stopIf}
      ON CONFLICT (key, window_start) DO UPDATE SET count = sms_rate_counters.count + 1
      RETURNING count
    )`
    : sql``;
  const ctes = sql`numbered AS (
      INSERT INTO sms_rate_counters (key, window_start, count)
      SELECT ${input.numberKey}::bytea, ${numberWindow}::timestamptz, 1
      WHERE ${input.countIf}
      ON CONFLICT (key, window_start) DO UPDATE SET count = sms_rate_counters.count + 1
      RETURNING count
    ), global_shards AS (
      SELECT convert_to(${GLOBAL_PREFIX}::text || i, 'UTF8') AS key,
             ${share}::int + CASE WHEN i < ${extra}::int THEN 1 ELSE 0 END AS share,
             (i - pg_backend_pid() % ${sql.lit(GLOBAL_SHARDS)} + ${sql.lit(GLOBAL_SHARDS)}) % ${sql.lit(GLOBAL_SHARDS)} AS turn
      FROM generate_series(0, ${sql.lit(GLOBAL_SHARDS - 1)}) AS i
    ), global_pick AS (
      SELECT s.key, s.share FROM global_shards s
      LEFT JOIN sms_rate_counters c ON c.key = s.key AND c.window_start = ${minute}::timestamptz
      WHERE COALESCE(c.count, 0) < s.share
      ORDER BY s.turn LIMIT 1
    ), global AS (
      INSERT INTO sms_rate_counters (key, window_start, count)
      SELECT key, ${minute}::timestamptz, 1 FROM global_pick
      WHERE ${input.countIf} AND COALESCE((SELECT count FROM numbered), 0) <= ${limits.perNumber.limit}
      ON CONFLICT (key, window_start) DO UPDATE SET count = sms_rate_counters.count + 1
        WHERE sms_rate_counters.count < (SELECT share FROM global_pick)
      RETURNING count
    )${stops}`;
  const allowed = sql<boolean>`EXISTS (SELECT 1 FROM global)`;
  const firstStop = input.stopIf
    ? sql<boolean>`COALESCE((SELECT count FROM stops) = 1, false)`
    : sql<boolean>`false`;
  return { ctes, allowed, firstStop };
}

/**
 * Counts a text from a number outside the supported countries, of which we keep nothing but this
 * counter (its blind index, for the window): whether it may be sent the refusal. One statement,
 * outside any transaction, so the refusals' row is locked only while it runs.
 */
export async function takeRefusalSlot(
  db: DbOrTx,
  limits: InboundSmsSettings,
  input: { numberKey: Buffer; now: Date },
): Promise<boolean> {
  const { numberWindow, minute } = windows(limits, input.now);
  const { rows } = await sql<{ allowed: boolean }>`
    WITH numbered AS (
      INSERT INTO sms_rate_counters (key, window_start, count)
      VALUES (${input.numberKey}, ${numberWindow}::timestamptz, 1)
      ON CONFLICT (key, window_start) DO UPDATE SET count = sms_rate_counters.count + 1
      RETURNING count
    ), refusal AS (
      INSERT INTO sms_rate_counters (key, window_start, count)
      SELECT ${REFUSALS_KEY}::bytea, ${minute}::timestamptz, 1
      WHERE (SELECT count FROM numbered) = 1 AND ${limits.refusalsPerMinute}::int >= 1
      ON CONFLICT (key, window_start) DO UPDATE SET count = sms_rate_counters.count + 1
        WHERE sms_rate_counters.count < ${limits.refusalsPerMinute}::int
      RETURNING count
    )
    SELECT EXISTS (SELECT 1 FROM refusal) AS allowed`.execute(db);
  return rows[0]!.allowed;
}

export async function saveReply(db: DbOrTx, messageSid: string, reply: string[]): Promise<void> {
  await sql`${PREPARED} UPDATE inbound_messages SET reply = ${reply}::text[] WHERE message_sid = ${messageSid}`.execute(
    db,
  );
}
