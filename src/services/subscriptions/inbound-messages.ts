/**
 * Idempotency for inbound SMS, by Twilio's MessageSid. The first delivery of a message claims its
 * row (INSERT … ON CONFLICT DO NOTHING) inside the transaction that applies it; a concurrent
 * duplicate's INSERT waits for that transaction and then finds the row, so it applies nothing and
 * answers with the reply the first one stored (see rate-limits.ts, which stores it). The body is
 * never stored.
 *
 * One statement claims the message and locks the sender's subscriber row (FOR UPDATE), so two
 * messages from one number are applied one after the other; it is a round trip saved on every
 * message, which is most of what a message costs.
 */
import { sql } from "kysely";
import type { SubscriberStatus } from "../../db/database.ts";
import type { DbOrTx } from "../../db/transaction.ts";
import type { Language } from "../../i18n/languages.ts";
import type { SmsSubscriber } from "./types.ts";

export async function openInbound(
  db: DbOrTx,
  input: { messageSid: string; senderIndex: Buffer; lookup: Buffer[]; command: string; now: Date },
): Promise<{ claimed: boolean; subscriber: SmsSubscriber | undefined }> {
  const { rows } = await sql<{
    claimed: boolean;
    id: string | null;
    status: SubscriberStatus | null;
    language: Language | null;
  }>`
    WITH claim AS (
      INSERT INTO inbound_messages (message_sid, sender_index, command, received_at)
      VALUES (${input.messageSid}, ${input.senderIndex}, ${input.command}, ${input.now})
      ON CONFLICT (message_sid) DO NOTHING
      RETURNING 1
    ), texter AS (
      SELECT id, status, language FROM subscribers
      WHERE channel = 'sms' AND address_index IN (${sql.join(input.lookup)})
      FOR UPDATE
    )
    SELECT EXISTS (SELECT 1 FROM claim) AS claimed, texter.id, texter.status, texter.language
    FROM (SELECT 1) AS one LEFT JOIN texter ON true`.execute(db);
  const row = rows[0]!;
  const subscriber =
    row.id && row.status && row.language
      ? { id: row.id, status: row.status, language: row.language }
      : undefined;
  return { claimed: row.claimed, subscriber };
}

export async function storedReply(db: DbOrTx, messageSid: string): Promise<string[]> {
  const row = await db
    .selectFrom("inbound_messages")
    .select("reply")
    .where("message_sid", "=", messageSid)
    .executeTakeFirst();
  return row?.reply ?? [];
}
