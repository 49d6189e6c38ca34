/**
 * Opening an inbound SMS, in one statement. Round trips and WAL flushes are what a text costs, so it:
 *
 * - claims the MessageSid (INSERT … ON CONFLICT DO NOTHING; a concurrent duplicate's INSERT waits
 *   for the first one's transaction and then finds the row, so it applies nothing and answers with
 *   the reply the first one stored, which this statement returns; the body is never stored);
 * - then takes a transaction-scoped advisory lock on the sender's number (by blind index), so two
 *   messages from one number are applied one after the other, and reads the texter's subscriber
 *   row and their ZIPs after it: both in texter_after_lock (migrations/2026-12-05T1500-…), a
 *   function because only a function's queries get a snapshot taken after a lock waited for within
 *   the statement (docs/benchmarks.md, "SMS webhook"). An advisory lock writes no WAL, unlike
 *   SELECT … FOR UPDATE, so a text that changes nothing (HELP, LIST) commits without waiting for a
 *   disk flush; inbound_messages and the counters are UNLOGGED for the same reason;
 * - reads the reference rows of the ZIPs the message names (they do not change under a texter);
 * - counts the reply against the rate limits (rate-limits.ts), only for a message claimed here and
 *   not for a stopped number's messages that are not an opt-in (those get no reply), and for a STOP
 *   from a number not stopped yet, whether it is the first of the window (always confirmed).
 *
 * The claim keeps the language the message showed, and the statement reads the language the
 * number's earlier messages last showed: for a number with no subscriber row, that is the only
 * record of the language it writes in. It also says whether the number is on a responder roster,
 * so the great majority of texts, from residents, need no statement of the responders module's own.
 */
import { sql } from "kysely";
import type { InboundSmsSettings } from "../../config.ts";
import type { SubscriberStatus, TextChannel } from "../../db/database.ts";
import { PREPARED } from "../../db/prepared.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import type { Language } from "../../i18n/languages.ts";
import { replyCounters } from "./rate-limits.ts";
import type { SmsSubscriber, ZipRow } from "./types.ts";

export type OpenedInbound = {
  claimed: boolean;
  subscriber: SmsSubscriber | undefined;
  zips: string[];
  zipRows: ZipRow[];
  /** Whether a reply may be sent (counted against the rate limits). */
  replyAllowed: boolean;
  /** A STOP that is the number's first of the window: its confirmation goes whatever the limits. */
  firstStop: boolean;
  /** The language the number's earlier messages last used or chose (see receive-sms.ts). */
  lastLanguage: Language | undefined;
  /** Whether the number is on a responder roster (issue 16): only then are its rows read and locked. */
  onRoster: boolean;
  /** For a message not claimed here (a retry), the reply stored when it was first applied. */
  storedReply: string[];
};

/** The advisory-lock class of texters (the two-key form: pg-boss's one-key locks never collide). */
export const TEXTER_LOCK_CLASS = 0x736d7331; // "sms1"

export async function openInbound(
  db: DbOrTx,
  limits: InboundSmsSettings,
  input: {
    messageSid: string;
    /** The channel the message came on: its subscriber is that channel's. */
    channel: TextChannel;
    /** The sender's blind index under the current key (stored, and counted against). */
    senderIndex: Buffer;
    /** Every index the number may be stored under (both keys during a key rotation). */
    senderIndexes: Buffer[];
    command: string;
    /** The language the message is written in or asks for, if it shows one. */
    language: Language | undefined;
    /** An opt-in (ZIP, START) is answered even for a stopped number, so it is counted. */
    optIn: boolean;
    /** An opt-out (STOP): its confirmations are counted on their own. */
    stop: boolean;
    /** ZIPs the message names, whose reference rows to read. */
    zipLookup: readonly string[];
    now: Date;
  },
): Promise<OpenedInbound> {
  const index = input.senderIndex;
  const counters = replyCounters(limits, {
    numberKey: index,
    now: input.now,
    countIf: sql`EXISTS (SELECT 1 FROM claim) AND (${input.optIn} OR (SELECT status FROM texter) IS DISTINCT FROM 'stopped')`,
    stopIf: input.stop
      ? sql`EXISTS (SELECT 1 FROM claim) AND (SELECT status FROM texter) IS DISTINCT FROM 'stopped'`
      : undefined,
  });
  const { rows } = await sql<{
    claimed: boolean;
    id: string | null;
    status: SubscriberStatus | null;
    language: Language | null;
    zips: string[];
    zip_rows: ZipRow[] | string;
    reply_allowed: boolean;
    first_stop: boolean;
    last_language: Language | null;
    on_roster: boolean;
    stored_reply: string[] | null;
  }>`${PREPARED}
    WITH claim AS (
      INSERT INTO inbound_messages (message_sid, sender_index, command, language, received_at)
      VALUES (${input.messageSid}, ${index}, ${input.command}, ${input.language ?? null}, ${input.now})
      ON CONFLICT (message_sid) DO NOTHING
      RETURNING 1
    ), texter AS MATERIALIZED (
      SELECT * FROM texter_after_lock(${TEXTER_LOCK_CLASS}::int, ${index.readInt32BE(0)}::int, ${input.channel}::text,
        ARRAY[${sql.join(input.senderIndexes)}]::bytea[], ${input.messageSid}::text, EXISTS (SELECT 1 FROM claim))
    ), ${counters.ctes}
    SELECT EXISTS (SELECT 1 FROM claim) AS claimed, t.id, t.status, t.language, t.zips,
      COALESCE((SELECT json_agg(json_build_object('zip', zip, 'state', state)) FROM zip_codes
                WHERE zip = ANY(${[...input.zipLookup]}::text[])), '[]') AS zip_rows,
      ${counters.allowed} AS reply_allowed, ${counters.firstStop} AS first_stop,
      t.last_language, t.on_roster, t.stored_reply
    FROM texter t`.execute(db);
  const row = rows[0]!;
  const subscriber =
    row.id && row.status && row.language
      ? { id: row.id, status: row.status, language: row.language }
      : undefined;
  return {
    claimed: row.claimed,
    subscriber,
    zips: row.zips,
    zipRows: typeof row.zip_rows === "string" ? JSON.parse(row.zip_rows) : row.zip_rows,
    replyAllowed: row.reply_allowed,
    firstStop: row.first_stop,
    lastLanguage: row.last_language ?? undefined,
    onRoster: row.on_roster,
    storedReply: row.stored_reply ?? [],
  };
}
