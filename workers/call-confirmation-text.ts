/**
 * The confirmation text of a change made by phone call (src/services/voice/call-subscriptions.ts):
 * payload { claim, subscriberId }, never the number. The texts are the reply stored on the call's
 * inbound record, the same a texter would have been answered with; the number is decrypted just
 * before the send. Once the inbound record is gone (retention) or the subscriber is, nothing is
 * sent. A retryable send error throws, so pg-boss retries; a permanent one (a landline cannot take
 * texts) is logged without the number and given up.
 */
import { z } from "zod";
import type { AppContext } from "../src/context.ts";
import { SendError } from "../src/delivery/sender.ts";
import { openAddress } from "../src/security/addresses.ts";

export const callConfirmationTextPayload = z.object({
  claim: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  subscriberId: z.uuid(),
});

export type CallConfirmationTextResult = { sent: number; reason?: "gone" | "rejected" };

export async function sendCallConfirmationText(
  ctx: Pick<AppContext, "db" | "pii" | "senders" | "log">,
  payload: unknown,
): Promise<CallConfirmationTextResult> {
  const { claim, subscriberId } = callConfirmationTextPayload.parse(payload);
  const inbound = await ctx.db
    .selectFrom("inbound_messages")
    .select("reply")
    .where("message_sid", "=", claim)
    .executeTakeFirst();
  const subscriber = await ctx.db
    .selectFrom("subscribers")
    .select(["id", "channel", "address_ciphertext", "address_key_id"])
    .where("id", "=", subscriberId)
    .executeTakeFirst();
  if (!inbound || inbound.reply.length === 0 || subscriber?.channel !== "sms")
    return { sent: 0, reason: "gone" };
  const to = openAddress(ctx.pii, "sms", subscriber);
  let sent = 0;
  for (const text of inbound.reply) {
    try {
      await ctx.senders.sms.send({ channel: "sms", to, subscriberId: subscriber.id, text });
      sent++;
    } catch (error) {
      if (error instanceof SendError && error.kind === "permanent") {
        ctx.log.warn(
          { subscriber: subscriber.id, code: error.code },
          "call confirmation text rejected by the provider",
        );
        return { sent, reason: "rejected" };
      }
      throw error;
    }
  }
  return { sent };
}
