/**
 * Idempotency for inbound SMS, by Twilio's MessageSid. The first delivery of a message claims its
 * row (INSERT … ON CONFLICT DO NOTHING) inside the transaction that applies it; a concurrent
 * duplicate's INSERT waits for that transaction and then finds the row, so it applies nothing and
 * answers with the reply the first one stored. The body is never stored.
 */
import type { DbOrTx } from "../../db/transaction.ts";

export async function claimInboundMessage(
  db: DbOrTx,
  input: { messageSid: string; senderIndex: Buffer; command: string; now: Date },
): Promise<boolean> {
  const claimed = await db
    .insertInto("inbound_messages")
    .values({
      message_sid: input.messageSid,
      sender_index: input.senderIndex,
      command: input.command,
      received_at: input.now,
    })
    .onConflict((oc) => oc.column("message_sid").doNothing())
    .returning("message_sid")
    .executeTakeFirst();
  return claimed !== undefined;
}

export async function storedReply(db: DbOrTx, messageSid: string): Promise<string[]> {
  const row = await db
    .selectFrom("inbound_messages")
    .select("reply")
    .where("message_sid", "=", messageSid)
    .executeTakeFirst();
  return row?.reply ?? [];
}

export async function saveReply(db: DbOrTx, messageSid: string, reply: string[]): Promise<void> {
  if (reply.length === 0) return;
  await db.updateTable("inbound_messages").set({ reply }).where("message_sid", "=", messageSid).execute();
}
