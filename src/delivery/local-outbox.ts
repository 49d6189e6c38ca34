/**
 * Local mode's sender: instead of reaching a provider, a message is stored in the `outbox` table,
 * where the dev outbox page and the phone simulator show it. The recipient is encrypted and blind
 * indexed exactly like a subscriber's address.
 */
import type { Channel, OutboxMessage } from "../db/database.ts";
import type { DbOrTx } from "../db/transaction.ts";
import { addressPurpose } from "../security/addresses.ts";
import type { PiiCipher } from "../security/pii.ts";
import type { Sender } from "./sender.ts";

export function createLocalOutboxSender(db: DbOrTx, pii: PiiCipher, channel: Channel): Sender {
  return {
    channel,
    mode: "local",
    async send(message) {
      const purpose = addressPurpose(message.channel);
      const recipient = pii.encrypt(message.to, purpose);
      const row = await db
        .insertInto("outbox")
        .values({
          channel: message.channel,
          subscriber_id: message.subscriberId ?? null,
          recipient_ciphertext: recipient.ciphertext,
          recipient_key_id: recipient.keyId,
          recipient_index: pii.blindIndex(message.to, purpose),
          subject: message.subject ?? null,
          body: message.text,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return { providerId: `outbox-${row.id}` };
    },
  };
}

export type OutboxEntry = Omit<
  OutboxMessage,
  "recipient_ciphertext" | "recipient_key_id" | "recipient_index"
> & {
  recipient: string;
};

/** The newest messages, recipients decrypted for display on the local dev pages. */
export async function listOutbox(
  db: DbOrTx,
  pii: PiiCipher,
  filter: { channel?: Channel; recipient?: string; limit?: number } = {},
): Promise<OutboxEntry[]> {
  let query = db
    .selectFrom("outbox")
    .selectAll()
    .orderBy("id", "desc")
    .limit(filter.limit ?? 100);
  if (filter.channel) query = query.where("channel", "=", filter.channel);
  if (filter.channel && filter.recipient) {
    query = query.where(
      "recipient_index",
      "in",
      pii.blindIndexes(filter.recipient, addressPurpose(filter.channel)),
    );
  }
  const rows = await query.execute();
  return rows.map(({ recipient_ciphertext, recipient_key_id, recipient_index: _index, ...rest }) => ({
    ...rest,
    recipient: pii.decrypt(
      { ciphertext: recipient_ciphertext, keyId: recipient_key_id },
      addressPurpose(rest.channel),
    ),
  }));
}
